"""Handlers of block events other than lists: paragraphs (lead-ins, bold labels,
explicit syntax), headings, block quotes and callouts, code blocks and tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmcards.notes.callouts import title_start, without_marker
from llmcards.notes.frames import BODY, HEAD, NEW, REST, Frame, Out, end_head
from llmcards.notes.paragraphs import may_open_with_bold
from llmcards.notes.pieces import HAS_TEXT, Piece
from llmcards.notes.sandwich import drop_sandwich
from llmcards.notes.tables import Table, table_outs

if TYPE_CHECKING:
    from llmcards.notes.answer import Answers
    from llmcards.notes.headings import Headings
    from llmcards.notes.rules import Rules
    from llmcards.notes.source import Source

_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
Span = Any  # pyromark's {"start": byte, "end": byte}


class BlockHandlers:
    """Part of `Walker` (walker.py), which holds the state declared here."""

    __slots__ = ("callouts", "collect", "cur", "heading_start", "leadin", "quotes", "table")
    stacks: dict[int, tuple[tuple[int, str], ...]]
    answers: Answers
    callouts: list[tuple[Frame, int] | None]
    collect: list[Piece] | None
    cur: Frame
    data: bytes
    heading_start: int
    headings: Headings
    leadin: tuple[Frame, int, int] | None
    quotes: int
    root: Frame
    rules: Rules
    source: Source
    stack: list[Frame]
    table: Table | None

    def _closed(self, item: Frame) -> list[Out | None]:
        raise NotImplementedError

    # -- blocks ------------------------------------------------------------------

    def start_paragraph(self, name: str, span: Span) -> None:
        cur = self.cur
        if cur.phase == NEW:
            cur.phase = HEAD
            cur.para_start = span["start"]
        elif cur is self.root:
            self.headings.saw_content = True

    def end_paragraph(self, name: str, span: Span) -> None:
        cur = self.cur
        phase = cur.phase
        if phase in (HEAD, REST):
            cur.phase = BODY
            cur.para_end = span["end"]
            return
        start, end = span["start"], span["end"]
        data = self.data
        top_level = cur is self.root
        if (top_level and data.find(b"::", start, end) >= 0) or data.find(b"{{c", start, end) >= 0:
            made = self._paragraph(top_level, start, end)
            if made:
                cur.outs.extend(made)
                return
        if top_level and may_open_with_bold(data, start):
            card = self.rules.bold_label(start, end, self.headings.path)
            if card is not None:
                cur.outs.append(card)
                return
        if not cur.in_answer:
            # Read as a lead-in (rule 7) only if a list follows right after it.
            self.leadin = (cur, start, end)

    def _paragraph(self, top_level: bool, start: int, end: int) -> list[Out | None]:
        path = self.headings.path
        if top_level:
            return self.rules.paragraph(start, end, path)
        # Inside an item only clozes count ("anywhere, also inside another card's answer").
        line = self.source.line_of(start)
        return self.rules.cloze_outs(start, end, start, path, line)

    def start_html_block(self, name: str, span: Span) -> None:
        end_head(self.cur)
        if self.cur is self.root:
            self.headings.saw_content = True

    def start_block(self, detail: object, span: Span) -> None:
        """BlockQuote, FootnoteDefinition, MetadataBlock: the head is over."""
        end_head(self.cur)
        if self.cur is self.root:
            self.headings.saw_content = True

    def start_quote(self, detail: object, span: Span) -> None:
        self.start_block(detail, span)
        self.quotes += 1
        start = span["start"]
        self.answers.quotes.append((start, span["end"]))
        title = title_start(self.data, start)
        if title is None:
            self.callouts.append(None)
            return
        # A titled callout is read like a list item (see callouts.py).
        frame = Frame(start, span["end"], self.headings.path)
        frame.in_answer = self.cur.in_answer
        self.stack.append(frame)
        self.cur = frame
        self.callouts.append((frame, title))

    def end_quote(self, detail: object, span: Span) -> None:
        self.quotes -= 1
        callout = self.callouts.pop() if self.callouts else None
        if callout is None or self.stack[-1] is not callout[0]:
            return
        item, title = callout
        item.head = without_marker(item.head, title, self.data)
        self.stack.pop()
        self.cur = cur = self.stack[-1]
        outs = self._closed(item)
        cur.outs.extend(outs)
        if not cur.child_card:
            cur.child_card = any(out is not None and out.is_card for out in outs)

    def start_text_block(self, detail: object, span: Span) -> None:
        """CodeBlock or Table: text in an answer."""
        self.start_block(detail, span)
        self.cur.body |= HAS_TEXT

    def start_heading(self, detail: object, span: Span) -> None:
        cur = self.cur
        if cur is self.root:
            if cur.sandwich is not None:
                drop_sandwich(cur)
            self.collect = []
            self.heading_start = span["start"]
            self.stacks[span["start"]] = self.headings.frozen
        else:
            end_head(cur)
            cur.body |= HAS_TEXT

    def end_heading(self, level: str, span: Span) -> None:
        if self.collect is None:
            return
        start = self.heading_start
        self.headings.heading(
            _LEVELS[level], self.collect, start, span["end"], self.source.line_of(start)
        )
        self.collect = None

    # -- tables (rule 9) ------------------------------------------------------------

    def start_table(self, detail: object, span: Span) -> None:
        self.start_text_block(detail, span)
        if self.cur is self.root:
            self.table = Table()

    def start_table_row(self, name: str, span: Span) -> None:
        if self.table is not None:
            self.table.new_row(span["start"])

    def start_table_cell(self, name: str, span: Span) -> None:
        if self.table is not None:
            self.collect = []

    def end_table_cell(self, name: str, span: Span) -> None:
        if self.table is not None and self.collect is not None:
            markdown = self.source.text(span["start"], span["end"]).strip()
            self.table.add_cell(self.collect, markdown)
            self.collect = None

    def end_table(self, name: str, span: Span) -> None:
        table = self.table
        if table is not None:
            self.table = None
            self.root.outs.extend(table_outs(table, self.source, self.headings.path))
