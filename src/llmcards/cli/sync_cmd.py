"""`llmcards sync [login|logout]`: study anywhere through Anki's sync server."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from llmcards.cli.state import STATE

sync_app = typer.Typer(
    name="sync",
    help="Two-way sync with an Anki sync server (AnkiWeb or self-hosted): reviews made on "
    "the phone come back, llmcards' cards and reviews go out. Needs the sync extra: "
    "pip install 'llmcards[sync]'.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)


@sync_app.callback()
def sync(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a summary as JSON.")] = False,
    upload: Annotated[
        bool,
        typer.Option("--upload", help="When a full sync is needed: replace the server's copy."),
    ] = False,
    download: Annotated[
        bool,
        typer.Option(
            "--download", help="When a full sync is needed: take the server's copy, then merge."
        ),
    ] = False,
) -> None:
    """Sync now (a backup is made before any full sync)."""
    if ctx.invoked_subcommand is not None:
        return
    from llmcards.errors import UserError

    if upload and download:
        raise UserError("choose one of --upload and --download")
    from llmcards import clock
    from llmcards.config import load_settings
    from llmcards.exchange.anki_mirror import require_anki
    from llmcards.exchange.sync_run import logged_in, run_sync

    settings = load_settings()
    require_anki()
    logged_in(STATE.db_path)  # before opening: a mistyped --db is not made into a database
    db = STATE.open()
    try:
        direction = "upload" if upload else "download" if download else None
        report = run_sync(db, settings=settings, now=clock.now(), direction=direction)
    finally:
        db.close()
    if as_json:
        from llmcards.cli.output import print_json

        print_json(report.as_json())
        return
    from rich.markup import escape

    from llmcards.cli.output import console

    console().print(escape(report.summary()))


def login(
    user: Annotated[str, typer.Option("--user", "-u", help="Your sync account's user name.")],
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="A self-hosted server's URL (default: AnkiWeb)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Log in and keep only the key the server returns (never the password)."""
    from llmcards.exchange import anki_mirror as am
    from llmcards.exchange.sync_login import save_login, sync_folder

    am.require_anki()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass(f"Password for {user}: ")
    if not password:
        from llmcards.errors import UserError

        raise UserError("no password given; type it at the prompt or pipe it to --password-stdin")
    url = endpoint if endpoint is None or endpoint.endswith("/") else endpoint + "/"
    done = am.login(user, password, url)
    saved = save_login(sync_folder(STATE.db_path), done)
    from rich.markup import escape

    from llmcards.cli.output import console

    console().print(escape(f"Logged in to {done.server} as {user}; key kept in {saved}"))


def logout() -> None:
    """Forget the stored key (the mirror collection stays)."""
    from llmcards.cli.output import console
    from llmcards.exchange.sync_login import forget_login, sync_folder

    forgot = forget_login(sync_folder(STATE.db_path))
    console().print("Logged out" if forgot else "Not logged in; nothing to forget")


def register(app: typer.Typer) -> None:
    sync_app.command("login")(login)
    sync_app.command("logout")(logout)
    app.add_typer(sync_app, name="sync")
