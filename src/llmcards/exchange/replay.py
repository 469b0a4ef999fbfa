"""FSRS state rebuilt from a list of ratings, by replaying them through py-fsrs.

Used when history arrives from outside (an Anki review log): the memory state llmcards
keeps is recomputed with llmcards' own settings, fuzz off so the result is repeatable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from llmcards.config import Settings
from llmcards.store.models import NEW, REVIEW

if TYPE_CHECKING:
    from fsrs import Scheduler

AGAIN = 1


@dataclass(frozen=True, slots=True)
class Schedule:
    """A card's schedule: the FSRS columns of `Card`."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def as_json(self) -> str:
        return json.dumps(
            {
                "state": self.state,
                "step": self.step,
                "stability": self.stability,
                "difficulty": self.difficulty,
                "due": self.due.isoformat() if self.due else None,
                "last_review": self.last_review.isoformat() if self.last_review else None,
                "reps": self.reps,
                "lapses": self.lapses,
            }
        )


@dataclass(frozen=True, slots=True)
class Rating:
    at: datetime  # tz-aware UTC
    rating: int  # 1 again .. 4 easy
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class Step:
    rating: Rating
    before: Schedule
    after: Schedule


class Replayer:
    """Replays through the scheduler's own `fsrs_bridge`, so days between reviews are
    counted by study day (rollover hour) exactly as when the user rates in llmcards."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def scheduler(self) -> Scheduler:
        from llmcards.scheduling.fsrs_bridge import build_scheduler

        return build_scheduler(self.settings, fuzz=False)

    def replay(
        self, ratings: list[Rating], start: Schedule | None = None, card_id: int = 1
    ) -> list[Step]:
        """Each rating in time order with the schedule before and after it."""
        from llmcards.scheduling import fsrs_bridge

        current = start or Schedule()
        steps = []
        for rating in sorted(ratings, key=lambda r: r.at):
            memory = fsrs_bridge.review(
                self.scheduler,
                card_id,
                fsrs_bridge.Schedule(
                    current.state,
                    current.step,
                    current.stability,
                    current.difficulty,
                    current.due,
                    current.last_review,
                ),
                rating.rating,
                rating.at,
                self.settings.rollover_hour,
            )
            lapsed = rating.rating == AGAIN and current.state == REVIEW
            after = replace(
                current,
                state=memory.state,
                step=memory.step,
                stability=memory.stability,
                difficulty=memory.difficulty,
                due=memory.due,
                last_review=memory.last_review,
                reps=current.reps + 1,
                lapses=current.lapses + (1 if lapsed else 0),
            )
            steps.append(Step(rating, current, after))
            current = after
        return steps
