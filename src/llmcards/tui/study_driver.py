"""The study loop as the screen sees it: one call in, one complete picture out.

No Textual here. Every method blocks (it talks to SQLite), so the screen calls them on
worker threads; a lock makes sure two calls never interleave, so ratings reach the
database in the order they were given.

Every change names the card it is meant for (the one on screen): when that card is no
longer the current one — retired by an import in another terminal, say — nothing is
changed and the view comes back with the next card and a `notice` saying why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from llmcards.config import Settings
from llmcards.scheduling.types import Counts, Preview, SessionSummary, StudyCard
from llmcards.scheduling.undo import UndoHistory

if TYPE_CHECKING:
    from llmcards.scheduling.queue import QueueReads
    from llmcards.scheduling.session import StudySession
    from llmcards.store.db import Store


@dataclass(frozen=True, slots=True)
class StudyView:
    """Everything the study screen needs to draw one moment of the session."""

    card: StudyCard | None  # None: done for today
    counts: Counts
    previews: tuple[Preview, ...]  # Again..Easy, for the card shown
    done: int  # cards rated in this session (after undos)
    summary: SessionSummary | None = None  # only when card is None
    undo_left: int = 0  # steps `u` can take back: of this app run, not only this session
    notice: str = ""  # something the user did not ask for, to be told (card retired…)
    later: int = 0  # learning cards due later today (after the learn-ahead limit)


NOT_SHOWN = "The card on screen had changed; nothing was done. This is the current card."
RATED_ELSEWHERE = (
    "That card was rated elsewhere (another terminal, a sync) since it was shown, so it "
    "was not rated again; here is the card due now."
)
NOTHING_TO_UNDO = "Nothing to undo."
UNDO_REFUSED = (
    "That step cannot be taken back: its card was rated elsewhere since (another terminal, "
    "a sync), and undo never throws away a later review."
)
UNDO_GONE = "That step cannot be taken back: its card is no longer in the database."
RETIRED = (
    "That card was removed from its notes (re-imported elsewhere), so it was not rated; "
    "here is the next one."
)


def is_busy(error: BaseException) -> bool:
    """Another connection (an import in another terminal) holds the database's write lock
    for longer than the busy timeout: worth trying again, nothing was written."""
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text


class StudyDriver:
    def __init__(
        self,
        db: Store,
        *,
        deck: str | None,
        settings: Settings,
        clock: Callable[[], datetime],
        first_reads: QueueReads | None = None,
        history: UndoHistory | None = None,
    ) -> None:
        """`first_reads` builds the first queue without touching `db` (see `warm_up`).
        `history`: the app run's undo history, shared by every driver of the run."""
        self._db = db
        self._first_reads = first_reads
        self._deck = deck
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._session: StudySession | None = None  # built on the first call, off the UI thread
        self._ready: StudyView | None = None  # the first view, built by warm_up
        self.history = history if history is not None else UndoHistory()

    @property
    def deck(self) -> str | None:
        """The deck studied (full name), None for all decks."""
        return self._deck

    def _open(self) -> StudySession:
        if self._session is None:
            from llmcards.scheduling.session import StudySession

            reads, self._first_reads = self._first_reads, None  # only ever the first try
            self._session = StudySession(
                self._db,
                deck=self._deck,
                settings=self._settings,
                clock=self._clock,
                reads=reads,
                history=self.history,
            )
        return self._session

    def open_store_in_background(self) -> None:
        """When the first card came from a fast read, open the store now, while the card
        is read, instead of on the first rating."""
        open_in_background = getattr(self._db, "open_in_background", None)
        if open_in_background is not None:
            from llmcards.tui import heap

            open_in_background(then=heap.freeze)

    def warm_up(self) -> None:
        """Build today's queue and the first card's view now (before Textual is even
        imported: nothing competes); `take_ready_view` hands the view to the screen.
        With `first_reads`, its connection may be closed once this returns."""
        self._warm()
        if self._session is not None:
            with self._lock:
                try:
                    self._ready = self._view()
                except Exception:
                    self._ready = None

    def take_ready_view(self) -> StudyView | None:
        """The first view `warm_up` prepared, once; None if there is none (then call
        `start` on a worker). Never waits: while a background warm-up holds the lock,
        the UI thread must stay free to paint "Loading cards…"."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            ready, self._ready = self._ready, None
            return ready
        finally:
            self._lock.release()

    def warm_up_in_background(self) -> None:
        """Build today's queue on a thread now, while Textual is still starting."""
        threading.Thread(target=self._warm, name="llmcards-warm-up", daemon=True).start()

    def _warm(self) -> None:
        try:
            with self._lock:
                self._open()
        except Exception:
            self._session = None

    def start(self) -> StudyView:
        with self._lock:
            self._open()
            return self._view()

    def rate(self, card_id: int, rating: int, duration_ms: int) -> StudyView:
        """Rate card `card_id`, the one shown; returns once the rating is committed.
        Nothing is rated when it is no longer the current card (see `notice`)."""
        with self._lock:
            return self._change(card_id, lambda session: session.rate(rating, duration_ms))

    def suspend(self, card_id: int) -> StudyView:
        with self._lock:
            return self._change(card_id, lambda session: session.suspend())

    def bury(self, card_id: int) -> StudyView:
        with self._lock:
            return self._change(card_id, lambda session: session.bury())

    def reload(self, notice: str = "") -> StudyView:
        """Read the queue and the cards again (after their notes were re-imported)."""
        with self._lock:
            session = self._open()
            shown = session.current()
            session.reload()
            view = self._view(notice)
            if shown is not None and (view.card is None or view.card.id != shown.id):
                gone = (
                    "The card shown is no longer due today (its front changed or it was removed)."
                )
                view = replace(view, notice=f"{notice} {gone}".strip())
            return view

    def _change(self, card_id: int, change: Callable[[StudySession], object]) -> StudyView:
        from llmcards.scheduling.review import CardUnavailable, RatedElsewhere

        session = self._open()
        shown = session.current()
        if shown is None or shown.id != card_id:
            return self._view(NOT_SHOWN)
        try:
            change(session)
        except RatedElsewhere:  # the session read today's queue again
            return self._view(RATED_ELSEWHERE)
        except CardUnavailable:  # the session has dropped it: the next card is current
            return self._view(RETIRED)
        return self._view()

    def undo(self) -> StudyView | None:
        """Take back the last rating, bury or suspend of this app run (several in a row
        work), showing that card; None when nothing is left. A step whose card was rated
        elsewhere since is not taken back: the view says so, the card shown stays."""
        from llmcards.scheduling.review import CardUnavailable, UndoRefused

        with self._lock:
            session = self._open()
            try:
                card = session.undo()
            except UndoRefused:
                return self._view(self._refused(UNDO_REFUSED))
            except CardUnavailable:
                return self._view(self._refused(UNDO_GONE))
            if card is None:
                return None
            return self._view()

    def undo_or_start(self) -> StudyView:
        """`undo`, for a screen opened to take a step back (`u` on the deck list): the
        first view either way."""
        view = self.undo()
        if view is not None:
            return view
        with self._lock:
            self._open()
            return self._view(NOTHING_TO_UNDO)

    def _refused(self, why: str) -> str:
        more = " Undo again for the step before it." if len(self.history) else ""
        return why + more

    def _view(self, notice: str = "") -> StudyView:
        session = self._session
        assert session is not None
        card = session.current()
        counts = session.counts()
        summary = session.summary()
        previews = tuple(session.previews()) if card is not None else ()
        return StudyView(
            card,
            counts,
            previews,
            summary.cards,
            summary if card is None else None,
            len(self.history),
            notice,
            summary.learning_later,
        )
