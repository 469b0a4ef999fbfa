"""What one run of the study app did and can take back: every rating, bury and suspend of
every study session it opened, newest last.

One history outlives the sessions (as Anki's Undo Answer Card works after going back to
the deck list): the app hands the same `UndoHistory` to each `StudySession` it builds.
It only holds what this run did; taking a step back is still refused when the database
says the card changed elsewhere since (`review.UndoRefused`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Step:
    """One undoable step: a rating (`log_id`), a bury or a suspend (`before`)."""

    kind: str  # "rate" | "bury" | "suspend"
    card_id: int
    deck: str | None  # the deck being studied when it was done (None: all decks)
    session: int  # the session that did it (its summary counts the rating)
    log_id: int = 0
    rating: int = 0
    duration_ms: int = 0
    before: Any = None


class UndoHistory:
    """The steps, newest last. `lock` is held by a session for a whole undo (the database
    write included), so two undos never take the same step back."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._steps: list[Step] = []

    def push(self, step: Step) -> None:
        with self.lock:
            self._steps.append(step)

    def last(self) -> Step | None:
        with self.lock:
            return self._steps[-1] if self._steps else None

    def pop(self) -> Step:
        with self.lock:
            return self._steps.pop()

    def __len__(self) -> int:
        # Without the lock: the UI thread asks, and must not wait for an undo's write.
        return len(self._steps)
