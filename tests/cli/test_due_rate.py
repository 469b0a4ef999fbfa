"""`llmcards due` and `llmcards rate` as a script or a person uses them, travelling in time
with LLMCARDS_NOW."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clihelp import in_fresh_python, llmcards

NOTES = """\
# 学习笔记

# NLP

1. LSTM：权重参数计算 (units * (input_dim + units) + units) * 4
2. GRU：更新门和重置门，比 LSTM 少一个门
3. Dropout：训练时随机让部分神经元失活

# 强化学习

1. Q-learning：离散动作，学习最优动作价值函数
2. PPO：限制策略更新幅度的策略梯度方法
"""


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    notes = tmp_path / "learning.md"
    notes.write_text(NOTES, encoding="utf-8")
    path = tmp_path / "cards.db"
    result = llmcards("--db", str(path), "import", str(notes), "--deck", "LLM")
    assert result.exit_code == 0, result.stderr
    (tmp_path / "config.toml").write_text("fuzz = false\n", encoding="utf-8")
    monkeypatch.setenv("LLMCARDS_CONFIG", str(tmp_path / "config.toml"))
    return path


def run(db: Path, *args: str):
    return llmcards("--db", str(db), *args)


def ids(db: Path) -> dict[str, int]:
    return {c["front"]: c["id"] for c in run(db, "cards", "--json").json()}


def test_due_json_lists_cards_in_study_order_with_counts(db: Path) -> None:
    result = run(db, "due", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["now"] == "2026-11-22T01:00:00+00:00"
    assert data["counts"] == {"new": 5, "learning": 0, "review": 0}
    assert [c["front"] for c in data["cards"]] == ["LSTM", "GRU", "Dropout", "Q-learning", "PPO"]
    # the `cards --json` shape, and the due moment each rating would give
    assert data["cards"][0].keys() == run(db, "cards", "--json").json()[0].keys() | {"intervals"}


def test_rate_prints_the_new_state_and_due(db: Path) -> None:
    lstm = ids(db)["LSTM"]
    result = run(db, "rate", str(lstm), "good")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"#{lstm} LSTM → good: learning, due 09:10 (10m)"
    result = run(db, "rate", str(lstm), "good")
    assert result.stdout.strip() == f"#{lstm} LSTM → good: review, due 2026-11-24 (2d)"
    data = run(db, "rate", str(ids(db)["GRU"]), "easy", "--json").json()
    assert (data["rating"], data["state"], data["reps"], data["lapses"]) == ("easy", "review", 1, 0)
    assert data["due"] == "2026-11-30T01:00:00+00:00"  # 8 days, FSRS-6 defaults, no fuzz
    assert data["stability"] > 0 and 1 <= data["difficulty"] <= 10
    assert data["card"]["front"] == "GRU" and data["card"]["reps"] == 1


def test_rated_cards_come_due_on_their_day(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = ids(db)
    run(db, "rate", str(card["GRU"]), "easy")  # due 2026-11-30 09:00 local
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-30T04:30:00+08:00")  # that day, before 09:00
    data = run(db, "due", "--json").json()
    assert data["counts"] == {"new": 4, "learning": 0, "review": 1}
    assert data["cards"][0]["front"] == "GRU"  # reviews before new cards
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-30T03:59:00+08:00")  # still the 29th's study day
    assert run(db, "due", "--json").json()["counts"]["review"] == 0


def test_due_human_output_is_per_deck_with_a_total(db: Path) -> None:
    run(db, "rate", str(ids(db)["LSTM"]), "again")
    result = run(db, "due")
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[0] == ["Deck", "New", "Learn", "Due"]
    assert ["LLM::NLP", "2", "1", "0"] in lines and ["LLM::强化学习", "2", "0", "0"] in lines
    assert lines[-1] == ["Total", "4", "1", "0"]
    only = run(db, "due", "--deck", "强化学习").stdout
    assert "LLM::NLP" not in only and "Total" in only
    # A deck typed as Anki would spell it after cleaning: spaces and empty parts dropped.
    assert (
        run(db, "due", "--deck", " llm :::: nlp ").stdout == run(db, "due", "--deck", "NLP").stdout
    )


def test_due_says_when_more_comes_when_nothing_is_due(db: Path) -> None:
    for card_id in ids(db).values():
        run(db, "rate", str(card_id), "easy")
    result = run(db, "due")
    assert result.stdout.startswith("Nothing due now. Next: Mon 30 Nov, 5 cards.")


def _through_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on `due` reads as for a database it cannot read straight from the file
    (one to migrate, say): through the store, with SQLAlchemy."""
    from llmcards.store import fastread

    monkeypatch.setattr(fastread, "open_fast", lambda path: None)


def test_due_reads_the_file_without_sqlalchemy_and_answers_as_the_store_does(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A status bar or a shell prompt runs `due` often: it skips SQLAlchemy's ~0.25 s.
    run(db, "rate", str(ids(db)["LSTM"]), "again")
    fast, loaded = in_fresh_python("--db", str(db), "due", "--json")
    assert loaded == ["pydantic"]  # only to check this test's config file (config.py)
    assert fast["counts"] == {"new": 4, "learning": 1, "review": 0}
    assert [c["front"] for c in fast["cards"] if c["state"] == "learning"] == ["LSTM"]
    _through_the_store(monkeypatch)
    assert run(db, "due", "--json").json() == fast


def test_when_more_comes_is_the_same_from_the_file_and_through_the_store(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = ids(db)
    for front in ("LSTM", "GRU", "Dropout", "Q-learning", "PPO"):
        run(db, "rate", str(card[front]), "easy")
    answers = [run(db, "due", "--deck", name).stdout for name in ("NLP", "强化学习", "LLM")]
    assert answers[0].startswith("Nothing due now in LLM::NLP. Next: Mon 30 Nov, 3 cards.")
    assert answers[1].startswith("Nothing due now in LLM::强化学习. Next: ")
    assert answers[2].startswith("Nothing due now in LLM. Next: ")
    _through_the_store(monkeypatch)
    assert [run(db, "due", "--deck", name).stdout for name in ("NLP", "强化学习", "LLM")] == answers


def test_daily_new_limit_shows_in_due(db: Path) -> None:
    assert run(db, "config", "new_per_day", "2").exit_code == 0
    assert run(db, "due", "--json").json()["counts"]["new"] == 2
    run(db, "rate", str(ids(db)["LSTM"]), "easy")
    assert run(db, "due", "--json").json()["counts"]["new"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rate", "999", "good"), "no card #999"),
        (("rate", "1", "meh"), "rating 'meh' is not one of again, hard, good, easy"),
        (("due", "--deck", "Nope"), "no deck named 'Nope'"),
        (("due", "--deck", "::"), "no deck named '::'"),
    ],
)
def test_mistakes_are_one_line_errors(db: Path, args: tuple[str, ...], message: str) -> None:
    result = run(db, *args)
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr.startswith(f"llmcards: error: {message}") and result.stderr.count("\n") == 1
    )


def test_a_retired_card_cannot_be_rated(db: Path, tmp_path: Path) -> None:
    ppo = ids(db)["PPO"]
    notes = tmp_path / "learning.md"
    notes.write_text(
        NOTES.replace("2. PPO：限制策略更新幅度的策略梯度方法\n", ""), encoding="utf-8"
    )
    assert run(db, "import", str(notes), "--deck", "LLM").exit_code == 0
    result = run(db, "rate", str(ppo), "good")
    assert (
        result.exit_code == 1 and "was retired" in result.stderr and result.stderr.count("\n") == 1
    )


def test_study_opens_the_app_on_the_deck_named(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import llmcards.tui.app
    from llmcards.tui import terminal

    calls = []
    monkeypatch.setattr(terminal, "has_terminal", lambda: True)  # as in a terminal
    monkeypatch.setattr(llmcards.tui.app, "run_app", lambda **kwargs: calls.append(kwargs))
    assert run(db, "study", "--deck", "nlp").exit_code == 0
    assert run(db).exit_code == 0  # no command: the app's home screen
    assert [(c["db_path"], c["deck"]) for c in calls] == [(db, "LLM::NLP"), (db, None)]
    assert calls[0]["settings"].fuzz is False  # the settings file was read
    # The first queue is built before the app starts, on the one database the CLI opened.
    driver = calls[0]["first_driver"]
    assert driver.start().card is not None and calls[0]["db"] is driver._db
    calls[0]["db"].close()
