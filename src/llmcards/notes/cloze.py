"""Anki-style clozes `{{c1::text}}` / `{{c1::text::hint}}`: one card per number.

Found by a single left-to-right scan, not a backtracking regex: `{{c1::` repeated
2,000 times (12 KB) with no `}}` made the old pattern try every start against the rest
of the text, and the import took minutes. A deletion runs from `{{cN::` to the first
`}}` after it (its hint after the first `::` inside), as Anki reads it.

A note makes one card per cloze number, each showing the whole text, so cards × size
grows with the square of the note: 4,000 clozes in one 66 KB note made a 550 MB
database. A note with more than MAX_CLOZES numbers is passed over (`TooManyClozes`,
reported with the skipped items); a number past MAX_NUMBER (Anki's own cards stop far
below) is an error in the notes (`ClozeNumberError`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from llmcards.errors import NoteError
from llmcards.notes.plain import markdown_to_plain

MAX_CLOZES = 100  # cloze numbers in one note
MAX_NUMBER = 999
_HEAD = re.compile(r"\{\{c(\d+)::")


@dataclass(frozen=True, slots=True)
class Cloze:
    ord: int
    front: str
    back: str


@dataclass(frozen=True, slots=True)
class _Deletion:
    start: int
    end: int  # just past `}}`
    number: int
    text: str
    hint: str | None


class TooManyClozes(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(f"{count} cloze numbers in one note, more than {MAX_CLOZES}")
        self.count = count


class ClozeNumberError(NoteError):
    """A cloze number no card can have; the importer adds the file name."""

    def __init__(self, number: str, line: int | None = None) -> None:
        shown = number if len(number) <= 12 else number[:12] + "…"
        super().__init__(
            "",
            f"cloze number c{shown} is out of range",
            f"number clozes c1 to c{MAX_NUMBER}",
            line,
        )


def _deletions(markdown: str) -> list[_Deletion]:
    """Every `{{cN::…}}` in order: each character is looked at a bounded number of times."""
    found: list[_Deletion] = []
    position = 0
    while (start := markdown.find("{{c", position)) >= 0:
        head = _HEAD.match(markdown, start)
        if head is None:
            position = start + 1
            continue
        close = markdown.find("}}", head.end())
        if close < 0:
            break  # no `}}` after this one: none after any later one either
        number = head[1]
        if len(number) > 6 or int(number) > MAX_NUMBER:  # int() of 5,000 digits raises
            raise ClozeNumberError(number)
        body = markdown[head.end() : close]
        cut = body.find("::")
        text, hint = (body, None) if cut < 0 else (body[:cut], body[cut + 2 :])
        found.append(_Deletion(start, close + 2, int(number), text, hint))
        position = close + 2
    return found


def has_cloze(markdown: str) -> bool:
    return "{{c" in markdown and bool(_deletions(markdown))


def clozes(markdown: str) -> list[Cloze]:
    """One card per cloze number, lowest first; deletions sharing a number hide together.
    TooManyClozes past MAX_CLOZES numbers."""
    found = _deletions(markdown)
    numbers = sorted({d.number for d in found})
    if len(numbers) > MAX_CLOZES:
        raise TooManyClozes(len(numbers))
    cards = []
    for number in numbers:
        front_md = _replace(markdown, found, partial(_hide, number=number))
        back = _replace(markdown, found, partial(_reveal, number=number))
        cards.append(Cloze(number, markdown_to_plain(front_md), back))
    return cards


def reveal_all(markdown: str) -> str:
    """A basic card's answer that happens to contain clozes shows their text."""
    if "{{c" not in markdown:
        return markdown
    return _replace(markdown, _deletions(markdown), lambda d: d.text)


def _replace(markdown: str, found: list[_Deletion], show: Callable[[_Deletion], str]) -> str:
    pieces: list[str] = []
    last = 0
    for deletion in found:
        pieces.append(markdown[last : deletion.start])
        pieces.append(show(deletion))
        last = deletion.end
    pieces.append(markdown[last:])
    return "".join(pieces)


def _hide(deletion: _Deletion, number: int) -> str:
    if deletion.number != number:
        return deletion.text
    hint = (deletion.hint or "").strip()
    label = hint.replace("[", "\\[").replace("]", "\\]") if hint else "..."
    return "\\[" + label + "\\]"


def _reveal(deletion: _Deletion, number: int) -> str:
    text = deletion.text
    if deletion.number != number or not text.strip():
        return text
    return "**" + text.strip() + "**"
