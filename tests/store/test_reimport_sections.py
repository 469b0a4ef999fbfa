"""A re-import by sections (llmcards.importing.reimport) stores and reports exactly what reading
the whole note stores and reports, from the same database, for many random edits."""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from llmcards.errors import NoteError
from llmcards.importing.files import ImportReport, import_paths
from llmcards.store.db import open_db

FIXTURE = Path(__file__).parent / "fixtures" / "sectioned.md"
START = datetime(2026, 12, 1, 8, tzinfo=UTC)


def _import(db_path: Path, notes: Path, when: datetime, *, by_sections: bool) -> ImportReport:
    db = open_db(db_path)
    try:
        return import_paths(db, [notes], now=when, by_sections=by_sections)
    finally:
        db.close()


def _copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _tables(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db_path) as conn:
        return {
            name: conn.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()
            for name in ("card", "review_log", "source", "deck")
        }


def _printed(report: ImportReport) -> dict[str, Any]:
    """Everything of the report a user can see, as data."""
    (file,) = report.files
    return {
        "json": report.as_json(),
        "new": [d.front for d in file.new_drafts],
        "updated": [d.front for d in file.updated_drafts],
        "retired": list(zip(file.retired_fronts, file.retired_ids, strict=False)),
        "kept": file.kept,
        "warnings": file.warnings,
        "skipped": file.skipped,
    }


def _review_some(db_path: Path, rng: random.Random, when: datetime) -> None:
    """Some history on some cards: whatever the import does, it must keep it."""
    with sqlite3.connect(db_path) as conn:
        ids = [i for (i,) in conn.execute("SELECT id FROM card WHERE retired = 0")]
        for card_id in rng.sample(ids, min(4, len(ids))):
            conn.execute("UPDATE card SET reps = reps + 1, state = 2 WHERE id = ?", (card_id,))
            conn.execute(
                "INSERT INTO review_log (card_id, rating, reviewed_at, duration_ms, state_before,"
                " state_after, card_before, origin) VALUES (?, 3, ?, 1000, 0, 2, '{}', 'llmcards')",
                (card_id, when.strftime("%Y-%m-%d %H:%M:%S.%f")),
            )


# -- random edits of a note's lines, in the seeds' style ------------------------------

Edit = Callable[[list[str], random.Random], None]


def _pick(lines: list[str], rng: random.Random, test: Callable[[str], bool]) -> int | None:
    found = [i for i, line in enumerate(lines) if test(line)]
    return rng.choice(found) if found else None


def edit_answer(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, lambda line: "：" in line)
    if i is not None:
        lines[i] += rng.choice(["（已修改）", "，再补一句", "。"])


def edit_front(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, lambda line: "：" in line)
    if i is not None:
        head, _, rest = lines[i].partition("：")
        lines[i] = f"{head} 改{rng.randrange(3)}：{rest}"


def insert_bullet(lines: list[str], rng: random.Random) -> None:
    term = rng.choice(["Dropout", "作用", "BERT", "新术语", "注意力机制（Attention Mechanism）"])
    lines.insert(rng.randrange(len(lines) + 1), f"- {term}：新加的答案 {rng.randrange(5)}")


def insert_two(lines: list[str], rng: random.Random) -> None:
    """A new front, then one that the note already has elsewhere: the new cards and the
    report list them in order of each front's first appearance in the whole note."""
    at = rng.randrange(len(lines) + 1)
    lines[at:at] = [
        "",
        f"- 新概念 {rng.randrange(3)}：新的答案",
        "- 注意力机制（Attention Mechanism）：另一个答案",
        "",
    ]


def delete_line(lines: list[str], rng: random.Random) -> None:
    if lines:
        del lines[rng.randrange(len(lines))]


def insert_heading(lines: list[str], rng: random.Random) -> None:
    level = "#" * rng.randint(1, 3)
    lines[rng.randrange(len(lines) + 1) : 0] = ["", f"{level} 新标题 {rng.randrange(3)}", ""]


def delete_heading(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, lambda line: line.startswith("#"))
    if i is not None:
        del lines[i]


def rename_heading(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, lambda line: line.startswith("#"))
    if i is not None:
        lines[i] = lines[i] + rng.choice(["（续）", " 2", "？"])


def move_line(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, lambda line: line.startswith(("- ", "1. ", "2. ")))
    if i is not None:
        line = lines.pop(i)
        lines.insert(rng.randrange(len(lines) + 1), line)


def open_fence(lines: list[str], rng: random.Random) -> None:
    lines.insert(rng.randrange(len(lines) + 1), "```")


def link_definition(lines: list[str], rng: random.Random) -> None:
    lines[rng.randrange(len(lines) + 1) : 0] = ["", "[Dropout]: https://example.com/dropout", ""]


def duplicate_section(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, lambda line: line.startswith("## "))
    if i is not None:
        end = next((k for k in range(i + 1, len(lines)) if lines[k].startswith("#")), len(lines))
        lines[end:end] = lines[i:end]


def question_heading(lines: list[str], rng: random.Random) -> None:
    at = rng.randrange(len(lines) + 1)
    lines[at:at] = ["", "### 为什么要归一化？", "", "让每层的输入分布稳定。", ""]


def glue_item(lines: list[str], rng: random.Random) -> None:
    i = _pick(lines, rng, lambda line: line.startswith("3. "))
    if i is not None:
        lines[i + 1 : i + 1] = ["![img](https://example.com/a.png)", "4. 新的第四项：答案"]


EDITS: list[tuple[Edit, int]] = [
    (edit_answer, 8),
    (edit_front, 4),
    (insert_bullet, 4),
    (insert_two, 2),
    (delete_line, 3),
    (insert_heading, 2),
    (delete_heading, 2),
    (rename_heading, 2),
    (move_line, 3),
    (duplicate_section, 2),
    (question_heading, 1),
    (open_fence, 1),
    (link_definition, 1),
    (glue_item, 1),
]


def _edited(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        edit = rng.choices([e for e, _w in EDITS], [w for _e, w in EDITS])[0]
        edit(lines, rng)
    return "\n".join(lines)


# How the note is saved: the section reader takes the file's own bytes as the body's
# only when they are (UTF-8, LF line ends, no front matter); the fixture has front matter.
SAVED = {
    "plain": lambda text: re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S).encode("utf-8"),
    "front matter": lambda text: text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
}


@pytest.mark.parametrize(("saved", "seeds"), [("plain", 30), ("front matter", 10), ("crlf", 6)])
def test_a_re_import_by_sections_stores_and_reports_what_reading_it_all_does(
    tmp_path: Path, saved: str, seeds: int
) -> None:
    notes = tmp_path / "深度学习.md"
    fast, whole = tmp_path / "fast.db", tmp_path / "whole.db"
    by_sections = 0
    rounds = 0
    for seed in range(seeds):
        rng = random.Random(seed)
        text = FIXTURE.read_text(encoding="utf-8")
        notes.write_bytes(SAVED[saved](text))
        fast.unlink(missing_ok=True)
        _import(fast, notes, START, by_sections=True)
        for step in range(4):
            when = START + timedelta(days=step + 1)
            _review_some(fast, rng, when - timedelta(hours=1))
            _copy(fast, whole)
            text = _edited(text, rng)
            notes.write_bytes(SAVED[saved](text))
            quick = _import(fast, notes, when, by_sections=True)
            slow = _import(whole, notes, when, by_sections=False)
            assert slow.files[0].sections_read is None
            context = f"seed {seed}, step {step}:\n{text}"
            assert _printed(quick) == _printed(slow), context
            assert _tables(fast) == _tables(whole), context
            rounds += 1
            by_sections += quick.files[0].sections_read is not None
    # Most edits are read by sections: the comparison is not between two whole reads.
    assert by_sections >= rounds // 2, (by_sections, rounds)


OTHER = """---
title: 深度学习笔记
---

# 其他

- 蒸馏 Distillation：用大模型教小模型
- 剪枝 Pruning：去掉不重要的权重
"""


def test_bullets_moved_between_files_come_out_as_a_whole_re_import(tmp_path: Path) -> None:
    """Two files of one deck, bullets moving between them, imported in either order:
    a card retired by one file is taken up again by the other (rank 3), a reviewed card
    takes the place of its fresh copy (store.moved), exactly as reading it all does."""
    first, second = tmp_path / "深度学习.md", tmp_path / "其他.md"
    fast, whole = tmp_path / "fast.db", tmp_path / "whole.db"
    by_sections = 0
    for seed in range(12):
        rng = random.Random(seed)
        texts = {first: FIXTURE.read_text(encoding="utf-8"), second: OTHER}
        fast.unlink(missing_ok=True)
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8")
            _import(fast, path, START, by_sections=True)
        for step in range(5):
            when = START + timedelta(days=step + 1)
            _review_some(fast, rng, when - timedelta(hours=1))
            source, target = rng.sample([first, second], 2)
            lines = texts[source].split("\n")
            i = _pick(lines, rng, lambda line: line.startswith(("- ", "1. ", "2. ")))
            if i is not None:
                moved = lines.pop(i)
                texts[source] = "\n".join(lines)
                texts[target] = texts[target].rstrip("\n") + f"\n{moved}\n"
            for path in rng.sample([first, second], 2):  # either order
                path.write_text(texts[path], encoding="utf-8")
                _copy(fast, whole)
                quick = _import(fast, path, when, by_sections=True)
                slow = _import(whole, path, when, by_sections=False)
                context = f"seed {seed}, step {step}, {path.name}"
                assert _printed(quick) == _printed(slow), context
                assert _tables(fast) == _tables(whole), context
                by_sections += quick.files[0].sections_read is not None
    assert by_sections >= 30, by_sections


def test_one_edited_answer_is_read_by_its_section_alone(tmp_path: Path) -> None:
    notes = tmp_path / "深度学习.md"
    db_path = tmp_path / "cards.db"
    text = FIXTURE.read_text(encoding="utf-8")
    notes.write_text(text, encoding="utf-8")
    _import(db_path, notes, START, by_sections=True)
    notes.write_text(text.replace("只有更新门和重置门", "更新门与重置门"), encoding="utf-8")
    report = _import(db_path, notes, START + timedelta(days=1), by_sections=True)
    (file,) = report.files
    assert file.sections_read == 1
    assert [d.front for d in file.updated_drafts] == ["GRU 单元"]
    assert (file.new, file.retired) == (0, 0)
    assert file.unchanged > 20
    with sqlite3.connect(db_path) as conn:
        (back,) = conn.execute("SELECT back FROM card WHERE front = 'GRU 单元'").fetchone()
    assert back == "更新门与重置门"


def test_a_card_changed_outside_the_import_makes_the_next_one_read_it_all(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "深度学习.md"
    db_path = tmp_path / "cards.db"
    text = FIXTURE.read_text(encoding="utf-8")
    notes.write_text(text, encoding="utf-8")
    _import(db_path, notes, START, by_sections=True)
    with sqlite3.connect(db_path) as conn:  # as an edit in the study screen would
        conn.execute("UPDATE card SET back = '手改的答案' WHERE front = 'Adam'")
    notes.write_text(text.replace("随机梯度下降", "随机梯度下降法"), encoding="utf-8")
    report = _import(db_path, notes, START + timedelta(days=1), by_sections=True)
    assert report.files[0].sections_read is None
    assert "Adam" in [d.front for d in report.files[0].updated_drafts]


def test_a_failure_midway_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import llmcards.store.narrow as narrow

    notes = tmp_path / "深度学习.md"
    db_path = tmp_path / "cards.db"
    text = FIXTURE.read_text(encoding="utf-8")
    notes.write_text(text, encoding="utf-8")
    _import(db_path, notes, START, by_sections=True)
    before = _tables(db_path)

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise NoteError(str(notes), "cannot be stored")

    # Fails after the unchanged sections' cards have moved (a line was added above them).
    monkeypatch.setattr(narrow, "write_groups", failing)
    notes.write_text(text.replace("1. LSTM：", "0. 新的一行\n1. LSTM：改过 "), encoding="utf-8")
    with pytest.raises(NoteError):
        _import(db_path, notes, START + timedelta(days=1), by_sections=True)
    assert _tables(db_path) == before


KILLED_MIDWAY = """
import os, signal, sys
from datetime import UTC, datetime
import llmcards.store.narrow as narrow
from llmcards.importing.files import import_paths
from llmcards.store.db import open_db

def killed(*args, **kwargs):  # the unchanged cards have moved; nothing else is written yet
    os.kill(os.getpid(), signal.SIGKILL)

narrow.write_groups = killed
db = open_db(__import__("pathlib").Path(sys.argv[1]))
import_paths(db, [sys.argv[2]], now=datetime(2026, 12, 2, tzinfo=UTC))
"""


def test_kill_9_in_the_middle_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    import subprocess
    import sys

    notes = tmp_path / "深度学习.md"
    db_path = tmp_path / "cards.db"
    text = FIXTURE.read_text(encoding="utf-8")
    notes.write_text(text, encoding="utf-8")
    _import(db_path, notes, START, by_sections=True)
    before = _tables(db_path)
    notes.write_text(text.replace("1. LSTM：", "0. 新的一行\n1. LSTM：改过 "), encoding="utf-8")
    child = subprocess.run(
        [sys.executable, "-c", KILLED_MIDWAY, str(db_path), str(notes)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == -9, child.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert _tables(db_path) == before
    # And the next import, by sections, is the whole re-import's.
    report = _import(db_path, notes, START + timedelta(days=1), by_sections=True)
    assert report.files[0].sections_read is not None
    assert [d.front for d in report.files[0].updated_drafts] == ["LSTM"]


def test_new_cards_are_listed_where_their_front_first_appears_now(tmp_path: Path) -> None:
    """A new card whose front also stands in an unchanged section further down: the
    report lists it at its place in the note as it is now, after the items inserted
    above that section (its old place would put it among them)."""
    notes = tmp_path / "深度学习.md"
    term = "注意力机制（Attention Mechanism）"
    notes.write_text(
        f"# 基础\n\n- 损失函数：一\n\n# 结构\n\n- {term}：旧的\n\n# 训练\n\n- 优化器：一\n",
        encoding="utf-8",
    )
    fast, whole = tmp_path / "fast.db", tmp_path / "whole.db"
    _import(fast, notes, START, by_sections=True)
    _copy(fast, whole)
    inserted = "".join(f"- 新概念 {i}：一\n" for i in range(4))
    notes.write_text(
        f"# 基础\n\n{inserted}- 损失函数：一\n- {term}：新的\n\n"
        f"# 结构\n\n- {term}：旧的\n\n# 训练\n\n- 优化器：一\n",
        encoding="utf-8",
    )
    later = START + timedelta(days=1)
    by_sections = _import(fast, notes, later, by_sections=True)
    read_all = _import(whole, notes, later, by_sections=False)
    assert by_sections.files[0].sections_read is not None  # read by sections, not whole
    assert [d.front for d in by_sections.files[0].new_drafts] == [
        "新概念 0",
        "新概念 1",
        "新概念 2",
        "新概念 3",
        term,
    ]
    assert _printed(by_sections) == _printed(read_all)
    assert _tables(fast) == _tables(whole)
