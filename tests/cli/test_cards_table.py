"""`llmcards cards` prints a plain table: one whole line per card in a pipe (fast at any
size: see bench/bench_cards_table.py), cut to the width and paged in a terminal."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tests.clihelp import llmcards

LONG = "Transformer 的自注意力：" + "每个位置都看所有位置，" * 12
NOTES = f"""\
# NLP

1. LSTM：三个门
2. [/] 和 [b]粗体[/b]：不是标记
3. {LONG}

# 强化学习

1. PPO：clip
"""


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    notes = tmp_path / "n.md"
    notes.write_text(NOTES, encoding="utf-8")
    path = str(tmp_path / "cards.db")
    assert llmcards("--db", path, "import", str(notes), "--deck", "学习").exit_code == 0
    return path


def test_a_pipe_gets_one_whole_line_per_card_in_aligned_columns(db: str) -> None:
    result = llmcards("--db", db, "cards")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    cards = llmcards("--db", db, "cards", "--json").json()
    assert len(lines) == len(cards) + 2 and lines[-1] == f"{len(cards)} cards"
    assert lines[0].split() == ["ID", "Deck", "State", "Due", "Front"]
    body = {int(line.split()[0]): line for line in lines[1:-1]}
    assert body.keys() == {c["id"] for c in cards}
    for card in cards:
        line = body[card["id"]]
        assert line.endswith(" ".join(card["front"].split())), line  # whole, markup as written
        assert card["deck"] in line
    # the State column starts at the same display column on every line (CJK counts twice)
    starts = {cell_len(line[: line.index(" new")]) for line in lines[1:-1]}
    assert len(starts) == 1


def test_a_terminal_gets_lines_cut_to_its_width_and_a_pager_for_a_long_list(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcards.cli import card_table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    paged: list[str] = []
    monkeypatch.setattr("pydoc.pager", paged.append)
    monkeypatch.setattr(card_table.shutil, "get_terminal_size", lambda: os.terminal_size((50, 4)))
    screen = Terminal()
    monkeypatch.setattr(card_table.sys, "stdout", screen)
    rows = _rows(db)
    card_table.print_cards(rows)
    assert screen.getvalue() == ""  # more lines than the terminal has: paged
    (text,) = paged
    lines = text.splitlines()
    assert all(cell_len(line) <= 50 for line in lines)
    assert any(line.endswith("…") for line in lines)  # the long front, cut
    monkeypatch.setattr(card_table.shutil, "get_terminal_size", lambda: os.terminal_size((50, 40)))
    card_table.print_cards(rows)  # fits: printed straight away
    assert screen.getvalue().splitlines() == lines


def _rows(db: str) -> list[Any]:
    from llmcards.store.db import open_db
    from llmcards.store.queries import list_cards

    database = open_db(Path(db))
    try:
        with database.read() as conn:
            return list_cards(conn)
    finally:
        database.close()


def test_long_deck_names_are_shortened_so_lines_still_fit_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcards.cli import card_table

    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    notes = tmp_path / "n.md"
    notes.write_text("# 序列模型与参数量的计算方法\n\n1. LSTM：三个门\n", encoding="utf-8")
    path = str(tmp_path / "cards.db")
    deck = "入门：Transformer、BERT 与 GPT 的学习笔记"
    assert llmcards("--db", path, "import", str(notes), "--deck", deck).exit_code == 0
    lines = card_table.card_lines(_rows(path), 60)
    assert all(cell_len(line) <= 60 for line in lines), lines
    (card,) = lines[1:-1]
    _ident, deck_shown, state, front = card.split(maxsplit=3)
    assert state == "new" and front.startswith("序列模型")  # the front still shows
    assert deck_shown.startswith("…") and deck_shown.endswith("计算方法")  # the deck's tail
    assert all(cell_len(line) <= 30 for line in card_table.card_lines(_rows(path), 30))


SIBLINGS = """\
# 模型规模

- GPT 系列
  1. {{c1::GPT-1}}、{{c2::GPT-2}}、{{c3::GPT-3}} 的参数量分别约 {{c4::117M}}、{{c5::1.5B}}、{{c6::175B}}
"""


def test_cut_to_a_narrow_terminal_cards_of_one_sentence_still_read_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cloze siblings share their sentence (and here a long context): cut at the end, a
    # 40-column list showed the same words on every row. Each row now shows its blank.
    from llmcards.cli.card_table import card_lines
    from llmcards.store.card_list import list_cards
    from llmcards.store.fastread import raw_connection
    from llmcards.store.unchanged import stdlib_query

    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:00:00+08:00")
    notes = tmp_path / "n.md"
    notes.write_text(SIBLINGS, encoding="utf-8")
    db = tmp_path / "cards.db"
    assert llmcards("--db", str(db), "import", str(notes), "--deck", "学习").exit_code == 0
    with raw_connection(db) as conn:
        rows = list_cards(stdlib_query(conn))
    assert len(rows) == 6 and all(row.kind == "cloze" for row in rows)
    lines = card_lines(list(rows), width=60)[1:-1]
    assert all(cell_len(line) <= 60 for line in lines)
    fronts = [line[line.index("new") + 3 :].strip() for line in lines]
    assert len(set(fronts)) == 6, fronts
    assert all("[...]" in front for front in fronts), fronts
