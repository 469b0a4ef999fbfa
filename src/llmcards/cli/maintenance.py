"""`llmcards starter`, `backup` and `restore`: looking after the collection."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmcards.cli.state import STATE


def starter(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the import result as JSON.")
    ] = False,
) -> None:
    """Add or update the bundled decks (LLM/ML basics); review history is kept."""
    from llmcards import clock
    from llmcards.importing.files import import_paths
    from llmcards.paths import bundled_decks_dir

    db = STATE.open()
    try:
        report = import_paths(db, [bundled_decks_dir()], now=clock.now())
    finally:
        db.close()
    if as_json:
        from llmcards.cli.output import print_json

        print_json(report.as_json())
        return
    from llmcards.cli.output import console

    roots = sorted({f.root for f in report.files})
    console().print(
        f"Bundled decks: {report.total('new')} new, {report.total('updated')} updated, "
        f"{report.total('unchanged')} unchanged, {report.total('retired')} retired — "
        + ", ".join(roots)
    )


def backup() -> None:
    """Write a backup of the database now (kept beside it in backups/<database name>/)."""
    from llmcards.cli.output import console, shown
    from llmcards.store.backup import make_backup

    path = STATE.db_path
    if not path.exists():
        from llmcards.errors import UserError

        raise UserError(f"no database at {path} yet; import notes first (llmcards import NOTES)")
    STATE.open().close()  # migrates / validates before copying
    made = make_backup(path, "manual")
    console().print(f"Backed up to {shown(made)}")


def restore(
    file: Annotated[
        Path,
        typer.Argument(
            help="A backup file (see the backups/<database name>/ folder beside the database)."
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup (the current state is backed up first).
    A backup of another database is restored only after you confirm it, even with --yes."""
    from llmcards.cli.output import console, shown
    from llmcards.errors import UserError
    from llmcards.store.backup import backup_dir, check_backup, is_other_database
    from llmcards.store.backup import restore as restore_backup

    path = STATE.db_path
    file = file.expanduser()
    if not file.exists():
        raise UserError(f"{file}: no such backup file; list them with `ls {backup_dir(path)}`")
    check_backup(path, file)  # damaged, foreign or newer: refused before any question
    if path.exists() and is_other_database(path, file):
        if not typer.confirm(
            f"{file} is a backup of a different database, not of {path}. "
            "Replace this database with it? Its current data is backed up first.",
            default=False,
        ):
            raise typer.Exit(1)
    elif not yes and not typer.confirm(
        f"Replace {path} with {file}? Your current data is backed up first.", default=False
    ):
        raise typer.Exit(1)
    safety = restore_backup(path, file)
    STATE.open().close()  # migrate an older backup to the current schema
    console().print(f"Restored {shown(file.name)}. The previous state is saved as {shown(safety)}")


def register(app: typer.Typer) -> None:
    app.command("starter")(starter)
    app.command("backup")(backup)
    app.command("restore")(restore)
