"""The study session as the TUI drives it: rate, undo, bury, suspend, previews, threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from llmcards.config import DeckLimits, Settings
from llmcards.errors import UserError
from llmcards.scheduling.review import CardUnavailable, UndoRefused, rate_card, undo_review
from llmcards.scheduling.session import StudySession
from llmcards.scheduling.types import AGAIN, EASY, GOOD, HARD, Counts, LimitReached
from llmcards.scheduling.undo import UndoHistory
from llmcards.store.db import open_db
from llmcards.store.models import LEARNING, NEW, RELEARNING, REVIEW
from tests.scheduling.helpers import (
    CARD,
    Clock,
    add_file,
    basic,
    card,
    cloze_note,
    local,
    logs,
    make_db,
    showing,
    undone,
)

NO_FUZZ = Settings(fuzz=False)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, local("2026-11-22 09:00"))


def test_a_rating_is_committed_when_rate_returns(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", "LSTM", 1), basic("D", "GRU", 2)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    shown = showing(session)
    outcome = session.rate(GOOD, 2500)
    other = open_db(tmp_path / "cards.db")  # what another process would see right now
    try:
        (log,) = logs(other, shown.id)
        assert (log.id, log.rating, log.duration_ms, log.state_before, log.state_after) == (
            outcome.review_log_id,
            GOOD,
            2500,
            NEW,
            LEARNING,
        )
        assert card(other, shown.id)["reps"] == 1
    finally:
        other.close()
    assert showing(session).front == "GRU"


def test_previews_are_what_the_rating_really_gives(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(4)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    labels = [p.label for p in session.previews()]
    assert labels == ["<1m", "<6m", "<10m", "8d"]  # FSRS-6 defaults, steps 1m 10m
    for rating in (AGAIN, HARD, GOOD, EASY):
        expected = {p.rating: p for p in session.previews()}[rating]
        assert session.rate(rating, 1000).due == expected.due
        clock.advance(seconds=3)


def test_undo_several_steps_restores_cards_exactly(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(5)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    before = {cid: card(db, cid) for cid in range(1, 6)}
    shown = []
    for rating in (GOOD, AGAIN, EASY):
        shown.append(showing(session).id)
        session.rate(rating, 1000)
        clock.advance(seconds=10)
    assert len(logs(db)) == 3 and session.summary().cards == 3
    for expected_id in reversed(shown):
        back = undone(session)
        assert back.id == expected_id and back.state == NEW
        assert showing(session).id == expected_id  # the card is shown again
        assert card(db, expected_id) == before[expected_id]
    assert logs(db) == [] and session.undo() is None
    assert session.counts() == Counts(new=5, learning=0, review=0)
    assert session.summary().cards == 0


def test_undo_of_a_review_restores_its_memory_and_due(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", "r", 1)]}, clock())
    rate_card(db, 1, EASY, now=clock() - timedelta(days=10), settings=NO_FUZZ)
    before = card(db, 1)
    assert before["state"] == REVIEW
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    outcome = session.rate(AGAIN, 1000)
    assert outcome.state == RELEARNING and card(db, 1)["lapses"] == 1
    undone(session)
    assert card(db, 1) == before and len(logs(db, 1)) == 1


def test_undo_unburies_the_siblings_the_rating_buried(tmp_path: Path, clock: Clock) -> None:
    db = make_db(
        tmp_path, {"a.md": cloze_note("D", "RLHF 先 SFT 再 PPO", ["SFT", "PPO"], 1)}, clock()
    )
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    outcome = session.rate(GOOD, 1000)
    (sibling,) = outcome.buried_siblings
    assert card(db, sibling)["buried_until"] is not None
    undone(session)
    assert card(db, sibling)["buried_until"] is None


def test_only_the_latest_rating_of_a_card_can_be_undone(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", "c", 1)]}, clock())
    first = rate_card(db, 1, GOOD, now=clock(), settings=NO_FUZZ)
    rate_card(db, 1, GOOD, now=clock() + timedelta(minutes=10), settings=NO_FUZZ)
    with pytest.raises(UserError, match="rated again"):
        undo_review(db, first.review_log_id)
    assert len(logs(db, 1)) == 2


def test_a_later_session_takes_back_what_an_earlier_one_did_with_a_shared_history(
    tmp_path: Path, clock: Clock
) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(3)]}, clock())
    history = UndoHistory()
    first = StudySession(db, settings=NO_FUZZ, clock=clock, history=history)
    first.rate(GOOD, 1000)  # c0
    first.bury()  # c1
    second = StudySession(db, settings=NO_FUZZ, clock=clock, history=history)
    assert showing(second).front == "c2" and len(history) == 2
    assert undone(second).front == "c1" and card(db, 2)["buried_until"] is None
    assert undone(second).front == "c0" and logs(db) == []
    assert second.summary().cards == 0  # the rating was the first session's, not counted here
    assert second.undo() is None and len(history) == 0


def test_a_step_whose_card_was_rated_elsewhere_is_refused_and_dropped(
    tmp_path: Path, clock: Clock
) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", "c0", 0), basic("D", "c1", 1)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    session.rate(AGAIN, 1000)  # c0
    session.rate(GOOD, 1000)  # c1
    clock.advance(minutes=1)
    rate_card(db, 2, GOOD, now=clock(), settings=NO_FUZZ)  # c1, in another terminal
    with pytest.raises(UndoRefused, match="rated again"):
        session.undo()
    assert len(logs(db, 2)) == 2  # the later review is kept
    assert len(session.history) == 1  # the refused step is out of the way of the one before
    assert undone(session).front == "c0" and logs(db, 1) == []


def test_bury_and_suspend_hide_the_card_and_can_be_undone(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(3)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    session.bury()
    assert card(db, 1)["buried_until"] == local("2026-11-23 04:00")
    session.suspend()
    assert card(db, 2)["suspended"] is True
    assert showing(session).front == "c2" and session.counts().new == 1
    assert undone(session).front == "c1" and card(db, 2)["suspended"] is False
    assert undone(session).front == "c0" and card(db, 1)["buried_until"] is None
    assert session.counts().new == 3
    clock.set(local("2026-11-23 05:00"))
    session.bury()
    assert showing(StudySession(db, settings=NO_FUZZ, clock=clock)).front == "c1"


def test_a_card_put_aside_makes_room_for_the_next_one_as_in_anki(
    tmp_path: Path, clock: Clock
) -> None:
    # Three new cards a day out of six: burying or suspending one of today's three does
    # not use up the day's limit, so the fourth (then the fifth) takes its place.
    settings = Settings(fuzz=False, new_per_day=3)
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(6)]}, clock())
    session = StudySession(db, settings=settings, clock=clock)
    assert session.counts().new == 3
    session.rate(EASY, 1000)  # c0: one of the day's three is done
    session.bury()  # c1
    session.suspend()  # c2
    assert session.counts().new == 2
    assert showing(session).front == "c3"
    assert session.counts() == StudySession(db, settings=settings, clock=clock).counts()
    assert undone(session).front == "c2"  # undo still brings it back, first
    assert session.counts().new == 2


def test_the_summary_says_which_limit_holds_cards_back_and_what_comes_later_today(
    tmp_path: Path, clock: Clock
) -> None:
    files = {
        "a.md": [basic("AI::NLP", f"n{i}", i) for i in range(5)],
        "b.md": [basic("AI::CV", f"v{i}", i) for i in range(4)],
    }
    db = make_db(tmp_path, files, clock())
    settings = Settings(
        fuzz=False,
        new_per_day=3,
        learning_steps=["1m", "1h"],
        deck_limits={"AI::NLP": DeckLimits(new_per_day=1)},
    )
    session = StudySession(db, deck="AI", settings=settings, clock=clock)
    while session.current() is not None:
        session.rate(GOOD, 1000)  # AI's 3 a day: CV's first three (deck name order)
    summary = session.summary()
    assert summary.cards == 3 and summary.learning_later == 3
    assert summary.next_learning == clock() + timedelta(hours=1)
    assert summary.limits == (
        LimitReached("new", "AI", 3, 6, own=False),  # AI's own room is used up first
    )
    nlp = StudySession(db, deck="AI::NLP", settings=settings, clock=clock)
    nlp.rate(GOOD, 1000)  # its own limit: one a day
    assert nlp.current() is None
    assert nlp.summary().limits == (LimitReached("new", "AI::NLP", 1, 4, own=True),)


def test_a_leech_is_tagged_and_suspended(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", "hard one", 1)]}, clock())
    settings = Settings(fuzz=False, leech_threshold=3)
    moment = clock() - timedelta(days=60)
    rate_card(db, 1, EASY, now=moment, settings=settings)
    outcomes = []
    for _ in range(3):
        moment += timedelta(days=3)
        outcomes.append(rate_card(db, 1, AGAIN, now=moment, settings=settings))  # lapse
        moment += timedelta(minutes=10)
        rate_card(db, 1, GOOD, now=moment, settings=settings)  # relearnt
    assert [o.leech for o in outcomes] == [False, False, True]
    row = card(db, 1)
    assert row["lapses"] == 3 and row["suspended"] is True and "leech" in row["tags"].split()


def test_a_new_study_day_during_the_session_gets_a_new_queue(tmp_path: Path, clock: Clock) -> None:
    clock.set(local("2026-11-23 03:50"))
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(6)]}, clock())
    session = StudySession(db, settings=Settings(fuzz=False, new_per_day=2), clock=clock)
    session.rate(EASY, 1)
    session.rate(EASY, 1)
    assert session.current() is None
    clock.set(local("2026-11-23 04:01"))
    assert showing(session).front == "c2" and session.counts().new == 2


def test_a_card_retired_by_an_import_meanwhile_is_skipped(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", "gone", 1), basic("D", "stays", 2)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    add_file(db, "a.md", [basic("D", "stays", 2)], clock())  # re-import without "gone"
    with pytest.raises(CardUnavailable, match="retired"):
        session.rate(GOOD, 1000)
    assert showing(session).front == "stays" and logs(db) == []


def test_rating_from_worker_threads_while_the_ui_thread_reads(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(20)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    seen = []
    with ThreadPoolExecutor(max_workers=3) as pool:  # each call may land on another thread
        for _ in range(20):
            seen.append(showing(session).id)
            pool.submit(session.rate, EASY, 100).result()
            session.counts()
            session.previews()
    assert sorted(seen) == list(range(1, 21)) and len(logs(db)) == 20
    assert session.current() is None


def test_summary_tells_what_was_done_and_when_more_is_due(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", f"c{i}", i) for i in range(3)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    for rating in (EASY, EASY, EASY):
        session.rate(rating, 2000)
    summary = session.summary()
    assert (summary.cards, summary.easy, summary.again, summary.seconds) == (3, 3, 0, 6.0)
    assert summary.next_due == card(db, 1)["due"] and summary.next_due_count == 3


def test_rating_with_nothing_to_study_is_a_one_line_error(tmp_path: Path, clock: Clock) -> None:
    db = make_db(tmp_path, {"a.md": [basic("D", "c", 1)]}, clock())
    with db.write() as conn:
        conn.execute(update(CARD).values(suspended=True))
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    assert session.current() is None and session.previews() == []
    with pytest.raises(UserError, match="no card to study"):
        session.rate(GOOD, 1)


def test_a_card_rated_in_another_terminal_since_it_was_shown_is_not_rated_again(
    tmp_path: Path, clock: Clock
) -> None:
    from llmcards.scheduling.review import RatedElsewhere

    db = make_db(tmp_path, {"a.md": [basic("D", "c0", 1), basic("D", "c1", 2)]}, clock())
    session = StudySession(db, settings=NO_FUZZ, clock=clock)
    shown = showing(session)
    rate_card(db, shown.id, EASY, now=clock(), settings=NO_FUZZ)  # `llmcards rate` elsewhere
    clock.advance(seconds=7)
    with pytest.raises(RatedElsewhere):
        session.rate(GOOD, 1000)
    assert [log.rating for log in logs(db, shown.id)] == [EASY]  # only the other one
    assert showing(session).id != shown.id  # graduated elsewhere: not due today any more
    session.rate(GOOD, 1000)  # the next card rates as usual
    assert len(logs(db)) == 2
