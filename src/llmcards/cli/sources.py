"""`llmcards sources` (the imported notes files) and `llmcards relink` (a history moved by
hand): looking after what imports left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmcards.cli.state import STATE
from llmcards.wording import counted

sources_app = typer.Typer(
    help="Imported notes files, with their deck and card counts.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@sources_app.callback()
def sources(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the files as JSON.")] = False,
) -> None:
    """List the notes files imported so far: deck, cards in study, retired, and whether
    the file is still there."""
    if ctx.invoked_subcommand is not None:
        return
    from llmcards.store.fastread import raw_connection
    from llmcards.store.source_list import list_sources

    # Straight from the SQLite file when it can be, without SQLAlchemy (~0.25 s).
    with raw_connection(STATE.db_path) as conn:
        found = list_sources(conn)
    if as_json:
        from llmcards.cli.output import print_json

        print_json([s.as_json() for s in found])
        return
    from rich.console import JustifyMethod
    from rich.table import Table

    from llmcards.cli.output import console, shown
    from llmcards.cli.plain_table import piped, write_table

    if not found:
        console().print("No notes imported yet. Import with [bold]llmcards import NOTES.md[/bold].")
        return
    if piped():
        from llmcards.textsafe import printable

        rows = [
            (
                printable(str(s.path)) + ("" if s.exists else " (gone)"),
                printable(s.root),
                str(s.cards),
                str(s.retired),
            )
            for s in found
        ]
        write_table(("File", "Deck", "Cards", "Retired"), rows, right=(2, 3))
        return
    table = Table(box=None, pad_edge=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("File", "left"),
        ("Deck", "left"),
        ("Cards", "right"),
        ("Retired", "right"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify, overflow="fold")
    for s in found:
        where = shown(s.path) + ("" if s.exists else " [red](gone)[/red]")
        table.add_row(where, shown(s.root), str(s.cards), str(s.retired))
    console().print(table)


@sources_app.command("forget")
def forget(
    path: Annotated[
        Path,
        typer.Argument(help="The notes file, as `llmcards sources` lists it.", show_default=False),
    ],
) -> None:
    """Retire every card a notes file made (kept with its history) and forget the file."""
    from llmcards import clock
    from llmcards.cli.output import console, shown
    from llmcards.errors import UserError
    from llmcards.store.sources import forget_source, sources_at

    db = STATE.open()
    try:
        with db.write() as conn:
            imports = sources_at(conn, str(path))
            if not imports:
                raise UserError(
                    f"{path}: no notes file imported from there; see `llmcards sources`"
                )
            now = clock.now()
            done = [(root, forget_source(conn, root, at, now)) for root, at in imports]
    finally:
        db.close()
    for root, fronts in done:
        console().print(
            f"{shown(str(path))} → [bold]{shown(root)}[/bold]: {len(fronts)} retired "
            "(kept with their history); the file is forgotten"
        )


def relink(
    old: Annotated[int, typer.Argument(help="The retired card's id.", show_default=False)],
    new: Annotated[int, typer.Argument(help="The card to give its history.", show_default=False)],
) -> None:
    """Move a retired card's review history onto another card (its schedule is replayed)."""
    from llmcards.cli.output import console
    from llmcards.relink import relink as move_history
    from llmcards.store.models import STATE_NAMES

    db = STATE.open()
    try:
        done = move_history(db, old, new, STATE.settings())
    finally:
        db.close()
    due = f", due {done.due.astimezone().strftime('%Y-%m-%d %H:%M')}" if done.due else ""
    console().print(
        f"Moved {done.moved} review{'' if done.moved == 1 else 's'} from card #{old} to card #{new}: "
        f"{counted(done.reviews, 'review')}, {STATE_NAMES.get(done.state, '?')}{due}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources")
    app.command("relink")(relink)
