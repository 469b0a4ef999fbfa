"""What imports remember about files: their deck, the files a folder lost, `sources`,
`sources forget` and `relink`."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from llmcards.importing.files import import_paths
from llmcards.store.db import open_db
from tests.cli.test_import_cli import cards_by_front, run

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_reimport_without_deck_keeps_the_deck_it_was_imported_under(
    db_path: Path, notes: Path
) -> None:
    source = notes / "learning.md"
    run(db_path, "import", str(source), "--deck", "LLM 学习笔记")
    before = cards_by_front(db_path)
    again = run(db_path, "import", str(source), "--json").json()
    assert (again["new"], again["unchanged"]) == (0, 5)
    source.write_text(source.read_text(encoding="utf-8") + "\n- 注意力：加权求和\n", "utf-8")
    edited = run(db_path, "import", str(source), "--json").json()
    assert (edited["new"], edited["files"][0]["deck"]) == (1, "LLM 学习笔记")
    decks = {d["name"] for d in run(db_path, "decks", "--json").json()}
    assert "learning" not in decks  # no second copy under a root named after the file
    after = cards_by_front(db_path)
    assert {f: after[f]["id"] for f in before} == {f: c["id"] for f, c in before.items()}


def test_the_import_api_remembers_the_deck_too(tmp_path: Path, notes: Path) -> None:
    db = open_db(tmp_path / "c.db")
    try:
        import_paths(db, [notes / "learning.md"], deck="L", now=NOW)
        report = import_paths(db, [notes / "learning.md"], deck=None, now=NOW)  # empty dialog
        assert [f.root for f in report.files] == ["L"] and report.total("new") == 0
    finally:
        db.close()


def test_a_renamed_file_keeps_its_deck(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"), "--deck", "L")
    moved = notes / "archive" / "学习.md"
    moved.parent.mkdir()
    (notes / "learning.md").rename(moved)
    report = run(db_path, "import", str(moved), "--json").json()
    assert report["files"][0]["deck"] == "L" and report["new"] == 0 and report["retired"] == 0


def test_the_same_deck_given_again_is_an_ordinary_reimport_and_another_is_refused(
    db_path: Path, notes: Path
) -> None:
    run(db_path, "import", str(notes / "learning.md"), "--deck", "L")
    report = run(db_path, "import", str(notes / "learning.md"), "--deck", "L", "--json").json()
    assert report["files"][0]["deck"] == "L" and report["new"] == 0
    other = run(db_path, "import", str(notes / "learning.md"), "--deck", "M")
    assert other.exit_code == 1 and "imported under the deck 'L', not 'M'" in other.stderr


def test_folder_import_retires_the_cards_of_files_that_are_gone(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes), "--deck", "笔记")
    gone = str((notes / "todo.md").resolve())
    (notes / "todo.md").unlink()
    result = run(db_path, "import", str(notes))
    assert result.exit_code == 0, result.stderr
    assert f"{gone} → 笔记: gone from its folder, 2 retired" in result.stdout
    assert "预训练模型（Pre-trained Model）" in result.stdout
    retired = cards_by_front(db_path, "--state", "retired")
    assert set(retired) == {"预训练模型（Pre-trained Model）", "微调模型（Fine-tuned Model）"}
    assert [s["path"] for s in run(db_path, "sources", "--json").json()] == [
        str((notes / "learning.md").resolve())
    ]
    again = run(db_path, "import", str(notes), "--json").json()
    assert again["retired"] == 0 and all(not f["gone"] for f in again["files"])


def test_folder_import_lets_a_renamed_file_keep_its_cards(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes), "--deck", "笔记")
    before = cards_by_front(db_path)
    (notes / "todo.md").rename(notes / "reading.md")
    report = run(db_path, "import", str(notes), "--json").json()
    assert (report["new"], report["retired"]) == (0, 0)
    assert {f: c["id"] for f, c in cards_by_front(db_path).items()} == {
        f: c["id"] for f, c in before.items()
    }


def test_a_file_new_to_a_folder_joins_the_folder_s_deck(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes), "--deck", "笔记")
    (notes / "later.md").write_text("- 梯度裁剪：限制梯度的范数\n", encoding="utf-8")
    report = run(db_path, "import", str(notes), "--json").json()
    decks = {Path(f["file"]).name: f["deck"] for f in report["files"]}
    assert decks["later.md"] == "笔记" and report["new"] == 1
    assert cards_by_front(db_path)["梯度裁剪"]["deck"] == "笔记"


def test_a_file_back_in_its_folder_gets_its_cards_and_history_back(
    db_path: Path, notes: Path
) -> None:
    run(db_path, "import", str(notes), "--deck", "笔记")
    before = cards_by_front(db_path)
    away = notes.parent / "todo.md.bak"
    (notes / "todo.md").rename(away)
    assert run(db_path, "import", str(notes), "--json").json()["retired"] == 2
    away.rename(notes / "todo.md")
    report = run(db_path, "import", str(notes), "--json").json()
    assert report["new"] == 0
    assert {f: c["id"] for f, c in cards_by_front(db_path).items()} == {
        f: c["id"] for f, c in before.items()
    }


def test_importing_one_file_leaves_the_folder_s_other_files_alone(
    db_path: Path, notes: Path
) -> None:
    run(db_path, "import", str(notes), "--deck", "笔记")
    (notes / "todo.md").unlink()
    report = run(db_path, "import", str(notes / "learning.md"), "--json").json()
    assert report["retired"] == 0  # only a folder import answers for the files it lost


def test_sources_lists_files_with_deck_and_counts(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"), "--deck", "L")
    run(db_path, "import", str(notes / "todo.md"))
    listed = {Path(s["path"]).name: s for s in run(db_path, "sources", "--json").json()}
    assert listed["learning.md"]["deck"] == "L" and listed["learning.md"]["cards"] == 5
    assert listed["todo.md"]["deck"] == "阅读清单" and listed["todo.md"]["deck_option"] is None
    shutil.move(notes / "todo.md", notes.parent / "elsewhere.md")
    human = run(db_path, "sources").stdout
    assert "learning.md" in human and "todo.md (gone)" in human


def test_sources_forget_retires_a_file_s_cards(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"), "--deck", "L")
    result = run(db_path, "sources", "forget", str(notes / "learning.md"))
    assert result.exit_code == 0, result.stderr
    assert "5 retired" in result.stdout
    assert cards_by_front(db_path) == {}
    assert len(cards_by_front(db_path, "--state", "retired")) == 5
    assert run(db_path, "sources", "--json").json() == []


def test_sources_forget_an_unknown_file_is_a_clear_error(db_path: Path, notes: Path) -> None:
    run(db_path, "import", str(notes / "learning.md"))
    result = run(db_path, "sources", "forget", str(notes / "todo.md"))
    assert result.exit_code == 1
    assert "no notes file imported from there" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(cards_by_front(db_path)) == 5


def _rate(db: Path, card_id: int, rating: str, at: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", at)
    result = run(db, "rate", str(card_id), rating)
    assert result.exit_code == 0, result.stderr


def test_relink_moves_history_and_replays_the_schedule(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "n.md"
    note.write_text("# NLP\n\n- Transformer：基于自注意力\n", encoding="utf-8")
    run(db_path, "import", str(note))
    (old,) = cards_by_front(db_path).values()
    _rate(db_path, old["id"], "good", "2026-11-01T08:00:00Z", monkeypatch)
    _rate(db_path, old["id"], "good", "2026-11-03T08:00:00Z", monkeypatch)
    note.write_text("# NLP\n\n- 变换器架构：编码器与解码器的堆叠\n", encoding="utf-8")
    report = run(db_path, "import", str(note), "--json").json()
    assert (report["new"], report["retired"]) == (1, 1)  # too big an edit to pair
    (new,) = cards_by_front(db_path).values()
    _rate(db_path, new["id"], "again", "2026-11-20T08:00:00Z", monkeypatch)
    result = run(db_path, "relink", str(old["id"]), str(new["id"]))
    assert result.exit_code == 0, result.stderr
    assert "Moved 2 reviews" in result.stdout
    # The same three ratings given to one card from the start, in a fresh database.
    other = tmp_path / "other.db"
    note.write_text("# NLP\n\n- 变换器架构：编码器与解码器的堆叠\n", encoding="utf-8")
    run(other, "import", str(note))
    (fresh,) = cards_by_front(other).values()
    for rating, at in (
        ("good", "2026-11-01T08:00:00Z"),
        ("good", "2026-11-03T08:00:00Z"),
        ("again", "2026-11-20T08:00:00Z"),
    ):
        _rate(other, fresh["id"], rating, at, monkeypatch)
    relinked = cards_by_front(db_path)["变换器架构"]
    expected = cards_by_front(other)["变换器架构"]
    schedule = ("state", "due", "reps", "lapses", "stability", "difficulty")
    assert {k: relinked.get(k) for k in schedule} == {k: expected.get(k) for k in schedule}
    assert relinked["reps"] == 3
    retired = cards_by_front(db_path, "--state", "retired")["Transformer"]
    assert retired["reps"] == 0  # its history lives on the other card now


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("live", "is not retired"),
        ("missing", "no card #99"),
        ("same", "given twice"),
    ],
)
def test_relink_refuses_what_it_cannot_do(
    db_path: Path, tmp_path: Path, which: str, message: str
) -> None:
    note = tmp_path / "n.md"
    note.write_text("- LSTM：长短期记忆\n- GRU：门控循环单元\n", encoding="utf-8")
    run(db_path, "import", str(note))
    ids = [c["id"] for c in cards_by_front(db_path).values()]
    args = {"live": (ids[0], ids[1]), "missing": (99, ids[1]), "same": (ids[0], ids[0])}[which]
    result = run(db_path, "relink", *map(str, args))
    assert result.exit_code == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_renamed_group_head_keeps_history_and_says_so(db_path: Path, notes: Path) -> None:
    source = notes / "todo.md"
    run(db_path, "import", str(source))
    before = cards_by_front(db_path)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("GPT，GPT-2，GPT-3 论文精读", "GPT 系列论文"), "utf-8")
    result = run(db_path, "import", str(source))
    assert result.exit_code == 0, result.stderr
    assert (
        "kept history: GPT，GPT-2，GPT-3 论文精读 › 预训练模型（Pre-trained Model） → "
        "GPT 系列论文 › 预训练模型（Pre-trained Model）"
    ) in result.stdout.replace("\n  ", " ")
    assert "0 new" in result.stdout and "0 retired" in result.stdout
    after = cards_by_front(db_path)
    assert {f: c["id"] for f, c in after.items()} == {f: c["id"] for f, c in before.items()}
    assert {c["context"] for c in after.values()} == {"GPT 系列论文"}


def test_sources_reads_the_file_without_sqlalchemy(
    db_path: Path, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.clihelp import in_fresh_python

    run(db_path, "import", str(notes / "learning.md"), "--deck", "L")
    run(db_path, "import", str(notes / "learning.md"), "--deck", "M")  # refused: one deck
    listed, loaded = in_fresh_python("--db", str(db_path), "sources", "--json")
    assert loaded == []
    (only,) = listed
    assert (only["deck"], only["deck_option"], only["exists"]) == ("L", "L", True)
    assert only["cards"] == len(cards_by_front(db_path)) and only["retired"] == 0
    from llmcards.store import fastread

    monkeypatch.setattr(fastread, "open_fast", lambda path: None)  # as for a database to migrate
    assert run(db_path, "sources", "--json").json() == listed
