"""The `llmcards` command. Each command group lives in its own module; heavy imports
(SQLAlchemy, Textual, fsrs) happen inside the commands, so `--help` stays instant."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmcards import __version__
from llmcards.cli import (
    browse,
    config_cmd,
    exchange,
    importing,
    maintenance,
    stats_cmd,
    study,
    sync_cmd,
)
from llmcards.cli.anywhere import AnywhereGroup
from llmcards.cli.state import STATE

if TYPE_CHECKING:
    from typer._click.core import Context


class Group(AnywhereGroup):
    """The top-level group. Ctrl-C in any command becomes `Interrupted`: Typer would
    turn the KeyboardInterrupt into a silent exit 130, and `run` says it in one line."""

    def invoke(self, ctx: Context) -> Any:
        from llmcards.errors import Interrupted

        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None


app = typer.Typer(
    name="llmcards",
    cls=Group,
    help="Spaced-repetition flashcards from your own Markdown notes.\n\n"
    "Run with no command to open the study app.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"llmcards {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="LLMCARDS_DB",
            metavar="PATH",
            help="Database file (default: in your user data folder); before or after the command.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    if db is not None and not db.strip():
        from llmcards.errors import UserError

        # `--db "$DB"` with DB unset: the default database is not what the script meant.
        raise UserError("--db is empty; give the database file's path, or leave --db out")
    STATE.db_option = db
    STATE.db_existed = STATE.db_path.exists()
    if ctx.invoked_subcommand is None:
        from llmcards.cli.study import open_app

        open_app()


# Help lists the commands in this order.
for group in (importing, browse, study, config_cmd, exchange, stats_cmd, maintenance, sync_cmd):
    group.register(app)


def entry() -> None:
    """The console script: `run`, then leave at once. Tearing the interpreter down
    frees every object one by one and collects them once more: after a large import,
    0.15–0.3 s spent on nothing anyone waits for."""
    try:
        run()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except KeyboardInterrupt:  # a second Ctrl-C, while `run` was handling an error
        _say_interrupted("interrupted")
        code = 130
    leave(code)


def leave(code: int) -> None:
    """Exit with `code` like `sys.exit`, skipping the teardown: exit handlers run and
    the output is flushed first. Not once the study app ran: its worker threads may
    still be finishing (the day's backup), and the normal exit waits for them."""
    import atexit
    import os
    import signal

    if "textual" in sys.modules:
        sys.exit(code)
    # Leaving already: a Ctrl-C now would only put a traceback over what was said.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    atexit._run_exitfuncs()
    try:
        if sys.stdout is not None:  # None: it was closed (`>&-`)
            sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):  # the reader went away (`| head`)
        code = code or 1
    os._exit(code)


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    sys.stderr.write(f"{exc.code}\n")  # what sys.exit("message") prints
    return 1


def run() -> None:
    """Entry point: user errors become one line on stderr and a non-zero exit."""
    from llmcards.cli.output import GuardedStdout
    from llmcards.errors import Interrupted, UserError

    STATE.db_existed = None
    stdout = sys.stdout
    sys.stdout = GuardedStdout(stdout)
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()  # here, where a failure is told in one line, not in `leave`
    except Interrupted as exc:
        _say_interrupted(str(exc))
        sys.exit(exc.exit_code)
    except UserError as exc:
        from llmcards.cli.output import error_line

        error_line(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:  # outside any command (`Group.invoke`), e.g. parsing
        _say_interrupted("interrupted")
        sys.exit(130)
    except Exception as exc:
        _handle_other(exc)
    finally:
        # As it was (Typer puts its own wrapper there after a broken pipe).
        sys.stdout = stdout
    # Outside standalone mode a `typer.Exit(n)` from a command comes back as a return
    # value instead of being raised.
    if isinstance(code, int) and code:
        sys.exit(code)
    notice = STATE.created_notice()
    if notice:
        from llmcards.textsafe import printable

        sys.stderr.write(f"llmcards: {printable(notice)}\n")


def _say_interrupted(message: str) -> None:
    """Ctrl-C is no error: `llmcards: interrupted…` on stderr, nothing more."""
    from llmcards.textsafe import printable

    sys.stderr.write(f"llmcards: {printable(message)}\n")


def _handle_other(exc: Exception) -> None:
    from typer._click.exceptions import ClickException

    from llmcards.cli.output import error_line

    if _while_interrupted(exc):
        _say_interrupted("interrupted")
        sys.exit(130)
    if isinstance(exc, BrokenPipeError):  # the reader went away (`| head`): nothing to say
        sys.exit(1)
    if isinstance(exc, typer.Exit):
        sys.exit(exc.exit_code)
    if isinstance(exc, typer.Abort):
        error_line("aborted; nothing was changed")
        sys.exit(1)
    if isinstance(exc, ClickException):
        # Click's own form is the whole usage text and the error under it; one line, as
        # every other mistake gets, points at the help instead.
        context = getattr(exc, "ctx", None)
        where = context.command_path if context is not None else "llmcards"
        error_line(f"{exc.format_message().rstrip('.')}; see `{where} --help`")
        sys.exit(exc.exit_code)
    translated = _translate_storage_error(exc)
    if translated:
        error_line(translated)
        sys.exit(1)
    raise exc


def _while_interrupted(exc: BaseException) -> bool:
    """Whether `exc` was raised while a Ctrl-C was being handled (a cleanup that failed
    because of it): it is the interrupt's consequence, and reported as the interrupt."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__context__
    return False


def _translate_storage_error(exc: Exception) -> str | None:
    """Known environment failures (disk full, read-only, locked) as one line."""
    message = str(getattr(exc, "orig", None) or exc)
    where = STATE.db_path
    if "readonly" in message:
        return f"database {where} is read-only; check its permissions or pass --db"
    if "database or disk is full" in message or "No space left" in message:
        return f"no space left to write {where}; free some disk space and run again"
    if "database is locked" in message:
        return f"database {where} stayed locked by another llmcards for too long; try again"
    if "disk I/O error" in message or "malformed" in message:
        return f"database {where} could not be read ({message}); restore a backup with `llmcards restore`"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return None
