"""Values the study loop hands to its front ends (TUI, `llmcards due/rate`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from llmcards.cards import CardState, Kind


class Rating(IntEnum):
    """An answer to a card, stored as this integer in `review_log.rating` (py-fsrs's and
    Anki's numbering)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


AGAIN, HARD, GOOD, EASY = Rating
RATING_NAMES: dict[int, str] = {rating: rating.name.lower() for rating in Rating}
RATINGS_BY_NAME = {name: value for value, name in RATING_NAMES.items()}


@dataclass(frozen=True, slots=True)
class StudyCard:
    id: int
    deck: str  # "Root::Sub"
    front: str
    back: str  # Markdown
    context: str
    kind: Kind
    source_path: str
    source_line: int
    state: CardState
    due: datetime | None
    reps: int
    lapses: int


@dataclass(frozen=True, slots=True)
class Counts:
    """What is left today, after daily limits: the three numbers of the progress line."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True, slots=True)
class Preview:
    """What one rating would do to the card shown: the interval on its button."""

    rating: Rating
    due: datetime
    interval: timedelta
    label: str  # "<10m", "10m", "2d", "3.5mo", "1.2y"


@dataclass(frozen=True, slots=True)
class RateOutcome:
    card_id: int
    rating: Rating
    review_log_id: int
    state: CardState
    due: datetime
    stability: float | None
    difficulty: float | None
    step: int | None = None  # learning/relearning step, None in review
    reps: int = 0
    lapses: int = 0
    leech: bool = False  # this lapse made it a leech: tagged `leech` and suspended
    buried_siblings: tuple[int, ...] = ()  # cloze siblings hidden until the next day


@dataclass(frozen=True, slots=True)
class LimitReached:
    """A deck's daily limit is used up while cards of the selection wait behind it."""

    kind: str  # "new" | "review"
    deck: str  # the deck whose limit it is (the one studied, or one of its sub-decks)
    per_day: int
    waiting: int  # cards it holds back until tomorrow
    own: bool  # the deck's own limit (settings.deck_limits), not new_per_day/reviews_per_day


@dataclass(frozen=True, slots=True)
class SessionSummary:
    cards: int
    seconds: float
    again: int
    hard: int
    good: int
    easy: int
    next_due: datetime | None  # the next moment a card of this selection is due
    next_due_count: int  # cards due on that day
    # Learning cards of today's queue due later today than the learn-ahead limit: the
    # session is done for now, not for today. `next_learning`: when the first is due.
    learning_later: int = 0
    next_learning: datetime | None = None
    # When nothing is left now: the daily limits that hold cards back until tomorrow.
    limits: tuple[LimitReached, ...] = ()

    @property
    def again_rate(self) -> float:
        return self.again / self.cards if self.cards else 0.0
