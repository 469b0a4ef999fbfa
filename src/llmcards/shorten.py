"""A card named in a few terminal cells (`context › front`), keeping what tells it apart.

Cards cut from one sentence (cloze siblings) or sharing a long context differ only
further on: cut at the end, three rows of a list read the same. So the front gets most
of the room, the context what is left, and a cloze's front is shown around its blank.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size

ELLIPSIS = "…"
_MIN_CONTEXT = 6  # cells: less than this says nothing, the front takes it all


def card_cells(context: str, front: str, width: int, *, sep: str, cloze: bool) -> tuple[str, str]:
    """(context, front) cut so that `context + sep + front` fits in `width` cells; the
    context is "" when there is no room for it."""
    if not context:
        return "", fit_front(front, width, cloze=cloze)
    if cell_len(context) + cell_len(sep) + cell_len(front) <= width:
        return context, front
    room = width - cell_len(sep)
    front_room = max(room - cell_len(context), room * 2 // 3)
    front = fit_front(front, front_room, cloze=cloze)
    context_room = room - cell_len(front)
    if context_room < _MIN_CONTEXT:
        return "", fit_front(front, width, cloze=cloze)
    return _head(context, context_room), front


def fit_front(front: str, width: int, *, cloze: bool) -> str:
    """`front` in `width` cells: its start, or for a cloze the stretch around its blank
    (`[...]` or `[hint]`), which is what sets one sibling apart from the others."""
    if cell_len(front) <= width:
        return front
    blank = front.find("[") if cloze else -1
    if blank < 0 or cell_len(front[:blank]) + 4 <= width:
        return _head(front, width)
    before = tail(front[:blank], max(width // 3, 2))
    return _head(before + front[blank:], width)


def _head(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)) + ELLIPSIS


def tail(text: str, width: int) -> str:
    """The end of `text` in `width` cells, marked with "…" at its start."""
    if cell_len(text) <= width:
        return text
    kept = ""
    for char in reversed(text):
        if cell_len(char + kept) > width - 1:
            break
        kept = char + kept
    return ELLIPSIS + kept


PATH_SEP = " › "
_MIN_PART = 6  # cells of the last part worth showing after "… › "


def fit_path(parts: Sequence[str], width: int, *, sep: str = PATH_SEP) -> str:
    """A deck path (`Root › Sub › Topic`) in `width` cells, keeping its most specific end:
    leading parts give way to `…` (`… › Sub › Topic`), then the last part is cut at its
    end (`… › Topic na…`)."""
    if width <= 0 or not parts:
        return ""
    whole = sep.join(parts)
    if cell_len(whole) <= width:
        return whole
    for first in range(1, len(parts)):
        shown = ELLIPSIS + sep + sep.join(parts[first:])
        if cell_len(shown) <= width:
            return shown
    room = width - cell_len(ELLIPSIS + sep)
    if len(parts) > 1 and room >= _MIN_PART:
        return ELLIPSIS + sep + cut_end(parts[-1], room)
    return cut_end(parts[-1], width)


def cut_end(text: str, width: int) -> str:
    """`text` in `width` cells, its end cut with "…" (no gap before it: a space, or a
    wide character's missing half)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(width - 1, 0)).rstrip() + ELLIPSIS
