"""The back of a card: an exact slice of the note, dedented, HTML made Markdown."""

from __future__ import annotations

from bisect import bisect_left

from llmcards.notes.callouts import unquote
from llmcards.notes.cloze import reveal_all
from llmcards.notes.html import html_to_markdown, script
from llmcards.notes.source import Source, dedent


class Answers:
    """Slices the note; knows where pyromark saw raw HTML (and only there converts)."""

    __slots__ = ("html_ends", "html_starts", "quotes", "source")

    def __init__(self, source: Source) -> None:
        self.source = source
        self.html_starts: list[int] = []
        self.html_ends: list[int] = []
        self.quotes: list[tuple[int, int]] = []  # block quotes: their `>` leave answers

    def in_quote(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.quotes)

    def saw_html(self, start: int, end: int) -> None:
        self.html_starts.append(start)
        self.html_ends.append(end)

    def markdown(
        self, start: int, end: int, item: int = -1, prefix: str = "", reveal: bool = True
    ) -> str:
        """Markdown of bytes [start, end), dedented as the content of the list item that
        starts at byte `item` (-1: not in an item); `prefix` re-opens emphasis the cut
        left open."""
        if end <= start:
            return ""
        text = self._converted(start, end).rstrip()
        if self.quotes and "\n" in text and self.in_quote(start):
            text = unquote(text)
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
        scripts = self._scripts_only(i, start, end)
        if scripts:
            return scripts
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

    def _scripts_only(self, i: int, start: int, end: int) -> str | None:
        """Fast path for the common `a<sub>i</sub>`: every HTML span in [start, end)
        (the first is span `i`) is an opening `<sub>`/`<sup>`, text, then its exact
        closing tag; None when other HTML is present."""
        starts, ends = self.html_starts, self.html_ends
        data = self.source.data
        count = len(starts)
        out: list[str] = []
        pos = start
        while i < count and starts[i] < end:
            h_start = starts[i]
            tag = _OPEN.get(data[h_start : min(ends[i], end)].lower())
            if tag is None:
                return None
            inner_start = ends[i]
            if i + 1 >= count or starts[i + 1] >= end or starts[i + 1] <= inner_start:
                return None  # no closing tag in range, or no text inside
            close_start = starts[i + 1]
            close_end = min(ends[i + 1], end)
            if data[close_start:close_end] != tag[1]:
                return None
            if h_start > pos:
                out.append(data[pos:h_start].decode("utf-8", "replace"))
            inner = data[inner_start:close_start].decode("utf-8", "replace")
            out.append(script(inner, tag[0]))
            pos = close_end
            i += 2
        if pos < end:
            out.append(data[pos:end].decode("utf-8", "replace"))
        return "".join(out)


# Opening tag (lower-cased bytes) -> (is superscript, its exact closing tag).
_OPEN = {b"<sub>": (False, b"</sub>"), b"<sup>": (True, b"</sup>")}
