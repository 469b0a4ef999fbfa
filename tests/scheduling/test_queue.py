"""What is due today, in which order, after which limits: the day as a person means it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from llmcards.config import DeckLimits, Settings
from llmcards.scheduling.deck_list import deck_counts_now
from llmcards.scheduling.queue import build_queue
from llmcards.scheduling.queue_sql import SqlQueueReads
from llmcards.scheduling.review import rate_card
from llmcards.scheduling.session import StudySession
from llmcards.scheduling.types import AGAIN, EASY, GOOD, Counts
from llmcards.store.db import Database
from tests.scheduling.helpers import (
    CARD,
    Clock,
    basic,
    card,
    cloze_note,
    ids_by_front,
    local,
    make_db,
    set_now,
    showing,
)

NO_FUZZ = Settings(fuzz=False)


def _schedule(db: Database, card_id: int, **values: object) -> None:
    with db.write() as conn:
        conn.execute(update(CARD).where(CARD.c.id == card_id).values(**values))


def _fronts(db: Database, session: StudySession, clock: Clock, n: int = 100) -> list[str]:
    """Fronts in the order a user would see them, rating each Easy (out of today's queue)."""
    seen = []
    for _ in range(n):
        current = session.current()
        if current is None:
            break
        seen.append(current.front)
        session.rate(EASY, 1000)
        clock.advance(seconds=5)
    return seen


def test_review_card_is_due_from_the_start_of_its_due_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = local("2026-11-22 09:00")
    set_now(monkeypatch, now)
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(4)]}, now)
    reviewed = local("2026-11-18 09:00")
    due = {
        1: "2026-11-22 23:30",
        2: "2026-11-23 03:59",
        3: "2026-11-23 04:00",
        4: "2026-11-21 10:00",
    }
    for cid, when in due.items():
        _schedule(
            db, cid, state=2, stability=5.0, difficulty=5.0, due=local(when), last_review=reviewed
        )
    with db.read() as conn:
        queue = build_queue(SqlQueueReads(conn), now=now, settings=Settings())
    # Overdue first, then by due; 03:59 on the 23rd still belongs to the 22nd (rollover 04:00).
    assert queue.reviews == [4, 1, 2]
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-23T04:00:00+08:00")
    with db.read() as conn:
        assert build_queue(
            SqlQueueReads(conn), now=local("2026-11-23 04:00"), settings=Settings()
        ).reviews == [4, 1, 2, 3]


def test_rollover_hour_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = local("2026-11-22 23:00")
    set_now(monkeypatch, now)
    db = make_db(tmp_path, {"a.md": [basic("D", "c", 1)]}, now)
    _schedule(
        db,
        1,
        state=2,
        stability=5.0,
        difficulty=5.0,
        due=local("2026-11-23 01:00"),
        last_review=local("2026-11-20 01:00"),
    )
    with db.read() as conn:
        assert build_queue(
            SqlQueueReads(conn), now=now, settings=Settings(rollover_hour=4)
        ).reviews == [1]
        assert (
            build_queue(SqlQueueReads(conn), now=now, settings=Settings(rollover_hour=0)).reviews
            == []
        )


def test_learning_cards_are_due_by_the_clock_and_come_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    db = make_db(
        tmp_path,
        {
            "a.md": [
                basic("D", "new 1", 1),
                basic("D", "new 2", 2),
                basic("D", "new 3", 3),
                basic("D", "rev", 4),
            ]
        },
        clock(),
    )
    ids = ids_by_front(db)
    _schedule(
        db,
        ids["rev"],
        state=2,
        stability=5.0,
        difficulty=5.0,
        due=local("2026-11-22 08:00"),
        last_review=local("2026-11-17 08:00"),
    )
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    assert showing(session).front == "rev"  # reviews before new cards
    session.rate(EASY, 1000)
    first = showing(session)
    assert first.front == "new 1"
    session.rate(AGAIN, 1000)  # back in 1 minute
    assert showing(session).front == "new 2"  # not due yet: other cards first
    assert session.counts() == Counts(new=2, learning=1, review=0)  # the card shown counts too
    clock.advance(minutes=1, seconds=1)
    session.rate(GOOD, 1000)  # "new 2" was pinned as current; now "new 1" is due by the clock
    assert showing(session).front == "new 1"


def test_learn_ahead_only_when_nothing_else_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    db = make_db(tmp_path, {"a.md": [basic("D", "only", 1)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    session.rate(GOOD, 1000)  # step 2: due in 10 minutes, inside the 20-minute learn-ahead
    assert showing(session).front == "only"
    session.rate(AGAIN, 1000)
    session.rate(GOOD, 1000)  # 10 min step again; then Good → review, tomorrow or later
    session.rate(GOOD, 1000)
    assert session.current() is None
    db2 = make_db(tmp_path / "b", {"a.md": [basic("D", "x", 1)]}, clock())
    _schedule(
        db2,
        1,
        state=1,
        step=1,
        stability=2.0,
        difficulty=5.0,
        due=clock() + timedelta(minutes=30),
        last_review=clock(),
    )
    later = StudySession(db2, settings=NO_FUZZ, clock=clock)
    assert later.current() is None and later.counts().total == 0  # 30 min away: beyond learn-ahead
    clock.advance(minutes=11)
    assert showing(later).front == "x"


def test_new_cards_come_in_note_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    files = {
        "b.md": [basic("Notes::NLP", "b-first", 5), basic("Notes::NLP", "b-second", 2)],
        "a.md": [basic("Notes::NLP", "a-first", 9), basic("Notes::NLP", "a-second", 1)],
        "c.md": [basic("Notes::CV", "cv", 1)],
    }
    db = make_db(tmp_path, files, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    # deck name, then file, then position in the file (not the line number)
    assert _fronts(db, session, clock) == ["cv", "a-first", "a-second", "b-first", "b-second"]


def test_daily_new_limit_counts_cards_already_introduced_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i:02}", i) for i in range(12)]}, clock())
    settings = Settings(fuzz=False, new_per_day=5)
    session = StudySession(db, settings=settings, clock=clock)
    assert session.counts().new == 5
    session.rate(EASY, 1)
    session.rate(EASY, 1)
    # A new session today (e.g. after quitting, or another deck view) knows 2 were done.
    again = StudySession(db, settings=settings, clock=clock)
    assert again.counts().new == 3
    assert _fronts(db, again, clock) == ["c02", "c03", "c04"]
    clock.set(local("2026-11-23 03:59"))  # still the 22nd's study day
    assert StudySession(db, settings=settings, clock=clock).counts().new == 0
    clock.set(local("2026-11-23 04:00"))
    assert StudySession(db, settings=settings, clock=clock).counts().new == 5


def test_daily_review_limit_counts_reviews_done_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    db = make_db(tmp_path, {"a.md": [basic("D", f"r{i}", i) for i in range(6)]}, clock())
    for cid in range(1, 7):
        _schedule(
            db,
            cid,
            state=2,
            stability=3.0,
            difficulty=5.0,
            due=local("2026-11-22 08:00"),
            last_review=local("2026-11-19 08:00"),
        )
    settings = Settings(fuzz=False, reviews_per_day=4)
    assert StudySession(db, settings=settings, clock=clock).counts() == Counts(
        new=0, learning=0, review=4
    )
    rate_card(db, 1, GOOD, now=clock(), settings=settings)  # e.g. `llmcards rate` from a script
    assert StudySession(db, settings=settings, clock=clock).counts().review == 3


def test_per_deck_limits_apply_to_the_studied_deck_and_its_subdecks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    files = {
        "a.md": [basic("Root::A", f"a{i}", i) for i in range(10)],
        "b.md": [basic("Root::B", f"b{i}", i) for i in range(10)],
    }
    db = make_db(tmp_path, files, clock())
    settings = Settings(
        fuzz=False,
        new_per_day=6,
        deck_limits={"Root::A": DeckLimits(new_per_day=2), "Root::B": DeckLimits(new_per_day=8)},
    )
    whole = StudySession(db, settings=settings, clock=clock)
    assert whole.counts().new == 6  # Root's own limit caps the total: 2 from A + 4 from B
    assert [f[0] for f in _fronts(db, whole, clock)] == ["a", "a", "b", "b", "b", "b"]
    # The parent's limit does not apply when a sub-deck is studied (Anki v3) ...
    assert (
        StudySession(db, deck="Root::B", settings=settings, clock=clock).counts().new == 4
    )  # 8 - 4 done
    # ... but what was done in the sub-deck counts toward it: A's 2 are used up.
    assert StudySession(db, deck="A", settings=settings, clock=clock).counts().new == 0
    counts = deck_counts_today_for(db, clock, settings)
    assert counts["Root"].new == 0 and counts["Root::B"].new == 4 and counts["Root::A"].new == 0


def deck_counts_today_for(db: Database, clock: Clock, settings: Settings) -> dict[str, Counts]:
    with db.read() as conn:
        reads = SqlQueueReads(conn)
        return deck_counts_now(reads, list(reads.deck_names().values()), clock(), settings)


def test_only_one_cloze_sibling_a_day_and_rating_buries_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    note = cloze_note("D", "Transformer 由 Encoder 和 Decoder 组成", ["Encoder", "Decoder"], 3)
    db = make_db(tmp_path, {"a.md": [*note, basic("D", "other", 7)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    assert session.counts().new == 2  # one sibling + "other"
    first = showing(session)
    assert first.kind == "cloze"
    outcome = session.rate(GOOD, 1000)
    (sibling,) = outcome.buried_siblings
    assert card(db, sibling)["buried_until"] == local("2026-11-23 04:00")
    assert _fronts(db, session, clock) == [
        "other",
        first.front,
    ]  # the learning card comes back; no sibling
    clock.set(local("2026-11-23 04:30"))
    tomorrow = StudySession(db, settings=NO_FUZZ, clock=clock)
    assert sibling in [showing(tomorrow).id]  # back the next day


def test_suspended_retired_and_buried_cards_are_not_studied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(4)]}, clock())
    _schedule(db, 1, suspended=True)
    _schedule(db, 2, retired=True)
    _schedule(db, 3, buried_until=local("2026-11-23 04:00"))
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    assert [showing(session).front] == ["c3"] and session.counts().total == 1
