"""Fuzz is seeded per card and review (as in Anki), so the interval a rating button
promises is the interval the rating gives, with fuzz on."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from llmcards.config import Settings
from llmcards.scheduling.rating import CardSchedule, Rater, Review
from llmcards.scheduling.session import StudySession
from llmcards.scheduling.types import EASY, GOOD, HARD, Rating
from llmcards.store.models import REVIEW
from tests.clihelp import llmcards
from tests.scheduling.helpers import Clock, basic, card, local, make_db

FIELDS = CardSchedule.__dataclass_fields__.keys()
FUZZ = Settings(fuzz=True, new_per_day=40, reviews_per_day=1000)


def test_every_preview_is_the_result_over_two_months_of_study(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    db = make_db(tmp_path, {"a.md": [basic("D", f"card {i}", i) for i in range(40)]}, clock())
    plain = Rater(replace(FUZZ, fuzz=False))
    choose = random.Random(7)
    compared = fuzzed = 0
    for day in range(60):
        session = StudySession(db, settings=FUZZ, clock=clock)
        while (shown := session.current()) is not None:
            promised = {p.rating: p.due for p in session.previews()}
            before = CardSchedule(**{k: v for k, v in card(db, shown.id).items() if k in FIELDS})
            rating = choose.choices(list(Rating), weights=[1, 2, 6, 2])[0]
            outcome = session.rate(rating, 3000)
            assert outcome.due == promised[rating], (shown.front, rating)
            compared += 1
            if outcome.state == REVIEW:
                fuzzed += outcome.due != plain.previews(shown.id, before, clock())[rating]
            clock.advance(minutes=2)
        clock.set(local("2026-11-22 09:00") + timedelta(days=day + 1))
    assert compared > 200
    assert fuzzed > 20  # fuzz was really on: many results differ from the unfuzzed interval


def test_fuzz_is_fixed_by_card_and_review_count_and_keeps_the_buttons_in_order() -> None:
    rater = Rater(FUZZ)
    now = local("2026-11-22 09:00")
    card = CardSchedule(REVIEW, None, 30.0, 5.0, now, local("2026-10-23 09:00"), reps=6)
    first = rater.previews(11, card, now)
    assert rater.previews(11, card, now) == first  # the same card, the same review: same days
    spread = {rater.previews(cid, card, now)[GOOD] for cid in range(1, 40)}
    assert len(spread) >= 3  # other cards are spread over several days
    later = {rater.previews(11, replace(card, reps=reps), now)[GOOD] for reps in range(6, 40)}
    assert len(later) >= 3  # and the same card differently at each review
    for cid in range(1, 40):
        dues = rater.previews(cid, card, now)
        assert dues[HARD] <= dues[GOOD] <= dues[EASY]


def test_replaying_a_cards_ratings_gives_the_due_dates_rating_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    db = make_db(tmp_path, {"a.md": [basic("D", "LSTM", 1)]}, clock())
    dues, reviews = [], []
    for rating in (GOOD, GOOD, EASY, GOOD, HARD, GOOD):
        session = StudySession(db, settings=FUZZ, clock=clock)
        shown = session.current()
        assert shown is not None
        card_id = shown.id
        dues.append(session.rate(rating, 0).due)
        reviews.append(Review(clock(), rating))
        clock.set(max(dues[-1], clock()))
    replayed = Rater(FUZZ).replay(card_id, reviews)
    assert [step.after.due for step in replayed] == dues
    # a log merged out of order (as sync merges two) replays to the same card
    final = Rater(FUZZ).state_after(card_id, list(reversed(reviews)))
    assert final == replayed[-1].after and final.reps == len(reviews)


def test_due_json_gives_each_cards_intervals_and_rate_gives_exactly_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    (tmp_path / "config.toml").write_text("fuzz = true\n", encoding="utf-8")
    monkeypatch.setenv("LLMCARDS_CONFIG", str(tmp_path / "config.toml"))
    notes = tmp_path / "n.md"
    notes.write_text(
        "# NLP\n\n" + "".join(f"{i}. 术语{i}：解释 {i}\n" for i in range(1, 13)), encoding="utf-8"
    )
    db = str(tmp_path / "cards.db")
    assert llmcards("--db", db, "import", str(notes), "--deck", "LLM").exit_code == 0
    cards = llmcards("--db", db, "due", "--json").json()["cards"]
    assert len(cards) == 12
    assert all(set(c["intervals"]) == {"again", "hard", "good", "easy"} for c in cards)
    easy = {c["id"]: c["intervals"]["easy"] for c in cards}
    for card_id, promised in easy.items():
        rated = llmcards("--db", db, "rate", str(card_id), "easy", "--json").json()
        assert rated["due"] == promised
    assert len(set(easy.values())) > 1  # fuzz on: not every new card gets the same Easy day
    # a review card's buttons too, a week later
    monkeypatch.setenv("LLMCARDS_NOW", "2026-12-09T09:00:00+08:00")
    due = llmcards("--db", db, "due", "--json").json()["cards"]
    assert due
    for shown in due:
        rated = llmcards("--db", db, "rate", str(shown["id"]), "good", "--json").json()
        assert rated["due"] == shown["intervals"]["good"]
