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
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from llmcards.cards import NEW
from llmcards.clock import calendar
from llmcards.config import Settings


@dataclass(frozen=True, slots=True)
class Schedule:
    """The FSRS columns of one card: what a review reads and writes."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None

    @classmethod
    def of(cls, row: Any) -> Schedule:
        return cls(row.state, row.step, row.stability, row.difficulty, row.due, row.last_review)


def build_scheduler(settings: Settings, *, fuzz: bool | None = None) -> Scheduler:
    """A py-fsrs Scheduler from the user's settings; `fuzz=False` for stable previews."""
    parameters = settings.fsrs_parameters or None
    kwargs: dict[str, Any] = {}
    if parameters:
        kwargs["parameters"] = tuple(parameters)
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_deltas(),
        relearning_steps=settings.relearning_deltas(),
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzz if fuzz is None else fuzz,
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
) -> Schedule:
    """The schedule after rating the card at `now`."""
    now = now.astimezone(UTC)
    card = to_fsrs(card_id, schedule, now, rollover_hour)
    after, _log = scheduler.review_card(card, Rating(rating), review_datetime=now)
    return Schedule(
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=now,  # the real moment, not the day-aligned one py-fsrs saw
    )
