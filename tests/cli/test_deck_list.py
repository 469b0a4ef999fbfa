"""The deck list shows what each deck has for today, after daily limits (like Anki)."""

from __future__ import annotations

from pathlib import Path

from tests.clihelp import in_fresh_python, llmcards


def test_new_counts_are_capped_by_the_daily_limit_minus_what_was_done(
    db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    note = tmp_path / "n.md"
    note.write_text(
        "# 词汇\n\n" + "".join(f"{i}. 概念{i}：解释{i}\n" for i in range(1, 31)), encoding="utf-8"
    )
    db = str(db_path)
    assert llmcards("--db", db, "import", str(note), "--deck", "L").exit_code == 0
    decks = {d["name"]: d for d in llmcards("--db", db, "decks", "--json").json()}
    assert decks["L::词汇"] == {"name": "L::词汇", "cards": 30, "new": 20, "learning": 0, "due": 0}
    first_five = [c["id"] for c in llmcards("--db", db, "due", "--json").json()["cards"][:5]]
    for card in first_five:
        assert llmcards("--db", db, "rate", str(card), "easy").exit_code == 0
    decks = {d["name"]: d for d in llmcards("--db", db, "decks", "--json").json()}
    assert decks["L::词汇"]["new"] == 15 and decks["L"]["new"] == 15
    assert llmcards("--db", db, "config", "new_per_day", "8").exit_code == 0
    decks = {d["name"]: d for d in llmcards("--db", db, "decks", "--json").json()}
    assert decks["L::词汇"]["new"] == 3
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-23T09:00:00+08:00")  # a new day: limits reset
    decks = {d["name"]: d for d in llmcards("--db", db, "decks", "--json").json()}
    assert decks["L::词汇"]["new"] == 8


def test_due_says_which_daily_limit_keeps_new_cards_back(
    db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    note = tmp_path / "n.md"
    note.write_text("".join(f"{i}. 概念{i}：解释{i}\n" for i in range(1, 15)), encoding="utf-8")
    db = str(db_path)
    llmcards("--db", db, "import", str(note), "--deck", "强化学习")
    llmcards("--db", db, "config", "new_per_day", "3")
    for card in llmcards("--db", db, "due", "--json").json()["cards"]:
        assert llmcards("--db", db, "rate", str(card["id"]), "easy").exit_code == 0
    shown = llmcards("--db", db, "due")
    assert shown.exit_code == 0
    assert "New-card limit reached: 3 a day (new_per_day); 11 new cards wait" in shown.stdout
    assert "llmcards config new_per_day 14" in shown.stdout
    limits = llmcards("--db", db, "due", "--json").json()["limits_reached"]
    assert limits == [
        {"kind": "new", "deck": "强化学习", "per_day": 3, "waiting": 11, "setting": "new_per_day"}
    ]


def test_suspend_and_unsuspend_from_the_command_line(db_path: Path, tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("1. GRU：两个门\n2. LSTM：三个门\n", encoding="utf-8")
    db = str(db_path)
    llmcards("--db", db, "import", str(note))
    ids = {c["front"]: c["id"] for c in llmcards("--db", db, "cards", "--json").json()}
    done = llmcards("--db", db, "suspend", str(ids["GRU"]))
    assert done.exit_code == 0 and "Suspended 1 of 1" in done.stdout
    assert [
        c["front"] for c in llmcards("--db", db, "cards", "--state", "suspended", "--json").json()
    ] == ["GRU"]
    assert [c["front"] for c in llmcards("--db", db, "due", "--json").json()["cards"]] == ["LSTM"]
    assert llmcards("--db", db, "unsuspend", str(ids["GRU"])).exit_code == 0
    assert llmcards("--db", db, "cards", "--state", "suspended", "--json").json() == []
    missing = llmcards("--db", db, "suspend", "424242")
    assert (
        missing.exit_code == 1 and "424242" in missing.stderr and "Traceback" not in missing.stderr
    )


def test_suspend_counts_each_card_once_and_says_a_retired_one_is_out_of_study(
    db_path: Path, tmp_path: Path
) -> None:
    note = tmp_path / "n.md"
    note.write_text("1. GRU：两个门\n2. LSTM：三个门\n", encoding="utf-8")
    db = str(db_path)
    llmcards("--db", db, "import", str(note))
    ids = {c["front"]: c["id"] for c in llmcards("--db", db, "cards", "--json").json()}
    twice = llmcards("--db", db, "suspend", str(ids["GRU"]), str(ids["GRU"]))
    assert twice.exit_code == 0 and twice.stdout.strip() == "Suspended 1 of 1 card"
    note.write_text("1. GRU：两个门\n", encoding="utf-8")  # LSTM's bullet is gone
    llmcards("--db", db, "import", str(note))
    retired = llmcards("--db", db, "suspend", str(ids["LSTM"]))
    assert retired.exit_code == 0
    assert f"#{ids['LSTM']}: retired" in retired.stdout and "out of study" in retired.stdout


def test_the_deck_list_of_an_existing_database_loads_no_sqlalchemy(
    db_path: Path, tmp_path: Path
) -> None:
    """`llmcards decks` is read straight from the file (~0.25 s of imports spared)."""
    note = tmp_path / "n.md"
    note.write_text("# 正则化\n\n1. Dropout：随机失活\n2. L2：权重衰减\n", encoding="utf-8")
    assert llmcards("--db", str(db_path), "import", str(note), "--deck", "L").exit_code == 0
    decks, loaded = in_fresh_python("--db", str(db_path), "decks", "--json")
    assert loaded == []
    assert {d["name"]: (d["cards"], d["new"]) for d in decks} == {
        "L": (2, 2),
        "L::正则化": (2, 2),
    }
