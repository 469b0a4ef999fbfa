"""What one rating does to a card: the single definition behind every schedule change.

Studying, `llmcards rate`, imported review logs (`import-anki`), rescheduling with new
parameters and synced logs all go through `Rater`: the same FSRS maths, the same study
day rule (`fsrs_bridge`), the same lapse and leech counting and the same fuzz.

Fuzz is deterministic, as in Anki: the random spread of a review interval is seeded
from the card id and its review count, so a rating button can show the exact interval
the rating will give, and replaying a card's ratings gives back the same due dates.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from llmcards.cards import NEW, REVIEW
from llmcards.config import Settings
from llmcards.scheduling import fsrs_bridge
from llmcards.scheduling.types import AGAIN, EASY, GOOD, HARD, Rating

RATINGS = (AGAIN, HARD, GOOD, EASY)


@dataclass(frozen=True, slots=True)
class CardSchedule:
    """A card's schedule: the columns of `Card` a rating reads and writes."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @classmethod
    def of(cls, row: Any) -> CardSchedule:
        """From any row (or object) with the card's columns."""
        return cls(
            row.state,
            row.step,
            row.stability,
            row.difficulty,
            row.due,
            row.last_review,
            row.reps,
            row.lapses,
        )

    def columns(self) -> dict[str, object]:
        """The card table's values for this state."""
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due,
            "last_review": self.last_review,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    def as_json(self) -> str:
        values = self.columns()
        for name in ("due", "last_review"):
            moment = values[name]
            values[name] = moment.isoformat() if isinstance(moment, datetime) else None
        return json.dumps(values)


# The card table's columns a schedule is (`CardSchedule`'s fields, in order).
SCHEDULE_COLUMNS: tuple[str, ...] = tuple(CardSchedule.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Review:
    """One answer: when (tz-aware), which rating (1 again .. 4 easy), how long it took."""

    at: datetime
    rating: int
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class Applied:
    """A review and the card before and after it."""

    review: Review
    before: CardSchedule
    after: CardSchedule
    leech: bool = False  # this lapse reached the leech threshold (Anki's rule)

    @property
    def lapsed(self) -> bool:
        return self.review.rating == AGAIN and self.before.state == REVIEW


class Rater:
    """Applies ratings with one set of settings (py-fsrs's Scheduler is built once)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # py-fsrs fuzzes with the global random module; the fuzz here is seeded instead.
        self.scheduler = fsrs_bridge.build_scheduler(settings)

    def apply(self, card_id: int, before: CardSchedule, review: Review) -> Applied:
        """The card after this review."""
        at = review.at.astimezone(UTC)
        memory = fsrs_bridge.review(
            self.scheduler, card_id, before, review.rating, at, self.settings.rollover_hour
        )
        due = memory.due
        if self.settings.fuzz and memory.state == REVIEW and due is not None:
            due = at + fuzzed_interval(
                due - at, self.settings.maximum_interval, seed=(card_id, before.reps)
            )
        lapsed = review.rating == AGAIN and before.state == REVIEW
        lapses = before.lapses + (1 if lapsed else 0)
        after = CardSchedule(
            state=memory.state,
            step=memory.step,
            stability=memory.stability,
            difficulty=memory.difficulty,
            due=due,
            last_review=at,  # the real moment, not the day-aligned one py-fsrs saw
            reps=before.reps + 1,
            lapses=lapses,
        )
        return Applied(review, before, after, lapsed and is_leech(lapses, self.settings))

    def replay(
        self, card_id: int, reviews: Iterable[Review], start: CardSchedule | None = None
    ) -> list[Applied]:
        """Each review in time order, applied from `start` (a new card by default)."""
        current = start or CardSchedule()
        steps = []
        for review in sorted(reviews, key=lambda r: r.at):
            step = self.apply(card_id, current, review)
            steps.append(step)
            current = step.after
        return steps

    def state_after(
        self, card_id: int, reviews: Iterable[Review], start: CardSchedule | None = None
    ) -> CardSchedule:
        """The card after these reviews (a merged log replayed, e.g. by sync)."""
        steps = self.replay(card_id, reviews, start)
        return steps[-1].after if steps else (start or CardSchedule())

    def previews(self, card_id: int, state: CardSchedule, now: datetime) -> dict[Rating, datetime]:
        """The due moment each rating would give at `now`: exactly what rating gives."""
        out: dict[Rating, datetime] = {}
        for rating in RATINGS:
            due = self.apply(card_id, state, Review(now, rating)).after.due
            assert due is not None
            out[rating] = due
        return out


def is_leech(lapses: int, settings: Settings) -> bool:
    """Anki's rule: a leech at the threshold, and again every half threshold after it."""
    threshold = settings.leech_threshold
    if threshold <= 0 or lapses < threshold:
        return False
    return (lapses - threshold) % max(1, threshold // 2) == 0


def fuzzed_interval(interval: timedelta, maximum_days: int, *, seed: tuple[int, int]) -> timedelta:
    """A review interval spread by a few days, the same for the same (card id, reps).

    The range is py-fsrs's (and Anki's): none below 2.5 days, then ±15 % up to a week,
    ±10 % up to 20 days and ±5 % beyond; the draw in it comes from `seed`.
    """
    from fsrs.scheduler import FUZZ_RANGES

    days = interval.days
    if days < 2.5:
        return interval
    delta = 1.0
    for band in FUZZ_RANGES:
        delta += band["factor"] * max(min(float(days), band["end"]) - band["start"], 0.0)
    low = max(2, round(days - delta))
    high = min(round(days + delta), maximum_days)
    low = min(low, high)
    card_id, reps = seed
    draw = random.Random(f"{card_id}:{reps}").random()
    return timedelta(days=min(low + math.floor(draw * (high - low + 1)), maximum_days))
