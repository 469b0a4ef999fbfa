"""`llmcards cards` as a plain text table: one line per card, at any size, in moments.

A Rich table measures and wraps every cell (11.7 s for 13.5k cards); these lines are
padded by display width (CJK characters count twice) and written as they are. In a
terminal the fronts are cut to the width and a long list goes through the pager
($PAGER, else `less`), as `git log` does; in a pipe every line is whole, for grep.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

from llmcards.cards import CONTEXT_SEP, STATE_NAMES
from llmcards.shorten import card_cells, tail
from llmcards.textsafe import printable
from llmcards.wording import counted

HEADER = ("ID", "Deck", "State", "Due", "Front")
MIN_FRONT = 20  # cells of the front a terminal shows at least, before the deck is shortened
_GAP = "  "


def card_lines(rows: list[Any], width: int | None = None) -> list[str]:
    """The table's lines; with `width`, each front is cut to fit it."""
    from rich.cells import cell_len, set_cell_size

    from llmcards import clock
    from llmcards.clock import local_zone

    zone = local_zone()
    now = clock.now()
    cells = [HEADER, *(_cells(r, zone, now) for r in rows)]
    fronts = [("", HEADER[4], False), *(_front(r) for r in rows)]
    # Decks and states repeat: each is measured and padded once.
    decks = {row[1] for row in cells}
    widths = [
        max(len(row[0]) for row in cells),
        max(cell_len(deck) for deck in decks),
        max(len(row[2]) for row in cells),
        max(len(row[3]) for row in cells),
    ]
    if width is not None:
        # Long deck paths give way to the front: the deck keeps its most specific end.
        others = sum(widths) - widths[1] + len(_GAP) * len(widths)
        widths[1] = max(min(widths[1], 8), min(widths[1], width - others - MIN_FRONT))
    padded_deck = {deck: set_cell_size(tail(deck, widths[1]), widths[1]) for deck in decks}
    room = None if width is None else max(10, width - sum(widths) - len(_GAP) * len(widths))
    lines = []
    for (ident, deck, state, due, front), (context, own, cloze) in zip(cells, fronts, strict=True):
        if room is not None and cell_len(front) > room:
            # What tells cards apart is kept: the front before the context, a blank.
            context, own = card_cells(context, own, room, sep=CONTEXT_SEP, cloze=cloze)
            front = f"{context}{CONTEXT_SEP}{own}" if context else own
        line = _GAP.join(
            (
                ident.ljust(widths[0]),
                padded_deck[deck],
                state.ljust(widths[2]),
                due.ljust(widths[3]),
                front,
            )
        )
        line = line.rstrip()
        if width is not None and cell_len(line) > width:  # a very narrow terminal
            line = set_cell_size(line, width - 1) + "…"
        lines.append(line)
    lines.append(counted(len(rows), "card"))
    return lines


def print_cards(rows: list[Any]) -> None:
    if not rows:
        sys.stdout.write("No cards match.\n")
        return
    if not sys.stdout.isatty():
        _write(card_lines(rows))
        return
    size = shutil.get_terminal_size()
    lines = card_lines(rows, size.columns)
    if len(lines) < size.lines or os.environ.get("PAGER") == "":
        _write(lines)
        return
    import pydoc

    os.environ.setdefault("LESS", "FRX")  # quit if one screen, keep it on screen, no colour
    pydoc.pager("\n".join(lines))


def _write(lines: Iterable[str]) -> None:
    out = sys.stdout
    for line in lines:
        out.write(line)
        out.write("\n")


def _cells(row: Any, zone: tzinfo | None, now: datetime) -> tuple[str, str, str, str, str]:
    state = STATE_NAMES.get(row.state, "?")
    if row.suspended:
        state += " suspended"
    if row.retired:
        state += " retired"
    if row.buried(now):
        state += " buried"
    due = row.due.astimezone(zone).strftime("%Y-%m-%d %H:%M") if row.due else ""
    context, front, _cloze = _front(row)
    shown = f"{context}{CONTEXT_SEP}{front}" if context else front
    return (str(row.id), printable(row.deck), state, due, shown)


def _front(row: Any) -> tuple[str, str, bool]:
    """(context, front, is a cloze) as one line each, nothing a terminal would take for a
    command."""
    return (
        printable(" ".join(row.context.split())),
        printable(" ".join(row.front.split())),
        row.kind == "cloze",
    )
