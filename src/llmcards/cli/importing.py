"""`llmcards import`: notes files or folders into cards."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmcards.cli.state import STATE

if TYPE_CHECKING:
    from llmcards.importing.report import FileReport, ImportReport

MAX_TERMS_PER_DECK = 8
# A terminal screenful: a first import of big notes can name thousands of decks.
MAX_DECKS_NEVER_EXPLAINED = 12
MAX_WARNINGS = 20


def import_notes(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Notes files or folders (searched recursively).", show_default=False),
    ],
    deck: Annotated[
        str | None,
        typer.Option("--deck", "-d", help="Root deck (default: the file's title or name)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every item passed over.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import Markdown notes; re-importing updates cards and keeps their history."""
    from llmcards import clock
    from llmcards.importing.files import import_at

    report = import_at(
        STATE.db_path, [str(p) for p in paths], deck=deck, dry_run=dry_run, now=clock.now()
    )
    if as_json:
        from llmcards.cli.output import print_json

        print_json(report.as_json())
        return
    _print_report(report, verbose=verbose or dry_run)


def _print_report(report: ImportReport, *, verbose: bool) -> None:
    from llmcards.cli.output import console, shown

    out = console()
    for file in report.files:
        if file.notice:
            out.print(f"[dim]{shown(file.shown)}: {shown(file.notice)}[/dim]")
        if report.dry_run:
            _print_dry_run_cards(file)
        if file.gone:
            out.print(
                f"{shown(file.shown)} → [bold]{shown(file.root)}[/bold]: "
                f"gone from its folder, {file.retired} retired"
            )
            _print_retired(file)
            continue
        out.print(
            f"{shown(file.path.name)} → [bold]{shown(file.root)}[/bold]: "
            f"[green]{file.new} new[/green], {file.updated} updated, {file.unchanged} unchanged, "
            f"{file.retired} retired, {len(file.skipped)} passed over"
            + ("" if file.parsed_again else " [dim](file unchanged)[/dim]")
        )
        for old, new in file.kept:
            out.print(f"  [cyan]kept history[/cyan]: {shown(old)} → {shown(new)}")
        _print_retired(file)
    if len(report.files) > 1:
        out.print(
            f"[bold]Total[/bold]: {report.total('new')} new, {report.total('updated')} updated, "
            f"{report.total('unchanged')} unchanged, {report.total('retired')} retired, "
            f"{len(report.skipped)} passed over"
        )
    _print_never_explained(report)
    _print_warnings(report)
    if verbose:
        _print_passed_over(report)
    if report.dry_run:
        out.print("[bold yellow]Dry run[/bold yellow]: nothing was written.")
    elif report.skipped:
        out.print(
            "[dim]Run with --dry-run to preview, --verbose to list every item passed over.[/dim]"
        )


def _print_retired(file: FileReport) -> None:
    from llmcards.cli.output import console, shown

    if file.retired_fronts:
        named = [
            f"{front} #{card_id}"
            for front, card_id in zip(file.retired_fronts, file.retired_ids, strict=False)
        ] or file.retired_fronts
        listing = ", ".join(named[:6]) + (" …" if len(named) > 6 else "")
        console().print(
            f"  [yellow]retired[/yellow] (kept with their history): {shown(listing)}"
            + ("" if file.gone else "  [dim](llmcards relink OLD NEW moves a history)[/dim]")
        )


def _print_dry_run_cards(file: FileReport) -> None:
    from llmcards.cards import CONTEXT_SEP
    from llmcards.cli.output import console, shown

    out = console()
    for label, drafts in (("new", file.new_drafts), ("updated", file.updated_drafts)):
        for d in drafts:
            where = CONTEXT_SEP.join(d.deck)
            context = f"[dim]{shown(d.context)} › [/dim]" if d.context else ""
            out.print(
                f"  [green]{label:>7}[/green] l.{d.line:<5} {shown(where)}: {context}{shown(d.front)}"
            )


def _print_warnings(report: ImportReport) -> None:
    """Cards worth a second look (duplicates, fragments, long answers), after the summary."""
    from rich.markup import escape

    from llmcards.cli.output import console
    from llmcards.wording import counted

    found = [(f, w) for f in report.files for w in f.warnings]
    if not found:
        return
    out = console()
    out.print(f"[yellow]{counted(len(found), 'card')} worth a second look[/yellow]:")
    for file, warning in found[:MAX_WARNINGS]:
        out.print(
            f"  {escape(file.path.name)}:{warning.line} {escape(warning.front)} "
            f"[dim]— {escape(warning.message)}[/dim]"
        )
    if len(found) > MAX_WARNINGS:
        out.print(f"  [dim]… {len(found) - MAX_WARNINGS} more (see --json)[/dim]")


def _print_never_explained(report: ImportReport) -> None:
    from llmcards.cards import CONTEXT_SEP
    from llmcards.cli.output import console, shown

    by_deck: dict[str, list[str]] = defaultdict(list)
    for _file, item in report.skipped:
        if item.category == "term":
            label = CONTEXT_SEP.join(item.deck[1:]) or (item.deck[0] if item.deck else "")
            by_deck[label].append(f"{item.text} (l.{item.line})")
    if not by_deck:
        return
    out = console()
    out.print("Named but never explained (add an answer in your notes to get a card):")
    for label, terms in list(by_deck.items())[:MAX_DECKS_NEVER_EXPLAINED]:
        listing = ", ".join(terms[:MAX_TERMS_PER_DECK]) + (
            ", …" if len(terms) > MAX_TERMS_PER_DECK else ""
        )
        out.print(f"  [cyan]{shown(label)}[/cyan]: {shown(listing)}")
    if len(by_deck) > MAX_DECKS_NEVER_EXPLAINED:
        from llmcards.wording import counted

        more = sum(len(terms) for terms in list(by_deck.values())[MAX_DECKS_NEVER_EXPLAINED:])
        out.print(
            f"  [dim]… {more} more in {counted(len(by_deck) - MAX_DECKS_NEVER_EXPLAINED, 'other deck')} "
            "(--verbose lists every item passed over)[/dim]"
        )


def _print_passed_over(report: ImportReport) -> None:
    from llmcards.cli.output import console, shown

    out = console()
    for file, item in report.skipped:
        text = item.text if len(item.text) <= 60 else item.text[:59] + "…"
        out.print(
            f"  [dim]passed over[/dim] {shown(file.shown)}:{item.line}  {shown(text)}  [dim]— {shown(item.reason)}[/dim]"
        )


def register(app: typer.Typer) -> None:
    from llmcards.cli import sources

    app.command("import")(import_notes)
    sources.register(app)
