"""A bullet moved from one notes file to another of the same deck, both imported at once:
the summary tells a move (its history kept), never a card retired or a card new."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clihelp import llmcards

BEFORE = {
    "a.md": "# 模型\n\n- Dropout：随机失活\n- BPE：字节对编码\n",
    "b.md": "# 其他\n\n- Adam：自适应学习率的优化器\n",
}
AFTER = {
    "a.md": "# 模型\n\n- Dropout：随机失活\n",
    "b.md": "# 其他\n\n- Adam：自适应学习率的优化器\n- BPE：字节对编码\n",
}


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("order", [("a.md", "b.md"), ("b.md", "a.md")])
def test_a_moved_bullet_is_reported_as_moved_whichever_file_is_read_first(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    db = str(tmp_path / "cards.db")
    _write(tmp_path, BEFORE)
    paths = [str(tmp_path / name) for name in order]
    assert llmcards("--db", db, "import", *paths, "--deck", "笔记").exit_code == 0
    bpe = next(c for c in llmcards("--db", db, "cards", "--json").json() if c["front"] == "BPE")
    assert llmcards("--db", db, "rate", str(bpe["id"]), "good").exit_code == 0

    _write(tmp_path, AFTER)
    result = llmcards("--db", db, "import", *paths, "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert (report["new"], report["updated"], report["retired"]) == (0, 1, 0)
    assert report["kept_history"][0]["old"] == "模型 › BPE"
    assert report["kept_history"][0]["new"] == "其他 › BPE"
    files = {Path(f["file"]).name: f for f in report["files"]}
    assert files["a.md"]["retired"] == 0 and files["b.md"]["new"] == 0

    cards = {c["front"]: c for c in llmcards("--db", db, "cards", "--json").json()}
    assert cards["BPE"]["id"] == bpe["id"] and cards["BPE"]["reps"] == 1
    assert cards["BPE"]["deck"] == "笔记::其他"
    assert llmcards("--db", db, "cards", "--state", "retired", "--json").json() == []
    human = llmcards("--db", db, "import", *paths).stdout  # unchanged now: nothing to say
    assert "retired (kept" not in human and "relink" not in human


def test_a_card_really_retired_while_another_moves_is_still_reported(tmp_path: Path) -> None:
    db = str(tmp_path / "cards.db")
    _write(tmp_path, BEFORE)
    paths = [str(tmp_path / "a.md"), str(tmp_path / "b.md")]
    assert llmcards("--db", db, "import", *paths, "--deck", "笔记").exit_code == 0
    _write(tmp_path, {**AFTER, "a.md": "# 模型\n"})  # Dropout deleted, BPE moved
    report = llmcards("--db", db, "import", *paths, "--json").json()
    files = {Path(f["file"]).name: f for f in report["files"]}
    assert (report["retired"], files["a.md"]["retired"]) == (1, 1)
    retired = llmcards("--db", db, "cards", "--state", "retired", "--json").json()
    assert [c["front"] for c in retired] == ["Dropout"]
