"""The stats screen's sentences read as English: one review, two reviews."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from llmcards.config import Settings
from llmcards.stats.compute import compute_stats
from llmcards.stats_view import header
from llmcards.store.db import open_db


def test_one_review_today_is_one_review(tmp_path: Path) -> None:
    db = open_db(tmp_path / "s.db")
    with db.read() as conn:
        empty = compute_stats(
            conn, deck=None, now=datetime(2026, 12, 5, 9, tzinfo=UTC), settings=Settings()
        )
    db.close()
    assert "Today: no reviews yet" in header(empty).plain
    one = replace(empty, today_reviews=1, today_seconds=42)
    assert "Today: 1 review in" in header(one).plain
    two = replace(empty, today_reviews=2, today_seconds=42)
    assert "Today: 2 reviews in" in header(two).plain
