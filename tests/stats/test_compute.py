"""The stats' numbers for a small history checked by hand.

Now is 2026-11-22 09:30 at +08:00, days roll over at 04:00 local: a review at 03:59 on
the 21st belongs to the 20th. Deck NLP holds A, B, C, E, F, G; deck RL holds D.
"""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest

from llmcards.config import Settings
from llmcards.stats.compute import compute_stats
from tests.stats.history import hand_checked_collection, make_collection

NOW = "2026-11-22T09:30:00+08:00"


@pytest.fixture
def collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LLMCARDS_NOW", NOW)
    db, _ids = hand_checked_collection(tmp_path / "cards.db")
    yield db
    db.close()


def stats_of(db, deck=None):
    from llmcards import clock

    with db.read() as conn:
        return compute_stats(conn, deck=deck, now=clock.now(), settings=Settings())


def test_today_counts_reviews_seconds_and_agains_of_the_study_day(collection) -> None:
    data = stats_of(collection).as_json()
    assert data["today"] == {"date": "2026-11-22", "reviews": 3, "seconds": 13.0, "again": 1}
    per_day = {d["date"]: (d["reviews"], d["seconds"]) for d in data["per_day"]}
    assert per_day["2026-11-21"] == (1, 20.0)
    assert per_day["2026-11-20"] == (2, 15.0)
    assert len(data["per_day"]) == 30 and data["per_day"][-1]["date"] == "2026-11-22"


def test_heatmap_covers_365_days_ending_today(collection) -> None:
    heatmap = stats_of(collection).as_json()["heatmap"]
    assert len(heatmap) == 365
    assert heatmap[0]["date"] == "2025-11-23" and heatmap[-1]["date"] == "2026-11-22"
    busy = {d["date"]: d["reviews"] for d in heatmap if d["reviews"]}
    assert busy == {"2025-12-01": 1, "2026-11-20": 2, "2026-11-21": 1, "2026-11-22": 3}


def test_true_retention_counts_only_reviews_of_cards_in_review(collection) -> None:
    retention = stats_of(collection).as_json()["retention"]
    days = {r["period"]: (r["passed"], r["total"], r["rate"]) for r in retention["day"]}
    assert days["2026-11-22"] == (2, 2, 1.0)
    assert days["2026-11-21"] == (0, 1, 0.0)
    assert days["2026-11-20"] == (1, 1, 1.0)
    assert days["2026-11-19"] == (0, 0, None)
    weeks = {r["period"]: (r["passed"], r["total"]) for r in retention["week"]}
    assert len(retention["week"]) == 12 and retention["week"][-1]["period"] == "2026-W47"
    assert weeks["2026-W47"] == (3, 4)
    months = {r["period"]: (r["passed"], r["total"]) for r in retention["month"]}
    assert next(r["period"] for r in retention["month"]) == "2025-12"
    assert months["2026-11"] == (3, 4) and months["2025-12"] == (1, 1)
    assert retention["overall"] == {"period": "365d", "passed": 4, "total": 5, "rate": 0.8}


def test_forecast_puts_overdue_and_pre_rollover_cards_on_today(collection) -> None:
    forecast = stats_of(collection).as_json()["forecast"]
    assert len(forecast) == 30 and forecast[0]["date"] == "2026-11-22"
    due = {f["date"]: f["due"] for f in forecast if f["due"]}
    # B overdue, C's learning step, D due 03:00 tomorrow (before rollover); F suspended, G retired.
    assert due == {"2026-11-22": 3, "2026-11-25": 1}


def test_counts_are_exclusive(collection) -> None:
    counts = stats_of(collection).counts
    assert counts == {
        "new": 1,
        "learning": 1,
        "review": 2,
        "relearning": 1,
        "suspended": 1,
        "retired": 1,
    }


def test_stability_and_difficulty_histograms(collection) -> None:
    data = stats_of(collection).as_json()
    stability = {b["label"]: b["count"] for b in data["stability"] if b["count"]}
    # B 0.5 and C 0.2 days; A 5 and F 3 (suspended cards keep their memory); D 400. G is retired.
    assert stability == {"<1d": 2, "3–7d": 2, "≥1y": 1}
    difficulty = {b["label"]: b["count"] for b in data["difficulty"] if b["count"]}
    # D% = (D - 1) / 9: A 0 %, F 11 %, C 25 %, D 50 %, B 100 % (the top bucket is closed).
    assert difficulty == {"0–10%": 1, "10–20%": 1, "20–30%": 1, "50–60%": 1, "90–100%": 1}


def test_hardest_cards_are_by_lapses_without_retired_ones(collection) -> None:
    hardest = stats_of(collection).as_json()["hardest"]
    assert [(h["front"], h["lapses"], h["deck"]) for h in hardest] == [
        ("B", 9, "LLM 学习笔记::NLP"),
        ("A", 2, "LLM 学习笔记::NLP"),
    ]


def test_streak_counts_consecutive_study_days(collection) -> None:
    assert stats_of(collection).streak == 3


def test_deck_filter_keeps_only_that_deck(collection) -> None:
    data = stats_of(collection, deck="NLP").as_json()
    assert data["deck"] == "LLM 学习笔记::NLP"
    assert data["today"]["reviews"] == 2
    assert data["retention"]["day"][-1] == {
        "period": "2026-11-22",
        "passed": 1,
        "total": 1,
        "rate": 1.0,
    }
    assert data["counts"]["review"] == 1  # A; D is in RL
    assert {f["date"]: f["due"] for f in data["forecast"] if f["due"]} == {
        "2026-11-22": 2,
        "2026-11-25": 1,
    }
    rl = stats_of(collection, deck="RL").as_json()
    assert rl["today"]["reviews"] == 1 and rl["hardest"] == []


def test_empty_collection_has_zeros_not_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", NOW)
    db, _ = make_collection(tmp_path / "empty.db", {})
    data = stats_of(db).as_json()
    assert data["deck"] is None and data["streak"] == 0
    assert sum(d["reviews"] for d in data["heatmap"]) == 0 and len(data["heatmap"]) == 365
    assert all(r["rate"] is None for r in data["retention"]["day"])
    assert sum(f["due"] for f in data["forecast"]) == 0
    assert data["counts"] == dict.fromkeys(
        ("new", "learning", "review", "relearning", "suspended", "retired"), 0
    )
    db.close()


def test_study_date_in_sql_matches_clock_day_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SQL day key and `clock.day_start` agree, across zones and rollover hours."""
    from datetime import datetime, timedelta

    from sqlalchemy import create_engine, literal, select

    from llmcards import clock
    from llmcards.stats.days import EPOCH, sql_study_date, sql_study_day_number

    engine = create_engine("sqlite://")
    base = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.connect() as conn:
        for zone in ("+08:00", "-05:30", "+00:00", "+13:45"):
            monkeypatch.setenv("LLMCARDS_NOW", f"2026-11-22T09:30:00{zone}")
            for rollover in (0, 4, 23):
                study_days = clock.calendar(rollover)
                for minutes in range(0, 48 * 60, 37):
                    moment = base + timedelta(minutes=minutes)
                    expected = (
                        clock.day_start(moment, rollover).astimezone(clock.local_zone()).date()
                    )
                    if rollover == 0:
                        assert expected == moment.astimezone(clock.local_zone()).date()
                    assert study_days.date_of(moment) == expected
                    stored = moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
                    key = conn.execute(select(sql_study_date(literal(stored), study_days))).scalar()
                    assert date.fromisoformat(str(key)) == expected
                    number = conn.execute(
                        select(sql_study_day_number(literal(stored), study_days))
                    ).scalar()
                    assert number == (expected - EPOCH).days


def test_root_deck_and_all_decks_agree(collection) -> None:
    """The deck query (grouped through the card index) and the all-decks one (one range
    per day) are two code paths for the same numbers."""
    everything = stats_of(collection).as_json()
    root = stats_of(collection, deck="LLM 学习笔记").as_json()
    assert root.pop("deck") == "LLM 学习笔记" and everything.pop("deck") is None
    assert root == everything
