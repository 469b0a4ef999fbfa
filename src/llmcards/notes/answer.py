"""The back of a card: an exact slice of the note, dedented, HTML made Markdown."""

from __future__ import annotations

from bisect import bisect_left

from llmcards.notes.cloze import reveal_all
from llmcards.notes.html import html_to_markdown
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

    def markdown(self, start: int, end: int, indent: int, prefix: str = "", reveal: bool = True) -> str:
        """Markdown of bytes [start, end): `prefix` re-opens emphasis the cut left open."""
        if end <= start:
            return ""
        text = prefix + self._converted(start, end)
        text = dedent(text, indent)
        if reveal:
            text = reveal_all(text)
        text = text.strip()
        if text.startswith("\\\n"):  # the head ended in a backslash hard break
            text = text[2:].lstrip()
        return text

    def raw(self, start: int, end: int, indent: int) -> str:
        return dedent(self.source.text(start, end), indent).strip()

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
        return html_to_markdown(segments)
