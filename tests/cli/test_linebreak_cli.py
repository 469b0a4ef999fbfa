"""The commands' Rich tables wrap Chinese as the app does (`llmcards.linebreak`): between
characters, filling the line, never starting one with `，`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rich._wrap

from llmcards.linebreak import CLOSING_WIDE
from tests.clihelp import llmcards

CHAPTER = "CH.0 - 从兴趣出发而不是为了工作，每天都来翻看这一章节中的内容，它们大多没有关联"


def test_a_long_chinese_deck_name_fills_its_cell(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in a new process: Rich's own pattern, until a command puts llmcards' in place.
    monkeypatch.setattr(rich._wrap, "re_word", re.compile(r"\s*\S+\s*"))
    monkeypatch.setenv("COLUMNS", "50")
    note = tmp_path / "n.md"
    note.write_text(f"# {CHAPTER}\n\n1. LSTM：长短期记忆网络\n", encoding="utf-8")
    db = str(db_path)
    assert llmcards("--db", db, "import", str(note), "--deck", "daily-llm 笔记").exit_code == 0
    out = llmcards("--db", db, "due").stdout
    lines = out.splitlines()
    # The deck column is as wide as the table leaves it: its first line is full, and
    # the name goes on between two characters rather than after "CH.0 -".
    assert lines[1].startswith("daily-llm 笔记::CH.0 - 从兴趣出发"), out
    for line in lines:
        assert line[:1] not in CLOSING_WIDE, out
