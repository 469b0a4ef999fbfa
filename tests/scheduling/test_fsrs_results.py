"""Ratings give exactly what py-fsrs's own Scheduler gives for the same inputs (fuzz off)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from llmcards.config import Settings
from llmcards.scheduling.fsrs_bridge import study_days_between
from llmcards.scheduling.review import rate_card
from llmcards.scheduling.types import AGAIN, EASY, GOOD, HARD
from llmcards.store.models import LEARNING, NEW, RELEARNING, REVIEW
from tests.scheduling.helpers import basic, card, local, logs, make_db, set_now

NO_FUZZ = Settings(fuzz=False)


def test_a_card_history_matches_py_fsrs_step_by_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = local("2026-11-22 10:00")
    set_now(monkeypatch, start)
    db = make_db(tmp_path, {"a.md": [basic("LLM", "LSTM", 1)]}, start)
    reference = Scheduler(enable_fuzzing=False)  # FSRS-6 defaults, 0.9, 1m 10m / 10m
    ref = FsrsCard(card_id=1)
    moment = start
    # New → learning steps → review; a lapse → relearning → review; reviews days apart,
    # always whole days apart so study days and 24-hour periods agree.
    plan = [
        (timedelta(0), GOOD),
        (timedelta(minutes=10), GOOD),
        (timedelta(days=3), GOOD),
        (timedelta(days=11), AGAIN),
        (timedelta(minutes=10), GOOD),
        (timedelta(days=2), HARD),
        (timedelta(days=5), EASY),
        (timedelta(days=40), GOOD),
    ]
    states = []
    for delta, rating in plan:
        moment += delta
        set_now(monkeypatch, moment)
        ref, _ = reference.review_card(ref, Rating(rating), review_datetime=moment)
        outcome = rate_card(db, 1, rating, now=moment, settings=NO_FUZZ)
        row = card(db, 1)
        assert (row["state"], row["step"]) == (int(ref.state), ref.step)
        assert row["stability"] == pytest.approx(ref.stability, rel=1e-12)
        assert row["difficulty"] == pytest.approx(ref.difficulty, rel=1e-12)
        assert row["due"] == ref.due == outcome.due
        assert row["last_review"] == moment
        states.append(row["state"])
    assert states == [LEARNING, REVIEW, REVIEW, RELEARNING, REVIEW, REVIEW, REVIEW, REVIEW]
    row = card(db, 1)
    assert row["reps"] == len(plan) and row["lapses"] == 1  # only Again on a review card lapses


def test_review_log_keeps_state_before_and_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = local("2026-11-22 10:00")
    set_now(monkeypatch, now)
    db = make_db(tmp_path, {"a.md": [basic("LLM", "GRU", 1)]}, now)
    rate_card(db, 1, EASY, now=now, duration_ms=4200, settings=NO_FUZZ)
    (log,) = logs(db, 1)
    assert (log.rating, log.duration_ms, log.state_before, log.state_after) == (
        EASY,
        4200,
        NEW,
        REVIEW,
    )
    assert log.reviewed_at == now and log.stability_before is None and log.stability_after > 0
    assert log.due_after == card(db, 1)["due"]


def test_elapsed_time_is_counted_in_study_days_not_24_hour_periods(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reviewed at 23:00, due next day, answered at 08:00: one day later for FSRS, as in Anki."""
    evening = local("2026-11-22 23:00")
    set_now(monkeypatch, evening)
    db = make_db(tmp_path, {"a.md": [basic("LLM", "GRU", 1)]}, evening)
    rate_card(db, 1, EASY, now=evening, settings=NO_FUZZ)  # straight to review
    before = card(db, 1)
    morning = local("2026-11-24 08:00")  # 33 hours later: one 24-hour period, two study days
    set_now(monkeypatch, morning)
    rate_card(db, 1, GOOD, now=morning, settings=NO_FUZZ)
    after = card(db, 1)

    reference = Scheduler(enable_fuzzing=False)
    as_seen = FsrsCard(
        card_id=1,
        state=State.Review,
        stability=before["stability"],
        difficulty=before["difficulty"],
        due=before["due"],
        last_review=morning - timedelta(days=2),
    )
    expected, _ = reference.review_card(as_seen, Rating.Good, review_datetime=morning)
    naive = FsrsCard(
        card_id=1,
        state=State.Review,
        stability=before["stability"],
        difficulty=before["difficulty"],
        due=before["due"],
        last_review=evening,
    )
    naive_after, _ = reference.review_card(naive, Rating.Good, review_datetime=morning)
    assert after["stability"] == pytest.approx(expected.stability)
    assert after["stability"] != pytest.approx(naive_after.stability)
    assert after["due"] == expected.due
    assert after["last_review"] == morning  # the real moment is what is stored


@pytest.mark.parametrize(
    ("earlier", "later", "days"),
    [
        ("2026-11-22 23:00", "2026-11-23 08:00", 1),
        ("2026-11-22 05:00", "2026-11-23 03:59", 0),  # before 04:00 still belongs to the 22nd
        ("2026-11-23 03:59", "2026-11-23 04:00", 1),
        ("2026-11-22 04:00", "2026-11-29 03:00", 6),
    ],
)
def test_study_days_between_counts_days_starting_at_the_rollover_hour(
    monkeypatch: pytest.MonkeyPatch, earlier: str, later: str, days: int
) -> None:
    set_now(monkeypatch, local(later))
    assert study_days_between(local(earlier), local(later), 4) == days


def test_settings_change_the_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = local("2026-11-22 10:00")
    set_now(monkeypatch, now)
    db = make_db(
        tmp_path, {"a.md": [basic("LLM", "A", 1), basic("LLM", "B", 2), basic("LLM", "C", 3)]}, now
    )
    lower = rate_card(db, 1, EASY, now=now, settings=Settings(fuzz=False, desired_retention=0.8))
    higher = rate_card(db, 2, EASY, now=now, settings=Settings(fuzz=False, desired_retention=0.95))
    assert lower.due - now > higher.due - now
    later = now + timedelta(days=30)
    capped = rate_card(db, 1, EASY, now=later, settings=Settings(fuzz=False, maximum_interval=3))
    assert capped.due - later == timedelta(days=3)
    steps = Settings(fuzz=False, learning_steps=["2m", "1h"])
    assert rate_card(db, 3, GOOD, now=now, settings=steps).due - now == timedelta(
        hours=1
    )  # 2nd step


def test_fuzz_spreads_long_intervals_and_stays_near_the_unfuzzed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = local("2026-11-22 10:00")
    set_now(monkeypatch, now)
    drafts = [basic("LLM", f"card {i}", i) for i in range(40)]
    db = make_db(tmp_path, {"a.md": drafts}, now)
    later = now + timedelta(days=30)
    plain: set[int] = set()
    fuzzed: set[int] = set()
    for cid in range(1, 41):
        rate_card(db, cid, EASY, now=now, settings=NO_FUZZ)
    for cid in range(1, 41):
        settings = NO_FUZZ if cid <= 20 else Settings(fuzz=True)
        interval = (rate_card(db, cid, GOOD, now=later, settings=settings).due - later).days
        (plain if cid <= 20 else fuzzed).add(interval)
    assert len(plain) == 1
    (exact,) = plain
    assert len(fuzzed) > 1 and all(abs(i - exact) <= max(3, exact * 0.1) for i in fuzzed)
