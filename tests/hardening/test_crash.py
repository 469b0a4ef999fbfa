"""A few crash trials in every test run; `bench/crash_trials.py` runs a hundred."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.hardening.crash import fresh_db, kill_trial, power_cut_trial

pytestmark = pytest.mark.slow


def test_power_cut_copies_open_cleanly_with_every_acknowledged_rating(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "cards.db")
    rng = random.Random(11)
    for round_no in range(4):
        acknowledged, found = power_cut_trial(db, tmp_path, rng, round_no)
        assert found >= acknowledged


def test_repeated_kills_keep_the_database_whole(tmp_path: Path) -> None:
    db = fresh_db(tmp_path / "cards.db")
    rng = random.Random(5)
    total = set()
    for round_no in range(4):
        total |= kill_trial(db, rng, round_no)
    assert len(total) >= 4
