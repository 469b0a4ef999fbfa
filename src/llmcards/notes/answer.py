"""The back of a card: an exact slice of the note, dedented, HTML made Markdown."""

from __future__ import annotations

from bisect import bisect_left

from llmcards.notes.cloze import reveal_all
from llmcards.notes.html import html_to_markdown, script
from llmcards.notes.source import Source, dedent


class Answers:
    """Slices the note; knows where pyromark saw raw HTML (and only there converts)."""

    __slots__ = ("source", "html_starts", "html_ends")

    def __init__(self, source: Source) -> None:
        self.source = source
        self.html_starts: list[int] = []
        self.html_ends: list[int] = []

    def saw_html(self, start: int, end: int) -> None:
        self.html_starts.append(start)
        self.html_ends.append(end)

    def markdown(self, start: int, end: int, item: int = -1, prefix: str = "", reveal: bool = True) -> str:
        """Markdown of bytes [start, end), dedented as the content of the list item that
        starts at byte `item` (-1: not in an item); `prefix` re-opens emphasis the cut
        left open."""
        if end <= start:
            return ""
        text = self._converted(start, end).rstrip()
        if prefix:
            text = prefix + text
        if item >= 0 and "\n" in text:
            text = dedent(text, self.source.content_indent(item))
        if reveal:
            text = reveal_all(text)
        text = text.strip()
        if text.startswith("\\\n"):  # the head ended in a backslash hard break
            text = text[2:].lstrip()
        return text

    def raw(self, start: int, end: int, item: int = -1) -> str:
        text = self.source.text(start, end)
        if item >= 0 and "\n" in text:
            text = dedent(text, self.source.content_indent(item))
        return text.strip()

    def _converted(self, start: int, end: int) -> str:
        starts = self.html_starts
        i = bisect_left(starts, start)
        if i == len(starts) or starts[i] >= end:
            return self.source.text(start, end)
        segments: list[tuple[bool, str]] = []
        pos = start
        text = self.source.text
        while i < len(starts) and starts[i] < end:
            h_start, h_end = starts[i], min(self.html_ends[i], end)
            if h_start > pos:
                segments.append((False, text(pos, h_start)))
            segments.append((True, text(h_start, h_end)))
            pos = h_end
            i += 1
        if pos < end:
            segments.append((False, text(pos, end)))
        return _scripts_only(segments) or html_to_markdown(segments)


_OPEN = {"<sub>": "sub", "<sup>": "sup"}


def _scripts_only(segments: list[tuple[bool, str]]) -> str | None:
    """Fast path for the common `a<sub>i</sub>`: None when other HTML is present."""
    out: list[str] = []
    i = 0
    count = len(segments)
    while i < count:
        is_html, value = segments[i]
        if not is_html:
            out.append(value)
            i += 1
            continue
        tag = _OPEN.get(value.lower())
        if (
            tag is None
            or i + 2 >= count
            or segments[i + 1][0]
            or segments[i + 2] != (True, f"</{tag}>")
        ):
            return None
        out.append(script(segments[i + 1][1], tag == "sup"))
        i += 3
    return "".join(out)
