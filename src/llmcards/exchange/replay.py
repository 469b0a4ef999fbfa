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
        return json.dumps({
            "state": self.state, "step": self.step, "stability": self.stability,
            "difficulty": self.difficulty, "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps, "lapses": self.lapses,
        })  # fmt: skip


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
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def scheduler(self) -> Scheduler:
        from fsrs import Scheduler

        kwargs: dict[str, object] = {}
        if self.settings.fsrs_parameters:
            kwargs["parameters"] = tuple(self.settings.fsrs_parameters)
        return Scheduler(
            desired_retention=self.settings.desired_retention,
            learning_steps=self.settings.learning_deltas(),
            relearning_steps=self.settings.relearning_deltas(),
            maximum_interval=self.settings.maximum_interval,
            enable_fuzzing=False,
            **kwargs,  # type: ignore[arg-type]
        )

    def replay(self, ratings: list[Rating], start: Schedule | None = None, card_id: int = 1) -> list[Step]:
        """Each rating in time order with the schedule before and after it."""
        from fsrs import Card as FsrsCard
        from fsrs import Rating as FsrsRating
        from fsrs import State

        current = start or Schedule()
        if current.state == NEW:
            fsrs_card = FsrsCard(card_id=card_id, state=State.Learning, step=0)
        else:
            fsrs_card = FsrsCard(
                card_id=card_id, state=State(current.state), step=current.step, stability=current.stability,
                difficulty=current.difficulty, due=current.due, last_review=current.last_review,
            )  # fmt: skip
        steps = []
        for rating in sorted(ratings, key=lambda r: r.at):
            fsrs_card, _log = self.scheduler.review_card(fsrs_card, FsrsRating(rating.rating), rating.at)
            lapsed = rating.rating == AGAIN and current.state == REVIEW
            after = replace(
                current,
                state=int(fsrs_card.state),
                step=fsrs_card.step,
                stability=fsrs_card.stability,
                difficulty=fsrs_card.difficulty,
                due=fsrs_card.due,
                last_review=fsrs_card.last_review,
                reps=current.reps + 1,
                lapses=current.lapses + (1 if lapsed else 0),
            )
            steps.append(Step(rating, current, after))
            current = after
        return steps
