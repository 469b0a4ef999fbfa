"""Between our card rows and py-fsrs: its Card, its Scheduler, and the day rule.

py-fsrs counts elapsed time in 24-hour periods (`(now - last_review).days`), while a
person, and Anki, count study days: a card reviewed at 23:00 and again at 08:00 the next
morning was seen "yesterday", one day ago, not zero days. So before py-fsrs looks at a
card, its `last_review` is moved to exactly N days before now, N being the number of
study days (days starting at the rollover hour) between the two reviews. Within one
study day nothing is moved, so learning steps keep py-fsrs's exact short-term maths.
The stored `last_review` stays the real moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from llmcards.cards import NEW
from llmcards.clock import calendar
from llmcards.config import Settings


@dataclass(frozen=True, slots=True)
class Memory:
    """What py-fsrs decides in one review: the card's FSRS columns after it."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None


class Schedule(Protocol):
    """The card columns py-fsrs reads (`rating.CardState` has them)."""

    @property
    def state(self) -> int: ...
    @property
    def step(self) -> int | None: ...
    @property
    def stability(self) -> float | None: ...
    @property
    def difficulty(self) -> float | None: ...
    @property
    def due(self) -> datetime | None: ...
    @property
    def last_review(self) -> datetime | None: ...


def build_scheduler(settings: Settings) -> Scheduler:
    """A py-fsrs Scheduler from the user's settings, its own (unseeded) fuzz off:
    `rating.Rater` fuzzes, seeded per card and review."""
    parameters = settings.fsrs_parameters or None
    kwargs: dict[str, Any] = {}
    if parameters:
        kwargs["parameters"] = tuple(parameters)
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_deltas(),
        relearning_steps=settings.relearning_deltas(),
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=False,
        **kwargs,
    )


def study_days_between(earlier: datetime, later: datetime, rollover_hour: int) -> int:
    """Whole study days from `earlier`'s day to `later`'s day (0 = same day)."""
    days = calendar(rollover_hour)
    return (days.date_of(later) - days.date_of(earlier)).days


def to_fsrs(card_id: int, schedule: Schedule, now: datetime, rollover_hour: int) -> FsrsCard:
    """The py-fsrs card to review at `now` (see the module docstring for `last_review`)."""
    if schedule.state == NEW:
        # py-fsrs has no "new": a fresh card is Learning at step 0 with no memory yet.
        return FsrsCard(card_id=card_id, state=State.Learning, step=0, due=now)
    last = schedule.last_review
    if last is not None:
        days = study_days_between(last, now, rollover_hour)
        if days > 0:
            last = now - timedelta(days=days)
    return FsrsCard(
        card_id=card_id,
        state=State(schedule.state),
        step=schedule.step,
        stability=schedule.stability,
        difficulty=schedule.difficulty,
        due=schedule.due or now,
        last_review=last,
    )


def review(
    scheduler: Scheduler,
    card_id: int,
    schedule: Schedule,
    rating: int,
    now: datetime,
    rollover_hour: int,
) -> Memory:
    """What py-fsrs makes of rating the card at `now` (see `rating.Rater` for the rest)."""
    now = now.astimezone(UTC)
    card = to_fsrs(card_id, schedule, now, rollover_hour)
    after, _log = scheduler.review_card(card, Rating(rating), review_datetime=now)
    return Memory(int(after.state), after.step, after.stability, after.difficulty, after.due)
