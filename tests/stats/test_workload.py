"""The workload simulator: a higher desired retention costs more reviews."""

from __future__ import annotations

from llmcards.stats.optimize import default_parameters
from llmcards.stats.workload import simulate_workload


def test_higher_retention_means_more_reviews_and_more_remembered() -> None:
    points = simulate_workload(
        default_parameters(), deck_size=500, new_per_day=10, retentions=(0.75, 0.85, 0.95)
    )
    assert [p.desired_retention for p in points] == [0.75, 0.85, 0.95]
    reviews = [p.reviews_per_day for p in points]
    minutes = [p.minutes_per_day for p in points]
    remembered = [p.memorized for p in points]
    assert reviews == sorted(reviews) and reviews[0] < reviews[-1]
    assert minutes == sorted(minutes) and remembered == sorted(remembered)
    assert 0 < remembered[-1] <= 500
