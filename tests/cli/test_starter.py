"""`llmcards starter`: adds the bundled decks, and running it again keeps review history."""

from __future__ import annotations

from pathlib import Path

from tests.clihelp import llmcards


def test_starter_adds_the_bundled_decks_and_rerunning_keeps_history(
    db_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    db = str(db_path)
    first = llmcards("--db", db, "starter", "--json")
    assert first.exit_code == 0, first.stderr
    report = first.json()
    assert report["new"] >= 150 and report["skipped"] == []
    roots = {f["deck"] for f in report["files"]}
    assert all(root.startswith("入门：") for root in roots) and len(roots) >= 5
    card = llmcards("--db", db, "due", "--json").json()["cards"][0]
    assert llmcards("--db", db, "rate", str(card["id"]), "easy").exit_code == 0
    again = llmcards("--db", db, "starter", "--json").json()
    assert (again["new"], again["updated"], again["retired"]) == (0, 0, 0)
    after = {c["id"]: c for c in llmcards("--db", db, "cards", "--json").json()}
    assert after[card["id"]]["reps"] == 1 and after[card["id"]]["state"] == "review"
    human = llmcards("--db", db, "starter")
    assert "Bundled decks: 0 new" in human.stdout
