"""One study session: today's queue in memory, every answer written through `review.py`.

Threads: the TUI reads (`current`, `counts`, `previews`) on its UI thread and calls
`rate`/`undo`/`suspend`/`bury` from a worker thread. Two locks keep that safe without
freezing the UI: `_write` serialises the mutations (each is a database transaction that
may wait for another llmcards process), `_state` guards the in-memory queue and is only
held for moments. Each database call takes its own pooled connection, so no SQLite
connection is shared between threads.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from llmcards import clock as clock_module
from llmcards.cards import LEARNING, RELEARNING, CardState, StudyRow, find_deck
from llmcards.clock import day_start, next_day_start
from llmcards.config import Settings, load_settings
from llmcards.errors import UserError
from llmcards.scheduling.labels import interval_label
from llmcards.scheduling.queue import Queue, QueueReads, build_queue
from llmcards.scheduling.rating import CardSchedule, Rater
from llmcards.scheduling.types import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    Counts,
    LimitReached,
    Preview,
    RateOutcome,
    SessionSummary,
    StudyCard,
)
from llmcards.scheduling.undo import Step, UndoHistory

if TYPE_CHECKING:
    from llmcards.store.db import Store

Clock = Callable[[], datetime]
_SESSION_IDS = itertools.count(1)


@dataclass(slots=True)
class _Entry:
    card: StudyCard
    schedule: CardSchedule


def _review():
    """The write side, imported on the first change: it loads SQLAlchemy (see `reads`)."""
    from llmcards.scheduling import review

    return review


def study_card(row: StudyRow) -> StudyCard:
    return StudyCard(
        id=row.id,
        deck=row.deck,
        front=row.front,
        back=row.back,
        context=row.context,
        kind=row.kind,
        source_path=row.source_path,
        source_line=row.source_line,
        state=CardState(row.state),
        due=row.due,
        reps=row.reps,
        lapses=row.lapses,
    )


class StudySession:
    def __init__(
        self,
        db: Store,
        *,
        deck: str | None = None,
        settings: Settings | None = None,
        clock: Clock = clock_module.now,
        reads: QueueReads | None = None,
        history: UndoHistory | None = None,
    ) -> None:
        """`reads`, when given, answers the deck name and the first queue instead of `db`
        (a fast start, see `store.fastread`): `db` is not touched before the first change.
        `history`: what `undo` takes back, shared by the sessions of one app run (by
        default this session's own)."""
        self._db = db
        self._history = history if history is not None else UndoHistory()
        self._id = next(_SESSION_IDS)
        self._settings = settings or load_settings()
        self._clock = clock
        self._write = threading.Lock()
        self._state = threading.RLock()
        self._rater = Rater(self._settings)
        self._deck: str | None = None
        if deck and reads is not None:
            self._deck = find_deck(reads.deck_names().values(), deck)
        elif deck:
            from llmcards.store.queries import resolve_deck

            with db.read() as conn:
                self._deck = resolve_deck(conn, deck)
        self._entries: dict[int, _Entry] = {}
        self._current: int | None = None
        self._last_rated: int | None = None
        self._ratings: Counter[int] = Counter()
        self._milliseconds = 0
        self._queue = self._load(self._clock(), reads=reads)

    # -- reading (UI thread) ----------------------------------------------------------

    def deck_name(self) -> str | None:
        return self._deck

    def current(self) -> StudyCard | None:
        with self._state:
            card_id = self._pick()
            return self._entries[card_id].card if card_id is not None else None

    def counts(self) -> Counts:
        with self._state:
            return self._queue.counts(self._clock())

    def previews(self) -> list[Preview]:
        """What each rating would do to the current card: the very due date rating gives."""
        with self._state:
            card_id = self._pick()
            if card_id is None:
                return []
            schedule = self._entries[card_id].schedule
        now = self._clock()
        return [
            Preview(rating=rating, due=due, interval=due - now, label=interval_label(due - now))
            for rating, due in self._rater.previews(card_id, schedule, now).items()
        ]

    def summary(self) -> SessionSummary:
        with self._state:
            ratings = Counter(self._ratings)
            seconds = self._milliseconds / 1000
            now = self._clock()
            waiting = self._pick()
            later = self._queue.learning_later(now)
            limits: list[LimitReached] = []
            next_due: datetime | None
            if waiting is not None:
                next_due, next_count = now, self._queue.counts(now).total
            else:
                next_due, next_count = self._next_due(now)
                limits = self._limits_reached(now)
        return SessionSummary(
            cards=sum(ratings.values()),
            seconds=seconds,
            again=ratings[AGAIN],
            hard=ratings[HARD],
            good=ratings[GOOD],
            easy=ratings[EASY],
            next_due=next_due,
            next_due_count=next_count,
            learning_later=len(later),
            next_learning=later[0] if later else None,
            limits=tuple(limits),
        )

    # -- changing (worker thread) -----------------------------------------------------

    def rate(self, rating: int, duration_ms: int) -> RateOutcome:
        """Rate the current card; committed to the database when this returns."""
        with self._write:
            card_id = self._require_current()
            now = self._clock()
            review = _review()
            try:
                outcome = review.rate_card(
                    self._db,
                    card_id,
                    rating,
                    now=now,
                    duration_ms=duration_ms,
                    settings=self._settings,
                    rater=self._rater,
                    shown_reps=self._entries[card_id].schedule.reps,
                )
            except review.RatedElsewhere:
                with self._state:  # today's queue as the database now has it
                    self._queue = self._load(now)
                    self._current = None
                raise
            except review.CardUnavailable:
                with self._state:
                    self._drop(card_id)  # retired by an import meanwhile: move on
                raise
            with self._state:
                self._apply(card_id, outcome, now)
                self._history.push(
                    Step(
                        "rate",
                        card_id,
                        self._deck,
                        self._id,
                        outcome.review_log_id,
                        rating,
                        max(0, duration_ms),
                    )
                )
                self._ratings[rating] += 1
                self._milliseconds += max(0, duration_ms)
                self._last_rated = card_id
                self._current = None
                self._pick(now)
            return outcome

    def suspend(self) -> None:
        with self._write:
            card_id = self._require_current()
            before = _review().set_suspended(self._db, card_id, True)
            with self._state:
                self._history.push(Step("suspend", card_id, self._deck, self._id, before=before))
                self._put_aside(card_id)

    def bury(self) -> None:
        """Hide the current card until the next day starts."""
        with self._write:
            card_id = self._require_current()
            until = next_day_start(self._clock(), self._settings.rollover_hour)
            before = _review().set_buried(self._db, card_id, until)
            with self._state:
                self._history.push(Step("bury", card_id, self._deck, self._id, before=before))
                self._put_aside(card_id)

    def reload(self) -> None:
        """Read today's queue and its cards again (their notes were re-imported): the card
        shown stays shown, with its new text, unless the import retired it."""
        with self._write:
            now = self._clock()
            with self._state:
                self._queue = self._load(now)
                if self._current is not None and self._current not in self._entries:
                    self._current = None

    @property
    def history(self) -> UndoHistory:
        return self._history

    def undo(self) -> StudyCard | None:
        """Take back the last rating, suspend or bury of the history (this session's or an
        earlier one's of the same app run); that card is current again. None when there is
        nothing to take back. Raises `review.UndoRefused`, having dropped that step, when
        the card was rated elsewhere since: the earlier steps stay undoable."""
        with self._write, self._history.lock:
            step = self._history.last()
            if step is None:
                return None
            review = _review()
            try:
                if step.kind == "rate":
                    review.undo_review(self._db, step.log_id)
                elif step.kind == "suspend":
                    review.set_suspended(self._db, step.card_id, step.before)
                else:
                    review.set_buried(self._db, step.card_id, step.before)
            except (review.UndoRefused, review.CardUnavailable):
                self._history.pop()  # it can never be taken back: not in the way of the rest
                raise
            self._history.pop()
            now = self._clock()
            with self._state:
                if step.kind == "rate" and step.session == self._id:
                    self._ratings[step.rating] -= 1
                    self._milliseconds -= step.duration_ms
                # The queue depends on what was done today (limits, buried siblings):
                # building it again from the database is simplest and exactly right.
                self._queue = self._load(now, also=[step.card_id])
                self._current = step.card_id
                self._last_rated = None
                return self._entries[step.card_id].card

    # -- inside -------------------------------------------------------------------------

    def _load(
        self, now: datetime, also: list[int] | None = None, reads: QueueReads | None = None
    ) -> Queue:
        if reads is not None:
            return self._fill(reads, now, also)
        from llmcards.scheduling.queue_sql import SqlQueueReads

        with self._db.read() as conn:
            return self._fill(SqlQueueReads(conn), now, also)

    def _fill(self, reads: QueueReads, now: datetime, also: list[int] | None) -> Queue:
        queue = build_queue(reads, now=now, settings=self._settings, deck=self._deck)
        ids = [cid for _, cid in queue.learning] + queue.reviews + queue.new + list(also or ())
        rows = reads.study_rows(list(dict.fromkeys(ids)))
        self._entries = {
            cid: _Entry(study_card(row), CardSchedule.of(row)) for cid, row in rows.items()
        }
        return queue

    def _pick(self, now: datetime | None = None) -> int | None:
        """The pinned current card, choosing one if none is: what is shown is what gets rated."""
        if self._current is not None:
            return self._current
        now = now or self._clock()
        if day_start(now, self._settings.rollover_hour) != self._queue.day_start:
            self._queue = self._load(now)  # studied past the rollover: a new day's queue
        self._current = self._queue.next_id(now, skip=self._last_rated)
        return self._current

    def _require_current(self) -> int:
        with self._state:
            card_id = self._pick()
        if card_id is None:
            raise UserError("no card to study right now; nothing was changed")
        return card_id

    def _put_aside(self, card_id: int) -> None:
        """A buried or suspended card leaves today's queue without using up the day's
        limits, so the next card within them takes its place (as in Anki): the queue is
        built again from the database, as after an undo."""
        self._queue = self._load(self._clock())
        if self._current == card_id or self._current not in self._entries:
            self._current = None

    def _drop(self, card_id: int) -> None:
        self._queue.remove(card_id)
        if self._current == card_id:
            self._current = None

    def _apply(self, card_id: int, outcome: RateOutcome, now: datetime) -> None:
        self._queue.remove(card_id)
        for sibling in outcome.buried_siblings:
            self._queue.remove(sibling)
        entry = self._entries[card_id]
        entry.card = replace(
            entry.card,
            state=outcome.state,
            due=outcome.due,
            reps=outcome.reps,
            lapses=outcome.lapses,
        )
        entry.schedule = CardSchedule(
            outcome.state,
            outcome.step,
            outcome.stability,
            outcome.difficulty,
            outcome.due,
            now,
            outcome.reps,
            outcome.lapses,
        )
        if (
            outcome.state in (LEARNING, RELEARNING)
            and not outcome.leech
            and outcome.due < self._queue.day_end
        ):
            self._queue.add_learning(card_id, outcome.due)

    def _limits_reached(self, now: datetime) -> list[LimitReached]:
        from llmcards.scheduling.queue import limits_reached
        from llmcards.scheduling.queue_sql import SqlQueueReads

        with self._db.read() as conn:
            return limits_reached(
                SqlQueueReads(conn), now=now, settings=self._settings, deck=self._deck
            )

    def _next_due(self, now: datetime) -> tuple[datetime | None, int]:
        """When something is next due in this selection, and how many cards are due that day."""
        from llmcards.scheduling.queue import next_due_in
        from llmcards.scheduling.queue_sql import SqlQueueReads

        later_learning = self._queue.next_learning_due(now)
        with self._db.read() as conn:
            return next_due_in(
                SqlQueueReads(conn),
                deck=self._deck,
                now=now,
                settings=self._settings,
                learning_due=later_learning,
            )
