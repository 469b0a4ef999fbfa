"""Items 7 and 8 of issue 16 for notes, and notes that ended in a traceback: clozes are
found in linear time with the old meaning, their count and numbers are bounded, deck
paths have a depth limit, and a file name that is not UTF-8 is one line."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from llmcards.cards import MAX_DECK_DEPTH
from llmcards.notes import parse_note
from llmcards.notes.cloze import MAX_CLOZES, clozes, reveal_all
from tests.clihelp import llmcards
from tests.hostile.helpers import assert_one_line_error, make_db, rows

# The pattern the cloze finder replaced: the meaning to keep, on inputs small enough
# for its backtracking.
OLD = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


def _old_reveal_all(markdown: str) -> str:
    return OLD.sub(lambda m: m.group(2), markdown)


def _old_numbers(markdown: str) -> list[int]:
    return sorted({int(m.group(1)) for m in OLD.finditer(markdown)})


PIECES = st.sampled_from(
    ["{{c", "{{c1::", "{{c2::", "}}", "::", ":", "}", "{", "1", "a", "词", "\n", " "]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_clozes_mean_what_the_old_pattern_meant(markdown: str) -> None:
    assert reveal_all(markdown) == _old_reveal_all(markdown)
    assert [c.ord for c in clozes(markdown)] == _old_numbers(markdown)


def test_unclosed_clozes_import_at_once(tmp_path: Path) -> None:
    """2,000 `{{c1::` without `}}` (12 KB) took ~3 minutes; bench/bench_hostile.py times it."""
    db = make_db(tmp_path, "1. 开放：" + "{{c1::" * 2000 + "\n2. 普通：答案\n")
    assert len(rows(db)) > 0


def test_too_many_clozes_in_one_note_are_passed_over_and_reported(tmp_path: Path) -> None:
    many = " ".join(f"{{{{c{i}::词{i}}}}}" for i in range(1, MAX_CLOZES + 50))
    note = tmp_path / "many.md"
    note.write_text(f"# 多\n\n{many}\n\n1. 普通：答案\n", encoding="utf-8")
    result = llmcards("--db", str(tmp_path / "c.db"), "import", str(note), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["new"] == 1
    assert [s["reason"] for s in report["skipped"]] == [
        f"{MAX_CLOZES + 49} cloze numbers in one note, more than {MAX_CLOZES}"
    ]


def test_a_cloze_number_past_64_bits_is_one_line(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    note = tmp_path / "big.md"
    note.write_text(
        "# 大\n\n第一行\n\n这是 {{c99999999999999999999::太大}} 的编号\n", encoding="utf-8"
    )
    before = rows(db)
    line = assert_one_line_error(
        llmcards("--db", str(db), "import", str(note)), "big.md:5", "cloze number", "c1 to c999"
    )
    assert "99999999999999999999" not in line or "…" in line
    assert rows(db) == before


def test_deck_depth_is_capped_with_a_clear_error(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    deep = "::".join(f"层{i}" for i in range(1000))
    note = tmp_path / "deep.md"
    note.write_text(f"---\ntitle: {deep}\n---\n\n1. 术语：答案\n", encoding="utf-8")
    before = rows(db)
    assert_one_line_error(llmcards("--db", str(db), "import", str(note)), "deep.md", "1000 levels")
    plain = note.with_name("plain.md")
    plain.write_text("1. 术语：答案\n", encoding="utf-8")
    assert_one_line_error(
        llmcards("--db", str(db), "import", str(plain), "--deck", deep), "1000 levels"
    )
    assert rows(db) == before
    ok = "::".join(f"层{i}" for i in range(MAX_DECK_DEPTH))
    assert llmcards("--db", str(db), "import", str(note), "--deck", ok).exit_code == 0


def test_a_file_name_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "good.md").write_text("1. 术语：答案\n", encoding="utf-8")
    bad = os.fsencode(folder) + b"/\xff\xfe-latin1-\xe9.md"
    with open(bad, "wb") as handle:
        handle.write("1. 另一个：答案\n".encode())
    before = rows(db)
    assert_one_line_error(
        llmcards("--db", str(db), "import", str(folder)), "not valid UTF-8", "rename"
    )
    assert rows(db) == before


def test_parse_note_is_unchanged_for_ordinary_clozes() -> None:
    note = parse_note(
        "Transformer 用 {{c1::自注意力::机制}} 代替循环，用 {{c2::位置编码}} 表示顺序。\n"
    )
    assert [(c.cloze_ord, c.front) for c in note.cards] == [
        (1, "Transformer 用 [机制] 代替循环，用 位置编码 表示顺序。"),
        (2, "Transformer 用 自注意力 代替循环，用 [...] 表示顺序。"),
    ]
