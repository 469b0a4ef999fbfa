"""A synthetic learner whose memory follows known FSRS parameters.

The app schedules with one set of parameters (the defaults, say) while the learner's
true memory follows another (`true_parameters`): each recall is drawn with the true
retrievability. An optimizer fed this history should recover parameters that predict
it better than the ones it was scheduled with. Used by tests, benchmarks and demos; it
writes through the same tables the study loop writes.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Anki's population averages (fsrs-rs simulator defaults): the first rating of a new
# card, and Hard/Good/Easy among passed reviews.
FIRST_RATING_PROB = (0.24, 0.094, 0.495, 0.171)
PASS_RATING_PROB = (0.224, 0.631, 0.145)
SAME_DAY_RECALL = 0.85  # learning steps: FSRS has no day-scale forgetting curve for these


@dataclass(frozen=True, slots=True)
class SimReview:
    card: int  # index into the simulated cards
    rating: int
    reviewed_at: datetime
    duration_ms: int
    state_before: int
    state_after: int
    stability_before: float | None
    stability_after: float | None
    difficulty_before: float | None
    difficulty_after: float | None
    due_before: datetime | None
    due_after: datetime


@dataclass
class SimCard:
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime
    reps: int
    lapses: int


def simulate_learner(
    *,
    cards: int,
    days: int,
    start: datetime,
    true_parameters: Sequence[float],
    schedule_parameters: Sequence[float] | None = None,
    new_per_day: int = 20,
    desired_retention: float = 0.9,
    seed: int = 0,
) -> tuple[list[SimReview], list[SimCard | None]]:
    """Study `new_per_day` new cards and everything due, once a day for `days` days.

    `start` is the first session (tz-aware UTC); sessions drift within a few hours of
    that time of day. Returns the reviews in time order and each card's final state
    (None for cards never introduced).
    """
    from fsrs import Card, Rating, Scheduler

    rng = random.Random(seed)
    schedule = Scheduler(
        parameters=tuple(schedule_parameters) if schedule_parameters else Scheduler().parameters,
        desired_retention=desired_retention,
        enable_fuzzing=False,
    )
    truth = Scheduler(
        parameters=tuple(true_parameters), desired_retention=desired_retention, enable_fuzzing=False
    )
    scheduled: list[Any] = [None] * cards
    remembered: list[Any] = [None] * cards
    lapses = [0] * cards
    reps = [0] * cards
    reviews: list[SimReview] = []
    introduced = 0
    for day in range(days):
        clock = start + timedelta(days=day, minutes=rng.randint(0, 180))
        day_end = start + timedelta(days=day + 1) - timedelta(hours=1)
        queue: list[tuple[datetime, int]] = [
            (c.due, i)
            for i, c in enumerate(scheduled[:introduced])
            if c is not None and c.due < day_end
        ]
        for i in range(introduced, min(cards, introduced + new_per_day)):
            scheduled[i] = Card(card_id=i + 1, due=clock)
            remembered[i] = Card(card_id=i + 1, due=clock)
            queue.append((clock, i))
        introduced = min(cards, introduced + new_per_day)
        heapq.heapify(queue)
        while queue:
            due, i = heapq.heappop(queue)
            clock = max(clock, due)
            before = scheduled[i]
            rating = _draw_rating(rng, truth, remembered[i], clock, first=reps[i] == 0)
            duration = rng.randint(3_000, 20_000) if rating == 1 else rng.randint(2_000, 12_000)
            after, _ = schedule.review_card(before, Rating(rating), clock)
            remembered[i], _ = truth.review_card(remembered[i], Rating(rating), clock)
            state_before = 0 if reps[i] == 0 else int(before.state)
            if rating == 1 and state_before == 2:
                lapses[i] += 1
            reps[i] += 1
            reviews.append(
                SimReview(
                    card=i,
                    rating=rating,
                    reviewed_at=clock,
                    duration_ms=duration,
                    state_before=state_before,
                    state_after=int(after.state),
                    stability_before=before.stability,
                    stability_after=after.stability,
                    difficulty_before=before.difficulty,
                    difficulty_after=after.difficulty,
                    due_before=before.due if state_before else None,
                    due_after=after.due,
                )
            )
            scheduled[i] = after
            clock += timedelta(milliseconds=duration)
            if after.due < day_end:
                heapq.heappush(queue, (after.due, i))
    final = [
        SimCard(
            int(c.state),
            c.step,
            c.stability,
            c.difficulty,
            c.due,
            c.last_review,
            reps[i],
            lapses[i],
        )
        if c is not None and reps[i]
        else None
        for i, c in enumerate(scheduled)
    ]
    return reviews, final


def _draw_rating(
    rng: random.Random, truth: Any, memory: Any, moment: datetime, *, first: bool
) -> int:
    if first:
        return rng.choices((1, 2, 3, 4), FIRST_RATING_PROB)[0]
    elapsed = (moment - memory.last_review).days if memory.last_review else 0
    recall = SAME_DAY_RECALL if elapsed < 1 else truth.get_card_retrievability(memory, moment)
    if rng.random() >= recall:
        return 1
    return rng.choices((2, 3, 4), PASS_RATING_PROB)[0]


def write_history(
    conn: Any,
    card_ids: Sequence[int],
    reviews: Sequence[SimReview],
    final: Sequence[SimCard | None],
) -> None:
    """Store the simulated reviews of `card_ids` (one per simulated card) and their end states."""
    from sqlalchemy import bindparam, insert, update

    from llmcards.store.models import CARD, LOG

    log, card = LOG, CARD
    rows = [
        {
            "card_id": card_ids[r.card],
            "rating": r.rating,
            "reviewed_at": r.reviewed_at,
            "duration_ms": r.duration_ms,
            "state_before": r.state_before,
            "state_after": r.state_after,
            "stability_before": r.stability_before,
            "stability_after": r.stability_after,
            "difficulty_before": r.difficulty_before,
            "difficulty_after": r.difficulty_after,
            "due_before": r.due_before,
            "due_after": r.due_after,
            "card_before": "{}",
        }
        for r in reviews
    ]
    if rows:
        conn.execute(insert(log), rows)
    updates = [
        {
            "cid": card_ids[i],
            "state": c.state,
            "step": c.step,
            "stability": c.stability,
            "difficulty": c.difficulty,
            "due": c.due,
            "last_review": c.last_review,
            "reps": c.reps,
            "lapses": c.lapses,
        }
        for i, c in enumerate(final)
        if c is not None
    ]
    if updates:
        statement = update(card).where(card.c.id == bindparam("cid"))
        conn.execute(statement, updates)
