"""Numbered items glued to the line before them (issue: `![img](…)⏎47. GPT …`).

CommonMark lets only an item numbered 1 interrupt a paragraph, so `47.` written on the
line right after an image or a paragraph is read as more text of that paragraph and
item 47 vanishes. The author meant a new item: when such a line carries the list's
next number, the note is read as if a blank line stood before it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_ORDERED = re.compile(rb"^ {0,3}(\d{1,9})[.)](?=[ \t]|$)", re.M)
# A non-blank line that is not itself a list item, then an ordered item line.
_CANDIDATE = re.compile(
    rb"\n(?![ \t]*(?:\d{1,9}[.)]|[-*+])(?:[ \t]|\n))[^\n]*\S[^\n]*\n( {0,3}\d{1,9}[.)](?=[ \t\n]))"
)
_FENCE = re.compile(rb"^ {0,3}(?:```|~~~)", re.M)


def next_number_at(data: bytes, pos: int, expected: int) -> bool:
    """Whether the line at byte `pos` opens an item numbered `expected`."""
    match = _ORDERED.match(data, pos)
    return match is not None and int(match.group(1)) == expected


def find_glued(data: bytes) -> list[int]:
    """Byte offsets of the lines that open a glued item: the line before is a paragraph
    line (not an item, not in a code fence) and the number is one more than the
    nearest ordered item above it."""
    glued: list[int] = []
    fences: list[int] | None = None
    for match in _CANDIDATE.finditer(data):
        line = match.start(1)
        ordered = _ORDERED.match(data, line)
        if ordered is None:  # _CANDIDATE found the line by the same pattern
            continue
        number = int(ordered.group(1))
        if number == 1 or _previous_number(data, match.start()) != number - 1:
            continue
        if fences is None:
            fences = [m.start() for m in _FENCE.finditer(data)]
        if bisect_right(fences, line) % 2:
            continue  # inside a fenced code block
        glued.append(line)
    return glued


def _previous_number(data: bytes, before: int) -> int | None:
    end = before
    while end > 0:
        start = data.rfind(b"\n", 0, end - 1) + 1 if end > 1 else 0
        match = _ORDERED.match(data, start, end)
        if match is not None:
            return int(match.group(1))
        end = start
    return None


def unglue(data: bytes, glued: list[int]) -> tuple[str, list[int]]:
    """The note with a blank line before each glued item, and the offsets (in the new
    bytes) of the newlines added, so line numbers can still name the user's lines."""
    parts: list[bytes] = []
    added: list[int] = []
    pos = 0
    for at in sorted(set(glued)):
        parts.append(data[pos:at])
        added.append(at + len(added))
        parts.append(b"\n")
        pos = at
    parts.append(data[pos:])
    return b"".join(parts).decode("utf-8", "surrogatepass"), added


class Glued(Exception):
    """The item line at byte `offset` of this reading was glued to the line before."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset
