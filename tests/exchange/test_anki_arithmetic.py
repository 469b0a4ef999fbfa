"""Day numbers by rollover, revlog ids, and card schedules in Anki's terms."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from llmcards.exchange.anki_days import AnkiDays, source_day_start
from llmcards.exchange.revlog_sql import revlog_ids

UTC8 = timezone(timedelta(hours=8))


@pytest.fixture(autouse=True)
def shanghai_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")


def test_days_turn_at_the_rollover_hour_not_after_24_hours() -> None:
    days = AnkiDays(datetime(2026, 11, 1, 12, 0, tzinfo=UTC8), rollover_hour=4)
    assert days.crt == datetime(2026, 11, 1, 4, 0, tzinfo=UTC8)
    assert days.creation_minutes_west == -480
    # 03:59 the next morning is still day 0; 04:00 starts day 1, only 16 hours later
    assert days.day_of(datetime(2026, 11, 2, 3, 59, tzinfo=UTC8)) == 0
    assert days.day_of(datetime(2026, 11, 2, 4, 0, tzinfo=UTC8)) == 1
    assert days.day_of(datetime(2026, 11, 30, 23, 0, tzinfo=UTC8)) == 29
    assert days.start_of_day(29) == datetime(2026, 11, 30, 4, 0, tzinfo=UTC8)


def test_anchor_before_the_rollover_belongs_to_the_previous_day() -> None:
    days = AnkiDays(datetime(2026, 11, 1, 2, 0, tzinfo=UTC8), rollover_hour=4)
    assert days.crt == datetime(2026, 10, 31, 4, 0, tzinfo=UTC8)
    assert days.day_of(datetime(2026, 11, 1, 5, 0, tzinfo=UTC8)) == 1


def test_reading_another_collections_days_follows_its_timing_rules() -> None:
    crt = int(datetime(2026, 1, 1, 4, 0, tzinfo=UTC8).timestamp())
    v2 = {"schedVer": 2, "rollover": 4, "creationOffset": -480}
    assert source_day_start(10, crt, v2) == datetime(2026, 1, 11, 4, 0, tzinfo=UTC8)
    legacy_v2 = {"schedVer": 2, "rollover": 4}
    assert source_day_start(10, crt, legacy_v2) == datetime(2026, 1, 11, 4, 0, tzinfo=UTC8)
    v1 = {"schedVer": 1}
    assert source_day_start(1, crt, v1) == datetime(2026, 1, 2, 4, 0, tzinfo=UTC8)


def test_revlog_ids_are_unique_increasing_and_never_in_the_future() -> None:
    now = 1_000_000
    ids, moved = revlog_ids([500, 500, 500, 999_999, 1_000_500, 1_000_400, 2_000_000], now)
    assert ids == sorted(set(ids)) and len(ids) == 7
    assert ids[:3] == [500, 501, 502]
    assert max(ids) <= now and moved == 3
    assert ids[-4:] == [999_997, 999_998, 999_999, 1_000_000]


def test_revlog_ids_keep_the_ids_anki_gave_and_make_none_twice() -> None:
    # the second and fourth reviews came from Anki: their ids stay, others step past them
    ids, moved = revlog_ids([100, 100, 100, 5_000, 900], 1_000, [None, 101, None, 777, None])
    assert ids == [100, 101, 102, 777, 900]
    assert moved == 0 and len(set(ids)) == 5
    # a new review in the future is pulled back, but never onto a kept id
    ids, moved = revlog_ids([10, 2_000], 1_000, [1_000, None])
    assert ids == [1_000, 999] and moved == 1


def test_revlog_ids_leave_past_times_alone() -> None:
    ids, moved = revlog_ids([10, 20, 30], 100)
    assert (ids, moved) == ([10, 20, 30], 0)


def test_staged_revlog_counts_days_by_rollover_and_steps_in_seconds(tmp_path) -> None:
    import sqlite3

    from sqlalchemy import insert

    from llmcards import clock
    from llmcards.exchange.revlog_sql import stage_revlog
    from tests.exchange import collection as fixture

    built = fixture.build(tmp_path, history=False)
    card = fixture.card_id(built.db, "Dropout")
    at = datetime(2026, 11, 10, 3, 30, tzinfo=UTC8)  # before 04:00: still the 9th's study day
    rows = [  # (state before, state after, due after, difficulty after)
        (0, 1, at + timedelta(minutes=10), 5.5),
        (1, 2, datetime(2026, 11, 12, 5, 0, tzinfo=UTC8), 5.5),
        (2, 3, at + timedelta(minutes=10), None),
    ]
    with built.db.write() as conn:
        conn.execute(
            insert(fixture.REVIEW),
            [
                {
                    "card_id": card,
                    "rating": 3,
                    "reviewed_at": at + timedelta(seconds=i),
                    "duration_ms": 1500,
                    "state_before": before,
                    "state_after": after,
                    "due_after": due,
                    "difficulty_after": d,
                }
                for i, (before, after, due, d) in enumerate(rows)
            ],
        )
    target = str(tmp_path / "staged.sqlite")
    source = sqlite3.connect(built.path)
    stage_revlog(source, target, clock.calendar(4), now_ms=int(at.timestamp() * 1000) + 1500)
    source.close()
    out = (
        sqlite3.connect(target)
        .execute("select id, ivl, lastIvl, factor, time, type, future from staging order by id")
        .fetchall()
    )
    ms = int(at.timestamp()) * 1000
    assert out == [
        (ms, -600, 0, 600, 1500, 0, 0),
        (ms + 1000, 3, -600, 600, 1500, 0, 0),  # 9th → 12th: three study days
        (ms + 1500, -598, 3, 0, 1500, 1, 1),  # in the future of `now_ms`: pulled back to it
    ]
    days = AnkiDays(at - timedelta(days=3), 4)
    assert days.day_of(datetime(2026, 11, 12, 5, 0, tzinfo=UTC8)) - days.day_of(at) == 3
