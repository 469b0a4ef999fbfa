"""Tables for a pipe: one record per line, whole, columns padded by display width.

Rich wraps (or folds) a cell to the console's width, and a pipe's width is a guessed
80 columns: a long path or deck name became two or three lines, which `grep`, `wc -l`
or `cut` then take for records. Written this way, every line is one record, as in
`llmcards cards`; a terminal still gets Rich's table, fitted to its width.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

GAP = "  "


def table_lines(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> list[str]:
    """The header and `rows` as lines; the columns numbered in `right` aligned right.
    Cells are plain text (no markup), made printable by the caller."""
    from rich.cells import cell_len

    table = [header, *rows]
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for row in table:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - cell_len(cell))
            cells.append(pad + cell if i in right else cell + pad)
        lines.append(GAP.join(cells).rstrip())
    return lines


def write_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> None:
    sys.stdout.write("".join(line + "\n" for line in table_lines(header, rows, right=right)))


def piped() -> bool:
    """Whether stdout goes to a pipe or a file rather than a terminal."""
    return not sys.stdout.isatty()
