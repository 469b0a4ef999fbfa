"""`llmcards export anki|csv` and `llmcards import-anki`: leave for Anki or arrive from it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from llmcards.cli.state import STATE

PROGRESS_FROM = 2000  # work units (cards + reviews) before a progress bar is worth showing

export_app = typer.Typer(
    name="export",
    help="Export cards for Anki: an .apkg package (with schedule and history) or CSV.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DeckOption = Annotated[
    str | None,
    typer.Option(
        "--deck", "-d", help="Only this deck and its sub-decks (full path or its last part)."
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", "-f", help="Replace the file if it exists.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a summary object as JSON.")]


@contextmanager
def _progress(label: str, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr, shown only once the work is large enough."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if not enabled or total < PROGRESS_FROM:
            return
        if "bar" not in state:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            from llmcards.cli.output import err_console

            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err_console(),
                transient=True,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task(label, total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()


def export_anki(
    path: Annotated[Path, typer.Argument(help="The .apkg file to write.", show_default=False)],
    deck: DeckOption = None,
    no_scheduling: Annotated[
        bool,
        typer.Option("--no-scheduling", help="Export every card as new, without review history."),
    ] = False,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Write an Anki package: decks, notes (Basic and Cloze), and unless --no-scheduling each
    card's schedule, FSRS memory state and every review. Retired cards are not exported.
    Exporting again and importing into the same Anki collection updates the notes."""
    from llmcards import clock
    from llmcards.errors import UserError
    from llmcards.exchange.apkg_export import export_apkg
    from llmcards.exchange.outfile import refuse_folder

    refuse_folder(path)  # before the name's suffix: `.` and `/` have no name to give one
    if path.suffix.lower() != ".apkg":
        # Anki's File › Import and AnkiDroid recognise a package by its name alone.
        raise UserError(
            f"{path}: an Anki package must be named .apkg for Anki to import it; "
            f"write it as {path.with_suffix('.apkg').name}"
        )
    settings = STATE.settings()
    db = STATE.open()
    try:
        with _progress("Exporting", enabled=not as_json) as progress:
            summary = export_apkg(
                db,
                path,
                settings=settings,
                deck=deck,
                scheduling=not no_scheduling,
                force=force,
                now=clock.now(),
                progress=progress,
            )
    finally:
        db.close()
    if as_json:
        from llmcards.cli.output import print_json

        print_json(summary.as_json())
        return
    from llmcards.cli.output import console, shown
    from llmcards.wording import counted

    history = (
        f" with {counted(summary.reviews, 'review')}"
        if summary.scheduling
        else " as new cards (no scheduling)"
    )
    moved = (
        f"; {summary.moved_from_future} review times in the future set to now"
        if summary.moved_from_future
        else ""
    )
    images = f", {counted(summary.media, 'image')}" if summary.media else ""
    console().print(
        f"Exported {counted(summary.cards, 'card')} ({counted(summary.notes, 'note')}, "
        f"{counted(summary.decks, 'deck')}{images}){history} "
        f"to [bold]{shown(str(summary.path))}[/bold]{moved}"
    )
    if summary.media_refused:
        reasons = ", ".join(f"{count} {why}" for why, count in summary.media_refused.items())
        console().print(
            f"[yellow]Images left as links, not packed[/yellow]: {reasons} "
            "(only images in the notes' folder or the database's media folder are packed)"
        )


def export_csv(
    path: Annotated[
        Path,
        typer.Argument(
            help="The .csv file to write; - writes to standard output.", show_default=False
        ),
    ],
    deck: DeckOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Write the notes as CSV for Anki's File › Import (deck, GUID and tags columns are
    declared in the header). No schedule or history. Retired cards are not exported."""
    import sys

    from llmcards.exchange.csv_export import export_csv as write_csv

    to_stdout = str(path) == "-"
    db = STATE.open()
    try:
        if to_stdout:
            summary = write_csv(db, None, deck=deck, stream=sys.stdout)
        else:
            summary = write_csv(db, path, deck=deck, force=force)
    finally:
        db.close()
    if to_stdout:  # the CSV is the output: what was written goes to stderr, if asked
        if as_json:
            import json

            sys.stderr.write(json.dumps(summary.as_json(), ensure_ascii=False) + "\n")
        return
    if as_json:
        from llmcards.cli.output import print_json

        print_json(summary.as_json())
        return
    from llmcards.cli.output import console, shown
    from llmcards.wording import counted

    console().print(
        f"Exported {counted(summary.cards, 'card')} ({counted(summary.notes, 'note')}, "
        f"{counted(summary.decks, 'deck')}) "
        f"to [bold]{shown(str(summary.path))}[/bold]"
    )


def import_anki(
    path: Annotated[
        Path, typer.Argument(help="An Anki package (.apkg or .colpkg).", show_default=False)
    ],
    as_json: JsonOption = False,
) -> None:
    """Import an Anki package: Basic-like and Cloze notes become cards (HTML to Markdown),
    decks are kept, and the review log becomes history with FSRS state recomputed.
    Importing the same package again updates the cards instead of duplicating them."""
    from llmcards import clock
    from llmcards.exchange.apkg_import import import_apkg

    settings = STATE.settings()
    db = STATE.open()
    try:
        with _progress("Importing", enabled=not as_json) as progress:
            report = import_apkg(db, path, settings=settings, now=clock.now(), progress=progress)
    finally:
        db.close()
    if as_json:
        from llmcards.cli.output import print_json

        print_json(report.as_json())
        return
    from llmcards.cli.output import console, shown
    from llmcards.wording import counted

    out = console()
    out.print(
        f"{shown(path.name)}: [green]{report.new:,} new[/green], {report.updated:,} updated cards "
        + (f"({report.unchanged:,} unchanged) " if report.unchanged else "")
        + f"in {counted(report.decks, 'deck')}, {counted(report.reviews, 'review')} added"
    )
    media = report.media
    if media.imported or media.left_out:
        line = (
            f"  {counted(media.imported, 'image')} imported into {media.folder}"
            if media.imported
            else "  No images imported"
        )
        if media.left_out:
            line += "; left out: " + ", ".join(
                f"{count:,} {why}" for why, count in sorted(media.left_out.items())
            )
        out.print(shown(line))
    for name, count in sorted(report.other_note_types.items()):
        out.print(
            f"  [yellow]{shown(name)}[/yellow]: {counted(count, 'note')} of a note type read by "
            "its fields in order: the first asks, the others answer"
        )
    for name, count in sorted(report.extra_fields.items()):
        out.print(
            f"  [yellow]{shown(name)}[/yellow]: {counted(count, 'note')} with fields beyond a "
            "front and a back: they follow the back in the answer"
        )
    if report.skipped_reviews:
        out.print(
            f"  [dim]{counted(report.skipped_reviews, 'manual schedule change')} in the review log"
            f" {'was' if report.skipped_reviews == 1 else 'were'} not imported[/dim]"
        )
    _print_skipped(out, report.skipped)


SKIPPED_SHOWN = 12  # `--json` lists every one


def _print_skipped(out: Any, skipped: list[Any]) -> None:
    """What the import passed over, each with its Anki note id, so it can be found there."""
    if not skipped:
        return
    from llmcards.cli.output import shown

    out.print(f"  [yellow]Passed over[/yellow] ({len(skipped):,}, not imported):")
    for item in skipped[:SKIPPED_SHOWN]:
        which = f"note {item.note_id}" + (f", card {item.card}" if item.card else "")
        out.print(shown(f"    {which} ({item.note_type}): {item.reason}"))
    if len(skipped) > SKIPPED_SHOWN:
        out.print(f"    … and {len(skipped) - SKIPPED_SHOWN:,} more (`--json` lists them all)")


def register(app: typer.Typer) -> None:
    export_app.command("anki")(export_anki)
    export_app.command("csv")(export_csv)
    app.add_typer(export_app, name="export")
    app.command("import-anki")(import_anki)
