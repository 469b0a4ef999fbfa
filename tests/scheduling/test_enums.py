"""States and ratings are enums in the code and the same small integers on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from llmcards.cards import STATE_NAMES, CardState
from llmcards.config import Settings
from llmcards.scheduling.review import rate_card
from llmcards.scheduling.types import GOOD, RATINGS_BY_NAME, Rating
from tests.scheduling.helpers import basic, local, make_db, set_now


def test_a_rating_is_typed_in_code_and_an_integer_in_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = local("2026-11-22 10:00")
    set_now(monkeypatch, now)
    db = make_db(tmp_path, {"a.md": [basic("LLM", "LSTM", 1)]}, now)
    outcome = rate_card(db, 1, GOOD, now=now, settings=Settings(fuzz=False))
    db.close()
    assert outcome.rating is Rating.GOOD and outcome.state is CardState.LEARNING
    with sqlite3.connect(tmp_path / "cards.db") as raw:
        logged = raw.execute(
            "select typeof(rating), rating, typeof(state_before), state_before,"
            " typeof(state_after), state_after from review_log"
        ).fetchone()
        card = raw.execute("select typeof(state), state, kind from card").fetchone()
    assert logged == ("integer", 3, "integer", 0, "integer", 1)
    assert card == ("integer", 1, "basic")


def test_names_and_numbers_match_anki_and_py_fsrs() -> None:
    from fsrs import Rating as FsrsRating
    from fsrs import State as FsrsState

    assert [int(r) for r in Rating] == [int(r) for r in FsrsRating] == [1, 2, 3, 4]
    assert {s.name.lower(): int(s) for s in FsrsState} == {
        STATE_NAMES[s]: int(s) for s in CardState if s is not CardState.NEW
    }
    assert RATINGS_BY_NAME["again"] is Rating.AGAIN and STATE_NAMES[CardState.NEW] == "new"
