"""Rule 9: each body row of a table outside any list item is a card; the header row
is its context and the row's other cells, under their headers, its answer."""

from __future__ import annotations

import re

from llmcards.cards import SkipCategory
from llmcards.notes import pieces as P
from llmcards.notes.content import pieces_flags
from llmcards.notes.frames import Out
from llmcards.notes.fronts import is_todo
from llmcards.notes.plain import plain
from llmcards.notes.source import Source

MAX_CELL_FRONT = 80
_NUMBER_OR_SYMBOL = re.compile(r"[\d\s.,%+\-–—×x*/#()（）:：~≈<>=]*|\W+")


class Table:
    """Cells of a table being walked: (inline pieces, Markdown source) per cell."""

    __slots__ = ("head", "rows", "starts")

    def __init__(self) -> None:
        self.head: list[tuple[list[P.Piece], str]] = []
        self.rows: list[list[tuple[list[P.Piece], str]]] = []
        self.starts: list[int] = []  # byte where each body row starts

    def new_row(self, start: int) -> None:
        self.rows.append([])
        self.starts.append(start)

    def add_cell(self, pieces: list[P.Piece], markdown: str) -> None:
        (self.rows[-1] if self.rows else self.head).append((pieces, markdown))


def table_outs(table: Table, source: Source, path: tuple[str, ...]) -> list[Out | None]:
    if len(table.head) < 2:
        return []  # a one-column table is a list, not questions and answers
    names = [plain(pieces) for pieces, _ in table.head]
    context = " | ".join(names)
    outs: list[Out | None] = []
    for row, start in zip(table.rows, table.starts, strict=True):
        if not row:
            continue
        line = source.line_of(start)
        front = plain(row[0][0])
        passed = _passed_over(front, row[1:])
        if passed is not None:
            if front:
                reason, category = passed
                outs.append(Out(False, front, line, path, reason=reason, category=category))
            continue
        out = Out(True, front, line, path, back=_answer(table.head[1:], row[1:]))
        out.context.append(context)
        outs.append(out)
    return outs


def _passed_over(
    front: str, others: list[tuple[list[P.Piece], str]]
) -> tuple[str, SkipCategory] | None:
    """Why a row makes no card (and how it is reported), or None."""
    if is_todo(front):
        return "a to-do, not a front", "todo-list"
    if not front or _NUMBER_OR_SYMBOL.fullmatch(front):
        return "table row: first cell is only a number or a symbol", "statement"
    if len(front) > MAX_CELL_FRONT:
        return f"front longer than {MAX_CELL_FRONT} characters", "front-too-long"
    flags = 0
    for pieces, _ in others:
        flags |= pieces_flags(pieces)
    if flags & (P.HAS_TEXT | P.HAS_IMAGE):
        return None
    if flags:
        return "answer is only links", "only-links"
    return "no answer", "term"


def _answer(head: list[tuple[list[P.Piece], str]], cells: list[tuple[list[P.Piece], str]]) -> str:
    names = [markdown for _, markdown in head]
    values = [markdown for _, markdown in cells]
    values += [""] * (len(names) - len(values))
    return "\n".join(
        [
            "| " + " | ".join(names) + " |",
            "|" + " --- |" * len(names),
            "| " + " | ".join(values[: len(names)]) + " |",
        ]
    )
