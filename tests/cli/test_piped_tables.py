"""`sources` and `decks` into a pipe: one record per line, never folded at 80 columns
(as `cards`), so grep, wc -l and cut see whole records."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from tests.clihelp import llmcards

TITLE = "LLM 学习笔记：深度学习与大语言模型的基础知识与进阶内容总结"
NOTE = f"""\
---
title: "{TITLE}"
---

# 注意力机制与位置编码以及各种变体的详细讨论

## Transformer 编码器与解码器结构

- LSTM：长短期记忆网络，用输入门、遗忘门和输出门控制信息流
- GRU：门控循环单元，只有更新门和重置门
"""


def deep_note(tmp_path: Path) -> Path:
    folder = tmp_path.joinpath(
        "notes", "long", "folder", "names", "学习笔记", "深度学习与大语言模型"
    )
    folder.mkdir(parents=True)
    note = folder / "transformer-and-recurrent-networks.md"
    note.write_text(NOTE, encoding="utf-8")
    return note


def test_sources_piped_is_one_whole_line_per_file(tmp_path: Path) -> None:
    db, note = str(tmp_path / "cards.db"), deep_note(tmp_path)
    assert llmcards("--db", db, "import", str(note)).exit_code == 0
    lines = llmcards("--db", db, "sources").stdout.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].split() == ["File", "Deck", "Cards", "Retired"]
    assert lines[1].startswith(f"{note}  ") and lines[1].split()[-2:] == ["2", "0"]
    assert TITLE in lines[1]
    note.unlink()
    assert llmcards("--db", db, "sources").stdout.splitlines()[1].startswith(f"{note} (gone)")


def test_decks_piped_is_one_whole_line_per_deck(tmp_path: Path) -> None:
    db = str(tmp_path / "cards.db")
    assert llmcards("--db", db, "import", str(deep_note(tmp_path))).exit_code == 0
    lines = llmcards("--db", db, "decks").stdout.splitlines()
    assert [line.split()[-4:] for line in lines] == [["Cards", "New", "Learn", "Due"]] + [
        ["2", "2", "0", "0"]
    ] * 3
    assert lines[1].startswith(TITLE) and lines[2].startswith("  注意力机制")
    assert lines[3].startswith("    Transformer 编码器与解码器结构  ")
    # padded by display width (CJK counts twice): the counts line up under their titles
    assert len({cell_len(line) for line in lines}) == 1
