"""`llmcards due`, `llmcards rate` and `llmcards study`: the daily review from a shell.

`rate` goes through `scheduling.review.rate_card`, the same code path the study app
uses, so a script and a person produce the same schedule and the same review log.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmcards.cli.state import STATE

if TYPE_CHECKING:
    from llmcards.config import Settings
    from llmcards.scheduling.queue import Queue
    from llmcards.scheduling.types import LimitReached


def due(
    deck: Annotated[
        str | None,
        typer.Option("--deck", "-d", help="Deck (full path or its last part); includes sub-decks."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print counts and cards, in study order, as JSON.")
    ] = False,
) -> None:
    """What is due now, per deck, after daily limits."""
    from llmcards import clock
    from llmcards.cards import find_deck
    from llmcards.scheduling.queue import build_queue, limits_reached, next_due_in
    from llmcards.store.fastread import FastQueueReads, raw_connection

    settings = STATE.settings()
    now = clock.now()
    # Straight from the SQLite file when it can be: without SQLAlchemy (~0.25 s), as a
    # status bar or a shell prompt would run it often.
    with raw_connection(STATE.db_path) as conn:
        reads = FastQueueReads(conn)
        full = find_deck(reads.deck_names().values(), deck) if deck else None
        queue = build_queue(reads, now=now, settings=settings, deck=full)
        order = queue.ordered(now)
        rows = reads.study_rows(order) if as_json else {}
        upcoming = (
            next_due_in(
                reads,
                deck=full,
                now=now,
                settings=settings,
                learning_due=queue.next_learning_due(now),
            )
            if not order
            else (None, 0)
        )
        # Nothing left today while cards wait: say which daily limit keeps them back.
        limits = limits_reached(reads, now=now, settings=settings, deck=full) if not order else []
    counts = queue.counts(now)
    if as_json:
        from llmcards.cli.output import print_json

        print_json(
            {
                "now": now.isoformat(),
                "counts": {"new": counts.new, "learning": counts.learning, "review": counts.review},
                "cards": _due_cards_json([rows[i] for i in order if i in rows], now, settings),
                "limits_reached": [_limit_json(limit) for limit in limits],
            }
        )
        return
    _print_due(queue, now, full, upcoming, settings, limits)


def _limit_json(limit: LimitReached) -> dict[str, Any]:
    from llmcards.scheduling.limit_text import limit_key

    return {
        "kind": limit.kind,
        "deck": limit.deck,
        "per_day": limit.per_day,
        "waiting": limit.waiting,
        "setting": limit_key(limit),
    }


def _due_cards_json(rows: list[Any], now: datetime, settings: Settings) -> list[dict[str, Any]]:
    """Each card as `cards --json` shows it, with the due moment each rating would give now
    (the very one `llmcards rate` then gives: fuzz is seeded per card and review)."""
    from llmcards.cli.card_json import card_json
    from llmcards.scheduling.rating import CardSchedule, Rater
    from llmcards.scheduling.types import RATING_NAMES

    rater = Rater(settings)
    out = []
    for row in rows:
        previews = rater.previews(row.id, CardSchedule.of(row), now)
        intervals = {RATING_NAMES[r]: due.isoformat() for r, due in previews.items()}
        out.append({**card_json(row), "intervals": intervals})
    return out


def _print_due(
    queue: Queue,
    now: datetime,
    deck: str | None,
    upcoming: tuple[datetime | None, int],
    settings: Settings,
    limits: list[LimitReached],
) -> None:
    from rich.markup import escape
    from rich.table import Table

    from llmcards.cli.output import console, shown
    from llmcards.scheduling.limit_text import limit_lines

    out = console()
    counts = queue.counts(now)
    if counts.total == 0:
        where = f" in {shown(deck)}" if deck else ""
        moment, how_many = upcoming
        if moment is None:
            out.print(
                f"Nothing due{where}. Import notes with [bold]llmcards import NOTES.md[/bold] to get cards."
            )
        else:
            out.print(
                f"Nothing due now{where}. Next: {_when(moment, now, settings)}, {how_many} card{'s' * (how_many != 1)}."
            )
        for limit in limits:
            out.print(escape(limit_lines(limit)))
        return
    from llmcards.scheduling.labels import LEARN_AHEAD

    per_deck: dict[str, list[int]] = {}  # deck -> [new, learning, review]
    for due_at, card_id in queue.learning:
        if due_at <= now + LEARN_AHEAD:
            per_deck.setdefault(queue.decks[card_id], [0, 0, 0])[1] += 1
    for card_id in queue.reviews:
        per_deck.setdefault(queue.decks[card_id], [0, 0, 0])[2] += 1
    for card_id in queue.new:
        per_deck.setdefault(queue.decks[card_id], [0, 0, 0])[0] += 1
    table = Table(box=None, pad_edge=False)
    table.add_column("Deck")
    for name in ("New", "Learn", "Due"):
        table.add_column(name, justify="right")
    for name in sorted(per_deck):
        new, learning, review = per_deck[name]
        table.add_row(shown(name), str(new), str(learning), str(review))
    table.add_row(
        "[bold]Total[/bold]",
        f"[bold]{counts.new}[/bold]",
        f"[bold]{counts.learning}[/bold]",
        f"[bold]{counts.review}[/bold]",
    )
    out.print(table)


def _when(moment: datetime, now: datetime, settings: Settings) -> str:
    """`today 10:40`, `tomorrow`, or `Tue 24 Nov`, in study days."""
    from llmcards.clock import local_zone
    from llmcards.scheduling.fsrs_bridge import study_days_between

    days = study_days_between(now, moment, settings.rollover_hour)
    local = moment.astimezone(local_zone())
    if days <= 0:
        return f"today {local:%H:%M}"
    if days == 1:
        return "tomorrow"
    return f"{local:%a %d %b}"


MAX_DURATION_MS = 3_600_000  # longer is a clock or a script gone wrong, not an answer


def rate(
    card_id: Annotated[
        int,
        typer.Argument(
            help="The card's id (see `llmcards due --json` or `llmcards cards`).",
            show_default=False,
        ),
    ],
    rating: Annotated[
        str, typer.Argument(help="again, hard, good or easy (or 1-4).", show_default=False)
    ],
    duration_ms: Annotated[
        int, typer.Option("--duration-ms", help="Time taken to answer, in milliseconds.")
    ] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the card's new state as JSON.")
    ] = False,
) -> None:
    """Record a review of one card now (or at LLMCARDS_NOW), as the study app would."""
    from llmcards import clock
    from llmcards.cli.card_json import card_json
    from llmcards.scheduling.review import rate_card
    from llmcards.scheduling.types import RATING_NAMES
    from llmcards.store.reads import card_by_id

    value = parse_rating(rating)
    if not 0 <= duration_ms <= MAX_DURATION_MS:
        from llmcards.errors import UserError

        raise UserError(
            f"--duration-ms {duration_ms} is not a time to answer a card; give 0 to {MAX_DURATION_MS:,} (an hour)"
        )
    settings = STATE.settings()
    now = clock.now()
    db = STATE.open()
    try:
        outcome = rate_card(db, card_id, value, now=now, duration_ms=duration_ms, settings=settings)
        with db.read() as conn:
            row = card_by_id(conn, card_id)
    finally:
        db.close()
    from llmcards.store.models import STATE_NAMES

    state = STATE_NAMES[outcome.state]
    if as_json:
        from llmcards.cli.output import print_json

        print_json(
            {
                "id": card_id,
                "rating": RATING_NAMES[value],
                "state": state,
                "due": outcome.due.isoformat(),
                "stability": outcome.stability,
                "difficulty": outcome.difficulty,
                "reps": outcome.reps,
                "lapses": outcome.lapses,
                "leech": outcome.leech,
                "card": card_json(row),
            }
        )
        return
    from llmcards.cli.output import console, shown
    from llmcards.clock import local_zone
    from llmcards.scheduling.labels import interval_text

    local = outcome.due.astimezone(local_zone())
    when = f"{local:%Y-%m-%d}" if outcome.due - now >= timedelta(days=1) else f"{local:%H:%M}"
    line = f"#{card_id} {shown(row.front)} → {RATING_NAMES[value]}: {state}, due {when} ({interval_text(outcome.due - now)})"
    if outcome.leech:
        line += " — leech: tagged and suspended; rewrite it in your notes"
    console().print(line)


def parse_rating(text: str) -> int:
    from llmcards.errors import UserError
    from llmcards.scheduling.types import RATINGS_BY_NAME

    word = text.strip().casefold()
    if word in RATINGS_BY_NAME:
        return RATINGS_BY_NAME[word]
    if word in ("1", "2", "3", "4"):
        return int(word)
    raise UserError(f"rating {text!r} is not one of again, hard, good, easy (or 1-4)")


def study(
    deck: Annotated[
        str | None, typer.Option("--deck", "-d", help="Study only this deck and its sub-decks.")
    ] = None,
) -> None:
    """Open the study app (on one deck with --deck)."""
    from llmcards.tui import heap, terminal  # Textual-free

    terminal.require_terminal()
    if deck:
        heap.pause()  # until the first card is on screen (the study screen calls settle)

    settings = STATE.settings()
    if not deck:
        from llmcards.tui.app import run_app

        run_app(db_path=STATE.db_path, deck=None, settings=settings)
        return
    from llmcards.tui.study_driver import StudyDriver  # Textual-free

    # Today's queue is built before Textual is imported: the first card is ready the
    # moment the screen is, instead of competing with Textual's start-up.
    fast = _fast_start(deck, settings)
    if fast is not None:
        db, full, driver = fast
    else:
        from llmcards import clock
        from llmcards.store.queries import resolve_deck

        db = STATE.open()
        try:
            with db.read() as conn:
                full = resolve_deck(conn, deck)
            driver = StudyDriver(db, deck=full, settings=settings, clock=clock.now)
            driver.warm_up()
        except BaseException:
            db.close()
            raise
    from llmcards.tui.app import run_app

    try:
        run_app(db_path=STATE.db_path, deck=full, settings=settings, db=db, first_driver=driver)
    finally:
        heap.resume()


def _fast_start(deck: str, settings: Settings) -> tuple[Any, str, Any] | None:
    """(database, deck's full name, warmed-up driver) read straight from the SQLite file
    (`store.fastread`), the store itself opening later in the background; None when the
    file cannot be read that way (then the usual open creates, migrates or explains)."""
    from llmcards import clock
    from llmcards.cards import find_deck
    from llmcards.store.deferred import DeferredDatabase
    from llmcards.store.fastread import FastQueueReads, open_fast
    from llmcards.tui.study_driver import StudyDriver  # Textual-free

    conn = open_fast(STATE.db_path)
    if conn is None:
        return None
    try:
        reads = FastQueueReads(conn)
        full = find_deck(reads.deck_names().values(), deck)
        db = DeferredDatabase(STATE.db_path, background_checkpoints=True)
        driver = StudyDriver(db, deck=full, settings=settings, clock=clock.now, first_reads=reads)
        driver.warm_up()
    finally:
        conn.close()
    return db, full, driver


def open_app() -> None:
    """`llmcards` with no command: the study app's home screen."""
    from llmcards.tui import terminal  # Textual-free

    terminal.require_terminal()
    from llmcards.tui.app import run_app

    run_app(db_path=STATE.db_path, deck=None, settings=STATE.settings())


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("rate")(rate)
    app.command("study")(study)
