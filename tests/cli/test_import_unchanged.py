"""Re-importing unchanged notes: answered from what was stored, without loading the store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.clihelp import in_fresh_python, llmcards

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def run(db: Path, *args: str):
    return llmcards("--db", str(db), *args)


def full_path_report(
    db: Path, paths: list[Path], deck: str | None = None, dry_run: bool = False
) -> dict:
    """What the import with the whole store (SQLAlchemy, one write transaction) reports."""
    from llmcards.importing.files import import_paths
    from llmcards.store.db import open_db

    opened = open_db(db)
    try:
        return import_paths(opened, paths, deck=deck, dry_run=dry_run, now=NOW).as_json()
    finally:
        opened.close()


def test_unchanged_reimport_never_imports_sqlalchemy_or_pydantic(
    db_path: Path, notes: Path
) -> None:
    first = run(db_path, "import", str(notes), "--json")
    assert first.exit_code == 0, first.stderr
    report, loaded = in_fresh_python("--db", str(db_path), "import", str(notes), "--json")
    assert loaded == []
    before = first.json()
    assert report["new"] == 0 and report["unchanged"] == before["new"]
    assert report["skipped"] == before["skipped"]  # items passed over are still reported
    assert [f["skipped"] for f in report["files"]] == [f["skipped"] for f in before["files"]]


@pytest.mark.parametrize("deck", [None, "LLM 学习笔记"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_the_stored_answer_is_the_full_import_s_answer(
    db_path: Path, notes: Path, deck: str | None, dry_run: bool
) -> None:
    extra = ["--deck", deck] if deck else []
    assert run(db_path, "import", str(notes), *extra).exit_code == 0
    # One card retired by an edit, then the edit undone: the count of cards in use,
    # not of cards ever made, is what an unchanged file reports.
    learning = notes / "learning.md"
    original = learning.read_text(encoding="utf-8")
    learning.write_text(original.replace("Dropout", "Dropout 丢弃法"), encoding="utf-8")
    assert run(db_path, "import", str(notes), *extra).exit_code == 0
    learning.write_text(original, encoding="utf-8")
    assert run(db_path, "import", str(notes), *extra).exit_code == 0

    fast = run(db_path, "import", str(notes), "--json", *extra, *(["--dry-run"] if dry_run else []))
    assert fast.exit_code == 0, fast.stderr
    expected = full_path_report(db_path, [notes], deck=deck, dry_run=dry_run)
    assert fast.json() == expected
    assert expected["new"] == expected["updated"] == expected["retired"] == 0
    assert expected["unchanged"] == 7 and expected["dry_run"] is dry_run


def test_human_summary_of_an_unchanged_file(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"), "--deck", "LLM 学习笔记")
    again = run(db_path, "import", str(notes / "learning.md"), "--deck", "LLM 学习笔记")
    assert again.exit_code == 0, again.stderr
    assert "learning.md → LLM 学习笔记: 0 new, 0 updated, 5 unchanged, 0 retired" in again.stdout
    assert "(file unchanged)" in again.stdout
    assert "强化学习: 策略价值函数 (l.8), Actor-Critic (l.9)" in again.stdout  # still a to-do list


def test_one_changed_file_among_unchanged_ones_is_imported(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes))
    with (notes / "todo.md").open("a", encoding="utf-8") as f:
        f.write("\n- 新概念：刚刚加上的解释\n")
    report = run(db_path, "import", str(notes), "--json").json()
    assert report["new"] == 1
    by_file = {Path(f["file"]).name: f for f in report["files"]}
    assert by_file["learning.md"]["unchanged"] == 5 and by_file["todo.md"]["new"] == 1


def test_another_deck_for_an_imported_file_is_refused_not_a_silent_second_copy(
    db_path: Path, notes: Path
) -> None:
    first = run(db_path, "import", str(notes / "learning.md"), "--json").json()
    refused = run(db_path, "import", str(notes / "learning.md"), "--deck", "Other")
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "was imported under the deck" in lines[0]
    assert "sources forget" in lines[0]
    assert [c["deck"].split("::")[0] for c in run(db_path, "cards", "--json").json()] == [
        first["files"][0]["deck"]
    ] * first["new"]
    # Starting over under the other deck is one command away, as the error says.
    run(db_path, "sources", "forget", str(notes / "learning.md"))
    report = run(db_path, "import", str(notes / "learning.md"), "--deck", "Other", "--json").json()
    assert report["new"] == 5 and report["files"][0]["deck"] == "Other"


def test_bad_paths_still_fail_as_before(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes))
    missing = run(db_path, "import", str(notes), str(notes / "nope.md"))
    assert missing.exit_code == 1
    assert (
        missing.stderr.startswith("llmcards: error: ")
        and "nope.md: no such file or folder" in missing.stderr
    )
    not_a_db = db_path.parent / "not.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    broken = run(not_a_db, "import", str(notes / "nope.md"))
    assert broken.exit_code == 1 and "not a readable llmcards database" in broken.stderr


def test_a_deck_differing_only_in_inner_spaces_is_named_as_typed_when_refused(
    db_path: Path, notes: Path
) -> None:
    # Anki keeps the spaces inside a deck name: 'a   b' is another deck than 'a b', and
    # the refusal must show the two apart.
    run(db_path, "import", str(notes / "learning.md"), "--deck", "我的 笔记")
    refused = run(db_path, "import", str(notes / "learning.md"), "--deck", "我的   笔记")
    assert refused.exit_code == 1
    assert "under the deck '我的 笔记', not '我的   笔记'" in refused.stderr
