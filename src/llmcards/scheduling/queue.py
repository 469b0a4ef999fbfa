"""What to study today, and in which order, after daily limits (like Anki's v3 scheduler).

Order: learning cards due by the clock; then reviews due today (a review is due from the
start of its due day); then new cards in note order (deck, file, position in the file);
then, when nothing else is left, learning cards due within the learn-ahead limit.

Limits: every deck has a new and a review limit per day (`settings.limits_for`), minus
what was already done today (from the review log). Studying a deck applies its own
limits and those of its sub-decks, not those of its parents; a card is taken only if
every deck from the studied one down to the card's own still has room (Anki v3).

Cloze siblings: only one card per note is queued for the day; rating a card buries its
new and review siblings until the next day in the database (see `review.py`).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Protocol

from llmcards.cards import DECK_SEP, NEW, REVIEW, StudyRow, within
from llmcards.clock import day_start, next_day_start
from llmcards.config import Settings
from llmcards.scheduling.labels import LEARN_AHEAD
from llmcards.scheduling.types import Counts, LimitReached


class QueueReads(Protocol):
    """The rows a queue is built from: `queue_sql.SqlQueueReads` over an open SQLAlchemy
    connection, or `store.fastread.FastQueueReads` straight from the SQLite file for a
    fast start. Card filters: not retired, not suspended, not buried at `now`."""

    def deck_names(self) -> dict[int, str]: ...

    def reviewed_since(self, since: datetime) -> list[tuple[int, int]]:
        """(card id, state before) of every rating since `since`."""
        ...

    def decks_of(self, card_ids: list[int]) -> dict[int, int]: ...

    def learning(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> Iterable[tuple[int, int, datetime]]:
        """(id, deck id, due) of learning and relearning cards due before `end`, by due."""
        ...

    def reviews(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> Generator[tuple[int, int, str]]:
        """(id, deck id, note uid) of review cards due before `end`, by due; read lazily."""
        ...

    def new_cards(
        self, deck_id: int, now: datetime, limit: int, offset: int
    ) -> list[tuple[int, str]]:
        """(id, note uid) of a deck's new cards in note order: one page."""
        ...

    def study_rows(self, card_ids: list[int]) -> dict[int, StudyRow]: ...


class UpcomingReads(Protocol):
    """What comes after today's queue (`store.upcoming`), from the same two readers."""

    def deck_names(self) -> dict[int, str]: ...

    def next_due(self, deck_ids: list[int] | None, now: datetime, end: datetime) -> datetime | None:
        """When a seen card is next due after today's queue."""
        ...

    def due_before(self, deck_ids: list[int] | None, moment: datetime) -> int:
        """How many seen cards are due before `moment`, buried ones included."""
        ...


class LimitReads(QueueReads, Protocol):
    """The queue's reads, and how many cards the daily limits may hold back."""

    def waiting_by_deck(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> list[tuple[int, int, int]]:
        """(deck id, state, count) of studyable new cards and of reviews due before `end`."""
        ...


@dataclass(slots=True)
class Queue:
    """Today's cards by id. Pure data: the session moves cards in and out of it."""

    day_start: datetime
    day_end: datetime
    learning: list[tuple[datetime, int]] = field(default_factory=list)  # (due, id), sorted
    reviews: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    decks: dict[int, str] = field(default_factory=dict)  # card id -> deck name

    def next_id(self, now: datetime, *, skip: int | None = None) -> int | None:
        """The card to show at `now`; `skip` avoids showing one learning card twice in a row."""
        for due, card_id in self.learning:
            if due > now:
                break
            if card_id != skip:
                return card_id
        if self.reviews:
            return self.reviews[0]
        if self.new:
            return self.new[0]
        for due, card_id in self.learning:
            if due > now + LEARN_AHEAD:
                break
            return card_id
        return None

    def ordered(self, now: datetime) -> list[int]:
        """Everything available now, in the order it would be shown."""
        due_now = [cid for due, cid in self.learning if due <= now]
        ahead = [cid for due, cid in self.learning if now < due <= now + LEARN_AHEAD]
        return due_now + self.reviews + self.new + ahead

    def counts(self, now: datetime) -> Counts:
        cutoff = now + LEARN_AHEAD
        learning = bisect.bisect_right(self.learning, (cutoff, float("inf")))
        return Counts(new=len(self.new), learning=learning, review=len(self.reviews))

    def remove(self, card_id: int) -> None:
        if card_id in self.reviews:
            self.reviews.remove(card_id)
        if card_id in self.new:
            self.new.remove(card_id)
        self.learning = [item for item in self.learning if item[1] != card_id]

    def add_learning(self, card_id: int, due: datetime) -> None:
        bisect.insort(self.learning, (due, card_id))

    def next_learning_due(self, now: datetime) -> datetime | None:
        later = [due for due, _ in self.learning if due > now]
        return min(later) if later else None

    def learning_later(self, now: datetime) -> list[datetime]:
        """Due moments of the learning cards due today but after the learn-ahead limit:
        not counted as to study now, still to come today."""
        start = bisect.bisect_right(self.learning, (now + LEARN_AHEAD, float("inf")))
        return [due for due, _ in self.learning[start:]]


class _Limits:
    """Room left today per deck, for new cards or reviews, along each card's deck chain."""

    def __init__(
        self, settings: Settings, which: int, done: dict[str, int], top: str | None, tops: list[str]
    ) -> None:
        self._settings = settings
        self._which = which  # 0: new_per_day, 1: reviews_per_day (Settings.limits_for order)
        self._done = done
        self._top = top
        self._tops = tops
        self._left: dict[str, int] = {}

    def _remaining(self, name: str) -> int:
        if name not in self._left:
            self._left[name] = max(
                0, self._settings.limits_for(name)[self._which] - self._done.get(name, 0)
            )
        return self._left[name]

    def chain(self, deck: str) -> tuple[str, ...]:
        """The decks whose limits apply to a card of `deck` (from the studied deck down)."""
        chain = _ancestors(deck)
        return chain if self._top is None else chain[self._top.count(DECK_SEP) :]

    def room(self, deck: str) -> int:
        return min(self._remaining(name) for name in self.chain(deck))

    def take(self, deck: str) -> bool:
        chain = self.chain(deck)
        if any(self._remaining(name) <= 0 for name in chain):
            return False
        for name in chain:
            self._left[name] -= 1
        return True

    def full(self) -> bool:
        """Nothing more fits anywhere: every top deck's own limit is used up."""
        return all(self._remaining(name) <= 0 for name in self._tops)


def build_queue(
    reads: QueueReads,
    *,
    now: datetime,
    settings: Settings,
    deck: str | None = None,
    day: tuple[datetime, datetime] | None = None,
) -> Queue:
    """Today's queue for one deck (full name, sub-decks included) or for all decks.

    `day`: the study day's start and end at `now`, when the caller has them already."""
    start, end = day or (
        day_start(now, settings.rollover_hour),
        next_day_start(now, settings.rollover_hour),
    )
    queue = Queue(day_start=start, day_end=end)
    deck_names = reads.deck_names()
    if deck is not None:
        deck_names = {i: n for i, n in deck_names.items() if within(n, deck)}
    if not deck_names:
        return queue
    tops = (
        [deck] if deck is not None else sorted({n.split(DECK_SEP)[0] for n in deck_names.values()})
    )
    done_new, done_reviews = done_today(reads, since=start, deck_names=deck_names)
    selection = list(deck_names) if deck is not None else None

    for card_id, deck_id, due in reads.learning(selection, now, end):
        queue.learning.append((due, card_id))
        queue.decks[card_id] = deck_names[deck_id]

    notes: set[str] = set()  # one card per note a day: cloze siblings wait for tomorrow
    limits = _Limits(settings, 1, done_reviews, deck, tops)
    # Rows arrive in due order straight from the due index, so reading can stop as soon
    # as the limits are used up instead of loading every overdue card.
    reviews = reads.reviews(selection, now, end)
    for card_id, deck_id, note_uid in reviews:
        if limits.full():
            break
        name = deck_names[deck_id]
        if note_uid not in notes and limits.take(name):
            queue.reviews.append(card_id)
            queue.decks[card_id] = name
            notes.add(note_uid)
    reviews.close()

    limits = _Limits(settings, 0, done_new, deck, tops)
    for deck_id, name in sorted(
        deck_names.items(), key=lambda item: item[1]
    ):  # note order: deck name first
        if limits.full():
            break
        room = limits.room(name)
        offset = 0
        while room > 0:
            page = room + 16  # a few extra for skipped siblings
            rows = reads.new_cards(deck_id, now, page, offset)
            for card_id, note_uid in rows:
                if room <= 0:
                    break
                if note_uid not in notes and limits.take(name):
                    queue.new.append(card_id)
                    queue.decks[card_id] = name
                    notes.add(note_uid)
                    room -= 1
            if len(rows) < page:
                break
            offset += page
    return queue


def limits_reached(
    reads: LimitReads, *, now: datetime, settings: Settings, deck: str | None = None
) -> list[LimitReached]:
    """The daily limits that hold cards of this selection back until tomorrow: for each
    deck whose new or review limit is used up, how many of the cards waiting now it keeps
    out (the first deck, from the studied one down, with no room left takes the blame,
    as it is the one to raise). Meant for when today's queue is empty."""
    start, end = day_start(now, settings.rollover_hour), next_day_start(now, settings.rollover_hour)
    deck_names = reads.deck_names()
    if deck is not None:
        deck_names = {i: n for i, n in deck_names.items() if within(n, deck)}
    if not deck_names:
        return []
    selection = list(deck_names) if deck is not None else None
    waiting = reads.waiting_by_deck(selection, now, end)
    if not waiting:
        return []
    tops = (
        [deck] if deck is not None else sorted({n.split(DECK_SEP)[0] for n in deck_names.values()})
    )
    done_new, done_reviews = done_today(reads, since=start, deck_names=deck_names)
    found: list[LimitReached] = []
    for which, kind, state, done in (
        (0, "new", NEW, done_new),
        (1, "review", REVIEW, done_reviews),
    ):
        limits = _Limits(settings, which, done, deck, tops)
        held: dict[str, int] = defaultdict(int)
        for deck_id, card_state, count in waiting:
            name = deck_names.get(deck_id)
            if card_state != state or name is None:
                continue
            full = next((n for n in limits.chain(name) if limits._remaining(n) <= 0), None)
            if full is not None:
                held[full] += count
        for name, count in sorted(held.items()):
            own = settings.deck_limits.get(name)
            own_limit = None if own is None else (own.new_per_day, own.reviews_per_day)[which]
            found.append(
                LimitReached(
                    kind, name, settings.limits_for(name)[which], count, own_limit is not None
                )
            )
    return found


def done_today(
    reads: QueueReads, *, since: datetime, deck_names: dict[int, str]
) -> tuple[dict[str, int], dict[str, int]]:
    """New cards introduced and reviews answered since `since`, per deck with its sub-decks."""
    today = reads.reviewed_since(since)
    deck_of = reads.decks_of(list({card_id for card_id, state in today if state in (NEW, REVIEW)}))
    done_new: dict[str, int] = defaultdict(int)
    done_reviews: dict[str, int] = defaultdict(int)
    for card_id, state in today:
        name = deck_names.get(deck_of.get(card_id, -1))
        if name is None or state not in (NEW, REVIEW):
            continue
        target = done_new if state == NEW else done_reviews
        for ancestor in _ancestors(name):
            target[ancestor] += 1
    return done_new, done_reviews


@cache
def _ancestors(name: str) -> tuple[str, ...]:
    """`A::B::C` -> (`A`, `A::B`, `A::B::C`); asked for every card, so remembered."""
    parts = name.split(DECK_SEP)
    return tuple(DECK_SEP.join(parts[:depth]) for depth in range(1, len(parts) + 1))


def next_due_in(
    reads: UpcomingReads,
    *,
    deck: str | None,
    now: datetime,
    settings: Settings,
    learning_due: datetime | None = None,
) -> tuple[datetime | None, int]:
    """When a seen card of this selection is next due after today's queue (or
    `learning_due`, a learning card of the queue due later today, when sooner), and how
    many cards are due by the end of that study day (buried ones included: they come
    back then)."""
    end = next_day_start(now, settings.rollover_hour)
    deck_ids = (
        None if deck is None else [i for i, n in reads.deck_names().items() if within(n, deck)]
    )
    moment = reads.next_due(deck_ids, now, end)
    if learning_due is not None and (moment is None or learning_due < moment):
        moment = learning_due
    if moment is None:
        return None, 0
    return moment, reads.due_before(deck_ids, next_day_start(moment, settings.rollover_hour))
