"""`llmcards cards`: read straight from the SQLite file, and the same list the store gives
(the browse screen reads it through SQLAlchemy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clihelp import in_fresh_python, llmcards

NOTES = """\
# RL

1. PPO：限制策略更新幅度，clip 到 1±ε
2. Q-learning：学习最优动作价值函数

# RLHF

1. Reward model：人类偏好的打分模型，top_k 取 5%
2. DPO：直接偏好优化，不用 reward model

# NLP

- LSTM：门控循环网络
- GRU：比 LSTM 少一个门
"""

QUERIES = [
    (),
    ("--deck", "RL"),  # not RLHF: a deck and its sub-decks only
    ("--deck", "A::RLHF"),
    ("--search", "reward"),  # ASCII letters in any case
    ("--search", "5%"),  # % and _ are text, not wildcards
    ("--search", "_k"),
    ("--search", "门"),
    ("--state", "new"),
    ("--state", "review"),
    ("--state", "suspended"),
    ("--state", "retired"),
    ("--state", "all"),
    ("--state", "due", "--deck", "NLP"),
]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    notes = tmp_path / "learning.md"
    notes.write_text(NOTES, encoding="utf-8")
    path = tmp_path / "cards.db"
    assert llmcards("--db", str(path), "import", str(notes), "--deck", "A").exit_code == 0
    ids = {c["front"]: c["id"] for c in llmcards("--db", str(path), "cards", "--json").json()}
    assert llmcards("--db", str(path), "rate", str(ids["PPO"]), "easy").exit_code == 0
    assert llmcards("--db", str(path), "suspend", str(ids["GRU"])).exit_code == 0
    notes.write_text(NOTES.replace("2. DPO：直接偏好优化，不用 reward model\n", ""), "utf-8")
    assert llmcards("--db", str(path), "import", str(notes)).exit_code == 0  # DPO retired
    return path


def _fronts(db: Path, *args: str) -> list[str]:
    result = llmcards("--db", str(db), "cards", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return [c["front"] for c in result.json()]


def test_filters_list_what_a_user_asks_for(db: Path) -> None:
    assert _fronts(db, "--deck", "RL") == ["PPO", "Q-learning"]
    assert _fronts(db, "--search", "REWARD") == ["Reward model"]
    assert _fronts(db, "--search", "5%") == ["Reward model"]
    assert _fronts(db, "--search", "%") == ["Reward model"]
    assert _fronts(db, "--search", "p_o") == []
    assert _fronts(db, "--state", "suspended") == ["GRU"]
    assert _fronts(db, "--state", "retired") == ["DPO"]
    assert _fronts(db, "--state", "review") == ["PPO"]
    assert "DPO" not in _fronts(db) and "GRU" in _fronts(db)
    wrong = llmcards("--db", str(db), "cards", "--state", "later")
    assert wrong.exit_code == 1 and "unknown state 'later'" in wrong.stderr


def test_the_list_reads_the_file_without_sqlalchemy(db: Path) -> None:
    listed, loaded = in_fresh_python("--db", str(db), "cards", "--json")
    assert loaded == []
    assert [c["front"] for c in listed] == _fronts(db)


@pytest.mark.parametrize("args", QUERIES, ids=" ".join)
def test_the_file_and_the_store_list_the_same_cards(
    db: Path, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = llmcards("--db", str(db), "cards", *args, "--json").json()
    from llmcards.store import fastread

    monkeypatch.setattr(fastread, "open_fast", lambda path: None)  # as for a database to migrate
    assert llmcards("--db", str(db), "cards", *args, "--json").json() == fast


def test_counts_read_as_words_one_card_is_not_cards(db: Path) -> None:
    listed = llmcards("--db", str(db), "cards", "--search", "PPO").stdout.splitlines()
    assert listed[-1] == "1 card"
    assert llmcards("--db", str(db), "cards").stdout.splitlines()[-1] == "5 cards"
    gru = next(
        c for c in llmcards("--db", str(db), "cards", "--json").json() if c["front"] == "GRU"
    )
    again = llmcards("--db", str(db), "suspend", str(gru["id"])).stdout.strip()
    assert again == "Suspended 0 of 1 card (it already was)"


def test_a_buried_card_reads_as_buried_until_the_next_day(db: Path) -> None:
    from datetime import datetime, timedelta

    from llmcards.scheduling.review import set_buried
    from llmcards.store.db import open_db

    lstm = next(
        c for c in llmcards("--db", str(db), "cards", "--json").json() if c["front"] == "LSTM"
    )
    now = datetime.fromisoformat("2026-11-22T09:00:00+08:00")
    store = open_db(db)
    try:
        set_buried(store, lstm["id"], now + timedelta(hours=19))
    finally:
        store.close()
    (row,) = [
        line for line in llmcards("--db", str(db), "cards").stdout.splitlines() if "LSTM" in line
    ]
    assert "new buried" in row
    listed = llmcards("--db", str(db), "cards", "--search", "LSTM", "--json").json()
    assert listed[0]["buried_until"] == "2026-11-22T20:00:00+00:00"
