"""llmcards' card schedule in Anki's terms (cards columns), and revlog ids.

Pure arithmetic, kept apart from file writing so each rule can be tested on its own:
which queue a card sits in, what its `due` number means, how intervals are spelled in
the review log, and where FSRS memory state goes (`cards.data`).
"""

from __future__ import annotations

from dataclasses import dataclass

from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_days import AnkiDays
from llmcards.exchange.selection import ExportCard
from llmcards.store.models import NEW, RELEARNING, REVIEW

INITIAL_FACTOR = 2500


@dataclass(frozen=True, slots=True)
class AnkiSchedule:
    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    left: int
    data: str


def new_schedule(position: int, suspended: bool) -> AnkiSchedule:
    queue = s.QUEUE_SUSPENDED if suspended else s.QUEUE_NEW
    return AnkiSchedule(s.CARD_NEW, queue, position, 0, 0, 0, "")


def card_schedule(
    card: ExportCard,
    *,
    position: int,
    days: AnkiDays,
    today_ends: float,
    learning_steps: int,
    relearning_steps: int,
    desired_retention: float,
) -> AnkiSchedule:
    """Anki's type/queue/due/ivl/left/data for a card with llmcards' schedule."""
    if card.state == NEW or card.due is None:
        return new_schedule(position, card.suspended)
    data = memory_data(card, desired_retention)
    if card.state == REVIEW:
        queue = s.QUEUE_SUSPENDED if card.suspended else s.QUEUE_REVIEW
        due_day = days.day_of_seconds(card.due)
        return AnkiSchedule(
            s.CARD_REVIEW, queue, due_day, review_interval(card, days), INITIAL_FACTOR, 0, data
        )
    relearning = card.state == RELEARNING
    steps = relearning_steps if relearning else learning_steps
    # Anki keeps the steps still to do in `left`; it reads them as `left % 1000`.
    remaining = max(1, steps - (card.step or 0))
    if card.due < today_ends:  # intraday learning: `due` is a unix time
        queue, due = s.QUEUE_LEARN, int(card.due)
    else:  # a step that reaches into a later day: `due` is a day number
        queue, due = s.QUEUE_DAY_LEARN, days.day_of_seconds(card.due)
    if card.suspended:
        queue = s.QUEUE_SUSPENDED
    ctype = s.CARD_RELEARN if relearning else s.CARD_LEARN
    ivl = review_interval(card, days) if relearning else 0
    factor = INITIAL_FACTOR if relearning else 0
    return AnkiSchedule(ctype, queue, due, ivl, factor, remaining + remaining * 1000, data)


def review_interval(card: ExportCard, days: AnkiDays) -> int:
    """Days from the last review to the due day, at least one."""
    if card.due is not None and card.last_review is not None and card.state == REVIEW:
        return max(1, days.day_of_seconds(card.due) - days.day_of_seconds(card.last_review))
    return max(1, round(card.stability or 1))


def memory_data(card: ExportCard, desired_retention: float) -> str:
    """`cards.data`: where Anki keeps the FSRS memory state (s, d), target retention
    (dr) and the last review time (lrt), so FSRS in Anki continues from ours."""
    if card.stability is None or card.difficulty is None:
        return ""
    # formatted by hand: json.dumps for 100k cards is a measurable share of an export
    data = f'{{"s":{card.stability:.4f},"d":{card.difficulty:.4f},"dr":{desired_retention:.4f}'
    if card.last_review is not None:
        data += f',"lrt":{int(card.last_review)}'
    return data + "}"
