"""What a desired retention costs: fsrs-rs-python's simulator over a range of them.

The simulation studies a deck of the user's size from scratch for a year, introducing
`new_per_day` cards a day with no review limit, so the numbers are the true workload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RETENTIONS = (0.70, 0.75, 0.80, 0.85, 0.90, 0.93, 0.95, 0.97)
LEARN_SPAN_DAYS = 365


@dataclass(frozen=True)
class WorkloadPoint:
    desired_retention: float
    reviews_per_day: float  # averaged over the simulated year, learning of new cards excluded
    minutes_per_day: float
    memorized: float  # expected cards remembered at the end of the year

    @property
    def memorized_per_minute(self) -> float:
        total = self.minutes_per_day * LEARN_SPAN_DAYS
        return self.memorized / total if total else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "desired_retention": self.desired_retention,
            "reviews_per_day": round(self.reviews_per_day, 1),
            "minutes_per_day": round(self.minutes_per_day, 1),
            "memorized": round(self.memorized),
        }


def simulate_workload(
    parameters: Sequence[float],
    *,
    deck_size: int,
    new_per_day: int,
    retentions: Sequence[float] = RETENTIONS,
    seed: int = 42,
) -> list[WorkloadPoint]:
    from fsrs_rs_python import default_simulator_config, simulate

    config = default_simulator_config()
    config.deck_size = max(1, deck_size)
    config.learn_span = LEARN_SPAN_DAYS
    config.learn_limit = max(1, new_per_day)
    config.max_cost_perday = 1e9  # no time budget: show what each retention really asks for
    points = []
    for retention in retentions:
        result = simulate(list(parameters), retention, config, seed)
        days = len(result.review_cnt_per_day) or 1
        points.append(
            WorkloadPoint(
                desired_retention=retention,
                reviews_per_day=sum(result.review_cnt_per_day) / days,
                minutes_per_day=sum(result.cost_per_day) / days / 60,
                memorized=result.memorized_cnt_per_day[-1] if result.memorized_cnt_per_day else 0.0,
            )
        )
    return points
