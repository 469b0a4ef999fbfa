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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, true

from llmcards.cards import DECK_SEP
from llmcards.clock import day_start, next_day_start
from llmcards.config import Settings
from llmcards.scheduling.labels import LEARN_AHEAD
from llmcards.scheduling.types import Counts
from llmcards.store.models import LEARNING, NEW, RELEARNING, REVIEW, Card, Deck, ReviewLog

CARD = Card.__table__  # type: ignore[attr-defined]
DECK = Deck.__table__  # type: ignore[attr-defined]
LOG = ReviewLog.__table__  # type: ignore[attr-defined]


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
        learning = bisect.bisect_right(self.learning, (cutoff, float("inf")))  # type: ignore[arg-type]
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


class _Limits:
    """Room left today per deck, for new cards or reviews, along each card's deck chain."""

    def __init__(self, settings: Settings, which: int, done: dict[str, int], top: str | None, tops: list[str]) -> None:
        self._settings = settings
        self._which = which  # 0: new_per_day, 1: reviews_per_day (Settings.limits_for order)
        self._done = done
        self._top = top
        self._tops = tops
        self._left: dict[str, int] = {}

    def _remaining(self, name: str) -> int:
        if name not in self._left:
            self._left[name] = max(0, self._settings.limits_for(name)[self._which] - self._done.get(name, 0))
        return self._left[name]

    def chain(self, deck: str) -> list[str]:
        """The decks whose limits apply to a card of `deck` (from the studied deck down)."""
        chain = list(_ancestors(deck))
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


def build_queue(conn: Connection, *, now: datetime, settings: Settings, deck: str | None = None) -> Queue:
    """Today's queue for one deck (full name, sub-decks included) or for all decks."""
    start = day_start(now, settings.rollover_hour)
    end = next_day_start(now, settings.rollover_hour)
    queue = Queue(day_start=start, day_end=end)
    deck_names: dict[int, str] = dict(conn.execute(select(DECK.c.id, DECK.c.name)).all())
    if deck is not None:
        deck_names = {i: n for i, n in deck_names.items() if n == deck or n.startswith(deck + DECK_SEP)}
    if not deck_names:
        return queue
    tops = [deck] if deck is not None else sorted({n.split(DECK_SEP)[0] for n in deck_names.values()})
    done_new, done_reviews = done_today(conn, since=start, deck_names=deck_names)
    studyable = and_(
        CARD.c.retired.is_(False),
        CARD.c.suspended.is_(False),
        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
    )
    in_selection = CARD.c.deck_id.in_(list(deck_names)) if deck is not None else true()

    learning = conn.execute(
        select(CARD.c.id, CARD.c.deck_id, CARD.c.due)
        .where(studyable, in_selection, CARD.c.state.in_((LEARNING, RELEARNING)), CARD.c.due < end)
        .order_by(CARD.c.due, CARD.c.id)
    )
    for row in learning:
        queue.learning.append((row.due, row.id))
        queue.decks[row.id] = deck_names[row.deck_id]

    notes: set[str] = set()  # one card per note a day: cloze siblings wait for tomorrow
    limits = _Limits(settings, 1, done_reviews, deck, tops)
    # Rows arrive in due order straight from the due index, so reading can stop as soon
    # as the limits are used up instead of loading every overdue card.
    reviews = conn.execute(
        select(CARD.c.id, CARD.c.deck_id, CARD.c.note_uid)
        .where(studyable, in_selection, CARD.c.state == REVIEW, CARD.c.due < end)
        .order_by(CARD.c.due, CARD.c.id)
    )
    for row in reviews:
        if limits.full():
            break
        name = deck_names[row.deck_id]
        if row.note_uid not in notes and limits.take(name):
            queue.reviews.append(row.id)
            queue.decks[row.id] = name
            notes.add(row.note_uid)
    reviews.close()

    limits = _Limits(settings, 0, done_new, deck, tops)
    for deck_id, name in sorted(deck_names.items(), key=lambda item: item[1]):  # note order: deck name first
        if limits.full():
            break
        room = limits.room(name)
        offset = 0
        while room > 0:
            page = room + 16  # a few extra for skipped siblings
            rows = conn.execute(
                select(CARD.c.id, CARD.c.note_uid)
                .where(studyable, CARD.c.deck_id == deck_id, CARD.c.state == NEW)
                .order_by(CARD.c.source_path, CARD.c.position, CARD.c.id)
                .limit(page)
                .offset(offset)
            ).all()
            for row in rows:
                if room <= 0:
                    break
                if row.note_uid not in notes and limits.take(name):
                    queue.new.append(row.id)
                    queue.decks[row.id] = name
                    notes.add(row.note_uid)
                    room -= 1
            if len(rows) < page:
                break
            offset += page
    return queue


def deck_counts_today(conn: Connection, *, now: datetime, settings: Settings) -> dict[str, Counts]:
    """Each deck's numbers as if it were the one studied (Anki's deck list), after limits."""
    names = sorted(conn.execute(select(DECK.c.name)).scalars())
    return {name: build_queue(conn, now=now, settings=settings, deck=name).counts(now) for name in names}


def done_today(conn: Connection, *, since: datetime, deck_names: dict[int, str]) -> tuple[dict[str, int], dict[str, int]]:
    """New cards introduced and reviews answered since `since`, per deck with its sub-decks."""
    # Two small queries rather than a join: a join lets SQLite walk every card to find
    # today's few log rows; the reviewed_at index finds them directly.
    today = conn.execute(select(LOG.c.card_id, LOG.c.state_before).where(LOG.c.reviewed_at >= since)).all()
    card_ids = list({card_id for card_id, state in today if state in (NEW, REVIEW)})
    deck_of: dict[int, int] = {}
    for chunk_start in range(0, len(card_ids), 500):
        chunk = card_ids[chunk_start : chunk_start + 500]
        deck_of.update(conn.execute(select(CARD.c.id, CARD.c.deck_id).where(CARD.c.id.in_(chunk))).all())
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


def _ancestors(name: str) -> Iterable[str]:
    parts = name.split(DECK_SEP)
    for depth in range(1, len(parts) + 1):
        yield DECK_SEP.join(parts[:depth])


def load_rows(conn: Connection, ids: list[int]) -> dict[int, Any]:
    """Full rows (deck name included) for the cards of a queue."""
    out: dict[int, Any] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows = conn.execute(
            select(CARD, DECK.c.name.label("deck")).join(DECK, DECK.c.id == CARD.c.deck_id).where(CARD.c.id.in_(chunk))
        ).all()
        out.update((row.id, row) for row in rows)
    return out


def next_due_in(
    conn: Connection, *, deck: str | None, now: datetime, settings: Settings, learning_due: datetime | None = None
) -> tuple[datetime | None, int]:
    """When a seen card of this selection is next due after today's queue, and how many
    cards are due by the end of that day (buried ones included: they come back then)."""
    end = next_day_start(now, settings.rollover_hour)
    where = [CARD.c.retired.is_(False), CARD.c.suspended.is_(False), CARD.c.state != NEW, CARD.c.due.is_not(None)]
    if deck is not None:
        ids = [i for i, n in conn.execute(select(DECK.c.id, DECK.c.name)).all() if n == deck or n.startswith(deck + DECK_SEP)]
        where.append(CARD.c.deck_id.in_(ids))
    upcoming = or_(and_(CARD.c.state == REVIEW, CARD.c.due >= end), and_(CARD.c.state != REVIEW, CARD.c.due > now))
    moment = conn.execute(select(func.min(CARD.c.due)).where(*where, upcoming)).scalar()
    if learning_due is not None and (moment is None or learning_due < moment):
        moment = learning_due
    if moment is None:
        return None, 0
    day_end = next_day_start(moment, settings.rollover_hour)
    count = conn.execute(select(func.count()).select_from(CARD).where(*where, CARD.c.due < day_end)).scalar() or 0
    return moment, int(count)
