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

from sqlalchemy import Connection, and_, func, or_, select

from llmcards.cards import DECK_SEP
from llmcards.clock import day_start, next_day_start
from llmcards.config import Settings
from llmcards.scheduling.labels import LEARN_AHEAD
from llmcards.scheduling.types import Counts
from llmcards.store.models import NEW, REVIEW, Card, Deck, ReviewLog

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


@dataclass(frozen=True, slots=True)
class _Candidate:
    id: int
    deck: str
    note_uid: str
    state: int
    due: datetime | None


@dataclass(slots=True)
class _Candidates:
    learning: list[_Candidate]
    reviews: list[_Candidate]  # by due
    new: list[_Candidate]  # in note order
    done_new: dict[str, int]  # per deck, sub-decks included
    done_reviews: dict[str, int]


def build_queue(conn: Connection, *, now: datetime, settings: Settings, deck: str | None = None) -> Queue:
    """Today's queue for one deck (full name, sub-decks included) or for all decks."""
    found = _gather(conn, now=now, settings=settings, deck=deck)
    queue = Queue(day_start=day_start(now, settings.rollover_hour), day_end=next_day_start(now, settings.rollover_hour))
    for card in found.learning:
        assert card.due is not None
        queue.learning.append((card.due, card.id))
        queue.decks[card.id] = card.deck
    queue.learning.sort()
    reviews, new = _apply_limits(found, settings, top=deck)
    for card in reviews:
        queue.reviews.append(card.id)
        queue.decks[card.id] = card.deck
    for card in new:
        queue.new.append(card.id)
        queue.decks[card.id] = card.deck
    return queue


def deck_counts_today(conn: Connection, *, now: datetime, settings: Settings) -> dict[str, Counts]:
    """Each deck's numbers as if it were the one studied (Anki's deck list), after limits."""
    found = _gather(conn, now=now, settings=settings, deck=None)
    names = {c.deck for c in (*found.learning, *found.reviews, *found.new)}
    names.update(conn.execute(select(DECK.c.name)).scalars())
    cutoff = now + LEARN_AHEAD
    out: dict[str, Counts] = {}
    for name in sorted(names):
        def inside(card: _Candidate, name: str = name) -> bool:
            return card.deck == name or card.deck.startswith(name + DECK_SEP)

        subset = _Candidates(
            learning=[c for c in found.learning if inside(c)],
            reviews=[c for c in found.reviews if inside(c)],
            new=[c for c in found.new if inside(c)],
            done_new=found.done_new,
            done_reviews=found.done_reviews,
        )
        reviews, new = _apply_limits(subset, settings, top=name)
        learning = sum(1 for c in subset.learning if c.due is not None and c.due <= cutoff)
        out[name] = Counts(new=len(new), learning=learning, review=len(reviews))
    return out


def _gather(conn: Connection, *, now: datetime, settings: Settings, deck: str | None) -> _Candidates:
    start = day_start(now, settings.rollover_hour)
    end = next_day_start(now, settings.rollover_hour)
    deck_names = dict(conn.execute(select(DECK.c.id, DECK.c.name)).all())
    if deck is not None:
        deck_names = {i: n for i, n in deck_names.items() if n == deck or n.startswith(deck + DECK_SEP)}
    studyable = and_(
        CARD.c.retired.is_(False),
        CARD.c.suspended.is_(False),
        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
    )
    if deck is not None:
        studyable = and_(studyable, CARD.c.deck_id.in_(list(deck_names)))

    seen = conn.execute(
        select(CARD.c.id, CARD.c.deck_id, CARD.c.note_uid, CARD.c.state, CARD.c.due)
        .where(studyable, CARD.c.state != NEW, CARD.c.due < end)
        .order_by(CARD.c.due, CARD.c.id)
    ).all()
    learning, reviews = [], []
    for row in seen:
        card = _Candidate(row.id, deck_names[row.deck_id], row.note_uid, row.state, row.due)
        (reviews if row.state == REVIEW else learning).append(card)

    new_rows = conn.execute(
        select(CARD.c.id, CARD.c.deck_id, CARD.c.note_uid)
        .join(DECK, DECK.c.id == CARD.c.deck_id)
        .where(studyable, CARD.c.state == NEW)
        .order_by(DECK.c.name, CARD.c.source_path, CARD.c.position, CARD.c.id)
    ).all()
    new = [_Candidate(r.id, deck_names[r.deck_id], r.note_uid, NEW, None) for r in new_rows]

    done_new, done_reviews = _done_today(conn, since=start, deck_names=deck_names)
    return _Candidates(learning, reviews, new, done_new, done_reviews)


def _done_today(conn: Connection, *, since: datetime, deck_names: dict[int, str]) -> tuple[dict[str, int], dict[str, int]]:
    """New cards introduced and reviews answered since `since`, per deck with its sub-decks."""
    rows = conn.execute(
        select(
            CARD.c.deck_id,
            func.count().filter(LOG.c.state_before == NEW),
            func.count().filter(LOG.c.state_before == REVIEW),
        )
        .select_from(LOG)
        .join(CARD, CARD.c.id == LOG.c.card_id)
        .where(LOG.c.reviewed_at >= since)
        .group_by(CARD.c.deck_id)
    ).all()
    done_new: dict[str, int] = defaultdict(int)
    done_reviews: dict[str, int] = defaultdict(int)
    for deck_id, new, reviews in rows:
        name = deck_names.get(deck_id)
        if name is None:
            continue
        for ancestor in _ancestors(name):
            done_new[ancestor] += new
            done_reviews[ancestor] += reviews
    return done_new, done_reviews


def _ancestors(name: str) -> Iterable[str]:
    parts = name.split(DECK_SEP)
    for depth in range(1, len(parts) + 1):
        yield DECK_SEP.join(parts[:depth])


def _chain(deck: str, top: str | None) -> list[str]:
    """The decks whose limits apply to a card of `deck` when studying `top` (None: all)."""
    chain = list(_ancestors(deck))
    if top is None:
        return chain
    depth = top.count(DECK_SEP)
    return chain[depth:]


def _apply_limits(found: _Candidates, settings: Settings, *, top: str | None) -> tuple[list[_Candidate], list[_Candidate]]:
    remaining_reviews: dict[str, int] = {}
    remaining_new: dict[str, int] = {}

    def room(chain: list[str], remaining: dict[str, int], done: dict[str, int], which: int) -> bool:
        for name in chain:
            if name not in remaining:
                remaining[name] = max(0, settings.limits_for(name)[which] - done.get(name, 0))
            if remaining[name] <= 0:
                return False
        return True

    notes: set[str] = set()
    reviews: list[_Candidate] = []
    for card in found.reviews:
        if card.note_uid in notes:
            continue
        chain = _chain(card.deck, top)
        if room(chain, remaining_reviews, found.done_reviews, 1):
            for name in chain:
                remaining_reviews[name] -= 1
            reviews.append(card)
            notes.add(card.note_uid)
    new: list[_Candidate] = []
    for card in found.new:
        if top is not None and remaining_new.get(top) == 0:
            break  # the studied deck is full: nothing further can fit
        if card.note_uid in notes:
            continue
        chain = _chain(card.deck, top)
        if room(chain, remaining_new, found.done_new, 0):
            for name in chain:
                remaining_new[name] -= 1
            new.append(card)
            notes.add(card.note_uid)
    return reviews, new


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
