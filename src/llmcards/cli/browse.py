"""`llmcards decks` and `llmcards cards`: look at what is in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from llmcards.cli.state import STATE

if TYPE_CHECKING:
    from datetime import datetime

    from llmcards.config import Settings
    from llmcards.scheduling.queue import QueueReads
    from llmcards.store.deck_counts import DeckCount


def decks(
    as_json: Annotated[bool, typer.Option("--json", help="Print the decks as JSON.")] = False,
) -> None:
    """The deck tree: cards, and what each deck has for today after daily limits."""
    from llmcards import clock
    from llmcards.config import load_settings

    counts = _deck_counts(settings=load_settings(), now=clock.now())
    if as_json:
        from llmcards.cli.output import print_json

        print_json([c.as_json() for c in counts])
        return
    _print_deck_tree(counts)


def _deck_counts(*, settings: Settings, now: datetime) -> list[DeckCount]:
    """Read with the standard library straight from the SQLite file when it can be
    (`store.fastread.raw_connection`: without loading SQLAlchemy, ~0.25 s), else through
    the store, which creates, migrates or explains first."""
    from llmcards.scheduling.deck_list import limited_counts
    from llmcards.store.deck_counts import DECK_CARDS_SQL, rolled_up
    from llmcards.store.fastread import FastQueueReads, raw_connection

    with raw_connection(STATE.db_path) as conn:
        totals = rolled_up(conn.execute(DECK_CARDS_SQL).fetchall())
        return limited_counts(FastQueueReads(conn), totals, now=now, settings=settings)


def _print_deck_tree(counts: list) -> None:
    from rich.table import Table

    from llmcards.cards import DECK_SEP
    from llmcards.cli.output import console, shown
    from llmcards.cli.plain_table import piped, write_table
    from llmcards.textsafe import printable

    if not counts:
        console().print("No decks yet. Import notes with [bold]llmcards import NOTES.md[/bold].")
        return

    def label(name: str) -> str:  # the tree: each deck's own name, indented under its parent
        return "  " * name.count(DECK_SEP) + name.rsplit(DECK_SEP, 1)[-1]

    header = ("Deck", "Cards", "New", "Learn", "Due")
    if piped():
        rows = [
            (printable(label(c.name)), *map(str, (c.cards, c.new, c.learning, c.due)))
            for c in counts
        ]
        write_table(header, rows, right=(1, 2, 3, 4))
        return
    table = Table(box=None, pad_edge=False)
    table.add_column(header[0])
    for name in header[1:]:
        table.add_column(name, justify="right")
    for count in counts:
        table.add_row(
            shown(label(count.name)),
            str(count.cards),
            f"[blue]{count.new}[/blue]" if count.new else "0",
            f"[red]{count.learning}[/red]" if count.learning else "0",
            f"[green]{count.due}[/green]" if count.due else "0",
        )
    console().print(table)


def cards(
    deck: Annotated[
        str | None,
        typer.Option("--deck", "-d", help="Deck (full path or its last part); includes sub-decks."),
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Text in the front, back or context.")
    ] = None,
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="new, learning, review, relearning, due, suspended, retired or all."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the cards as JSON.")] = False,
) -> None:
    """List cards, filtered by deck, text and state."""
    from llmcards.cards import find_deck
    from llmcards.cli.card_json import card_json
    from llmcards.store.card_list import list_cards
    from llmcards.store.fastread import FastQueueReads, raw_connection
    from llmcards.store.unchanged import stdlib_query

    # Straight from the SQLite file when it can be, without SQLAlchemy (~0.25 s).
    with raw_connection(STATE.db_path) as conn:
        reads = FastQueueReads(conn)
        full = find_deck(reads.deck_names().values(), deck) if deck else None
        due_ids = _due_now(reads, full) if state == "due" else None
        rows = list_cards(
            stdlib_query(conn), deck=full, search=search, state=state, due_ids=due_ids
        )
    if as_json:
        from llmcards.cli.output import print_json

        print_json([card_json(r) for r in rows])
        return
    from llmcards.cli.card_table import print_cards

    print_cards(rows)


def _due_now(reads: QueueReads, deck: str | None) -> list[int]:
    """The cards `llmcards due` and the study screen would show now (the same queue)."""
    from llmcards import clock
    from llmcards.scheduling.queue import build_queue

    now = clock.now()
    queue = build_queue(reads, now=now, settings=STATE.settings(), deck=deck)
    return queue.ordered(now)


def _set_suspended(card_ids: list[int], flag: bool) -> None:
    from llmcards.cli.output import console
    from llmcards.scheduling.review import card_row, set_suspended

    card_ids = list(dict.fromkeys(card_ids))  # `suspend 3 3` is one card
    db = STATE.open()
    try:
        with db.read() as conn:  # every id checked first: a typo changes nothing
            retired = [card_id for card_id in card_ids if card_row(conn, card_id).retired]
        changed = sum(set_suspended(db, card_id, flag) != flag for card_id in card_ids)
    finally:
        db.close()
    from llmcards.wording import counted

    verb = "Suspended" if flag else "Unsuspended"
    already = "it already was" if len(card_ids) == 1 else "the others already were"
    out = console()
    out.print(
        f"{verb} {changed} of {counted(len(card_ids), 'card')}"
        + (f" ({already})" if changed < len(card_ids) else "")
    )
    if retired:
        ids = ", ".join(f"#{card_id}" for card_id in retired)
        out.print(
            f"{'Card' if len(retired) == 1 else 'Cards'} {ids}: retired (the bullet is gone "
            "from the notes), so out of study either way until it is back or relinked"
        )


def suspend(
    card_ids: Annotated[
        list[int], typer.Argument(help="Card ids (see `llmcards cards`).", show_default=False)
    ],
) -> None:
    """Keep cards out of study until unsuspended (their history stays)."""
    _set_suspended(card_ids, True)


def unsuspend(
    card_ids: Annotated[
        list[int],
        typer.Argument(
            help="Card ids (see `llmcards cards --state suspended`).", show_default=False
        ),
    ],
) -> None:
    """Bring suspended cards (leeches too) back into study."""
    _set_suspended(card_ids, False)


def register(app: typer.Typer) -> None:
    app.command("decks")(decks)
    app.command("cards")(cards)
    app.command("suspend")(suspend)
    app.command("unsuspend")(unsuspend)
