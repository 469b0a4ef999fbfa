"""The note as UTF-8 bytes: pyromark ranges are byte offsets, so every slice and
line number is computed on bytes, never on the `str` (CJK is 3 bytes a character)."""

from __future__ import annotations

import re
from bisect import bisect_right

_NEWLINE = re.compile(b"\n")
_MARKER = re.compile(rb"[ \t]*(?:[-*+]|\d{1,9}[.)])([ \t]*)")


class Source:
    __slots__ = ("_added", "_newlines", "data")

    def __init__(
        self, text: str, added: list[int] | None = None, data: bytes | None = None
    ) -> None:
        """`data`: `text`'s UTF-8 bytes, when the caller has them already."""
        self.data = text.encode("utf-8", "surrogatepass") if data is None else data
        self._newlines: list[int] | None = None
        # Newlines the reader added (see glue.py): they are no line of the user's.
        self._added = added or []

    def line_of(self, offset: int) -> int:
        """1-based line number of a byte offset, as the user's file counts it."""
        if self._newlines is None:
            self._newlines = [m.start() for m in _NEWLINE.finditer(self.data)]
        line = bisect_right(self._newlines, offset - 1) + 1
        if self._added:
            line -= bisect_right(self._added, offset - 1)
        return line

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")

    def content_indent(self, item_start: int) -> int:
        """Columns a list item's continuation lines are indented by (`37. ` -> 4); for
        a block that is not a list item, the column it starts at.

        pyromark's item range may start inside the indentation, so leading blanks
        before the marker are skipped.
        """
        data = self.data
        line_start = data.rfind(b"\n", 0, item_start) + 1
        match = _MARKER.match(data, item_start)
        if match is None:
            pos = item_start
            while data[pos : pos + 1] in (b" ", b"\t"):
                pos += 1
            return pos - line_start
        spaces = len(match.group(1))
        end = match.end()
        if spaces > 4 or data[end : end + 1] in (b"\n", b""):
            # Five or more spaces start an indented code block: content begins after one.
            end = match.start(1) + 1
        return end - line_start


def dedent(text: str, indent: int) -> str:
    """Strip the item's indentation from every line but the first.

    The first line is the rest of an item's head and is never indented. The item's
    own lines are indented by at least `indent` (its content column); authors often
    indent a little deeper (`1. VAE` with its body at four spaces), so the smallest
    indentation among those lines is what comes off. Lazy continuation lines,
    indented less, just lose what they have.
    """
    if indent <= 0 or "\n" not in text:
        return text
    lines = text.split("\n")
    if "\t" in text:
        lines = [_expand_leading_tabs(line) if line[:1] in (" ", "\t") else line for line in lines]
    depth = None
    for line in lines[1:]:
        stripped = line.lstrip(" ")
        if stripped:
            lead = len(line) - len(stripped)
            if lead >= indent and (depth is None or lead < depth):
                depth = lead
    cut = depth if depth is not None else indent
    for i in range(1, len(lines)):
        line = lines[i]
        if line[:1] == " ":
            lead = len(line) - len(line.lstrip(" "))
            lines[i] = line[min(cut, lead) :]
    return "\n".join(lines)


def _expand_leading_tabs(line: str) -> str:
    body = line.lstrip(" \t")
    lead = line[: len(line) - len(body)]
    return lead.expandtabs(4) + body
