"""Rules 1–4 and 6 for one list item, decided when the item closes (its nested items
are decided by then, so a group knows whether its children made cards)."""

from __future__ import annotations

from collections.abc import Sequence

from llmcards.cards import SkipCategory
from llmcards.notes import pieces as P
from llmcards.notes.answer import Answers
from llmcards.notes.cloze import ClozeNumberError, TooManyClozes, clozes, reveal_all
from llmcards.notes.content import classify_text, pieces_flags
from llmcards.notes.frames import BODY, Frame, Out
from llmcards.notes.fronts import TODO_MARKERS, is_todo
from llmcards.notes.math import with_written_math
from llmcards.notes.paragraphs import bold_end, paragraph_pieces
from llmcards.notes.plain import collapse, head_plain, plain, without_counter
from llmcards.notes.separators import Cut, double_colon, first_cut, is_statement, simple_cut
from llmcards.notes.source import Source

MAX_DEFINED_FRONT = 80
MAX_FRONT = 200
_MARKER_LEN = {"Strong": 2, "Emphasis": 1, "Superscript": 1, "Subscript": 1}


class Rules:
    __slots__ = ("answers", "source")

    def __init__(self, source: Source, answers: Answers) -> None:
        self.source = source
        self.answers = answers

    # -- list items -------------------------------------------------------------

    def decide(self, item: Frame) -> list[Out | None]:
        """Cards and skips of a closed item, its nested items' outputs included."""
        children = item.outs
        if len(item.head) == 1 and not item.body and not children:
            out = self._one_line(item)
            if out is not None:
                item.decision = "rule"
                return [out]
        line = self.source.line_of(item.start)
        head = item.head
        if len(head) > 1 and self.source.data.find(b"\\", head[0][2] - 1, item.head_end) >= 0:
            self._written_math(item)
        data = self.source.data
        start = item.para_start
        if start >= 0 and (
            data.find(b"{{c", start, item.para_end) >= 0
            or data.find(b"::", start, item.head_end) >= 0
        ):
            made = self._explicit(item, line)
            if made is not None:
                item.decision = "explicit"
                return made
        item.decision = "rule"
        cut = item.cut  # computed already when a nested list asked (False: not yet)
        found = first_cut(item.head) if isinstance(cut, bool) else cut
        if found is not None and found[1] not in TODO_MARKERS:
            return _with_answer(self._definition(item, found[0], found[1], line), children)
        text = head_plain(item.head)
        if found is not None or text in TODO_MARKERS:
            # Not fronts: its children are looked at as usual, under no context.
            return [_skip(text, line, item.path, "a to-do, not a front", "todo-list"), *children]
        if item.child_card:
            return self._group(item, text, line)
        if not text:
            item.decision = "transparent"
            return children
        if item.body:
            return _with_answer(self._term(item, text, line), children)
        return [self._unanswered(item, text, line), *children]

    def _written_math(self, item: Frame) -> None:
        """Join the pieces of `\\(…\\)` / `\\[…\\]` math in the head (see math.py).
        Callers ask only for heads of several pieces holding a backslash: pyromark splits
        text at every escape, so a one-piece head holds none."""
        start = item.head[0][2] - 1  # the head may open with the backslash
        item.head = with_written_math(item.head, self.source.data, start, item.head_end)

    def _explicit(self, item: Frame, line: int) -> list[Out | None] | None:
        """Rule 6: clozes in the head's paragraph, or `front :: back` in the head."""
        data = self.source.data
        children = item.outs
        if item.para_start >= 0 and data.find(b"{{c", item.para_start, item.para_end) >= 0:
            made = self.cloze_outs(item.para_start, item.para_end, item.start, item.path, line)
            if made:
                return made + children
        if item.head and data.find(b"::", item.para_start, item.head_end) >= 0:
            card = self._double_colon(item.head, item.end, item.start, item.path, line)
            if card is not None:
                return [card, *_clozes_only(children)]
        return None

    def _group(self, item: Frame, text: str, line: int) -> list[Out | None]:
        """Rule 2: the children's cards, with the head as their context; rule 10: the
        children that are statements make one more card, the head as its front."""
        item.decision = "group"
        outs = item.outs
        if not text:
            return outs
        for out in outs:
            if out is not None:
                out.context.append(text)
        statements = [
            out
            for out in outs
            if out is not None
            and not out.is_card
            and out.category == "statement"
            and out.reason == "no answer"
            and len(out.context) == 1  # its own group's head only: not a nested group's
        ]
        if not statements or len(text) > MAX_FRONT:
            return outs
        back = "\n".join("- " + out.front for out in statements)
        card = Out(True, text, line, item.path, back=back)
        return [card, *(out for out in outs if out is None or out not in statements)]

    def _term(self, item: Frame, text: str, line: int) -> Out:
        """Rule 3 (a head and a body), unless rule 4 vetoes it."""
        body = item.body
        out = self._judged(item, text, body & ~P.HAS_TODO, body & P.HAS_TODO, MAX_FRONT, line, text)
        if out is None:
            out = Out(True, text, line, item.path)
            out.back_span = (item.head_end, item.end, item.start, "")
        return out

    def _unanswered(self, item: Frame, text: str, line: int) -> Out:
        """Rule 4 for a head alone: why it is no card."""
        if pieces_flags(without_counter(item.head)) == P.HAS_LINK:
            return _skip(text, line, item.path, "only a link", "only-links")
        if item.task:
            return _skip(text, line, item.path, "to-do item, no answer", "todo-list")
        return _no_answer(text, text, line, item.path)

    def opens_answer(self, item: Frame) -> bool:
        """Whether the items of a list nested in `item` (its head is complete) are part of
        its answer: it is a definition (rule 1) and no explicit syntax overrides that."""
        if not item.head:
            return False
        data = self.source.data
        if data.find(b"{{c", item.para_start, item.para_end) >= 0:
            return False  # a cloze item keeps its children's cards
        if data.find(b"::", item.para_start, item.head_end) >= 0:
            return False
        head = item.head
        if len(head) > 1 and self.source.data.find(b"\\", head[0][2] - 1, item.head_end) >= 0:
            self._written_math(item)
        item.cut = cut = first_cut(item.head)  # `decide` needs it again when the item closes
        return cut is not None and cut[1] not in TODO_MARKERS

    def inside_answer(self, item: Frame) -> list[Out | None]:
        """What `decide` would leave of an item inside a definition's answer once the
        definition drops everything but clozes: the item's own clozes, then its
        children's (decided the same way, so clozes only). Skipping the rules here
        matters: long nested parameter lists under a term are common."""
        item.decision = "answer"
        children = item.outs
        if (
            item.para_start >= 0
            and self.source.data.find(b"{{c", item.para_start, item.para_end) >= 0
        ):
            made = self.cloze_outs(
                item.para_start,
                item.para_end,
                item.start,
                item.path,
                self.source.line_of(item.start),
            )
            if made:
                return made + children
        return children

    def _one_line(self, item: Frame) -> Out | None:
        """The most common item, `17. Dropout：正则化技术…`, decided in one step; None
        sends anything less plain through the general rules.

        Plain means: one text piece that is its own source (no escapes or entities), no
        body, no explicit syntax, a separator with nothing open before it, an answer
        that is text. Then the answer is simply the rest of the line.
        """
        kind, text, start, end = item.head[0]
        if (
            kind != P.TEXT
            or ("：" not in text and ":" not in text)
            or "{{c" in text
            or "::" in text
        ):
            return None
        span = simple_cut(text, True)
        if span is None:
            return None
        tail = text[span[1] :]
        front = collapse(text[: span[0]])
        if (
            len(front) > MAX_DEFINED_FRONT
            or classify_text(tail) != P.HAS_TEXT
            or front in TODO_MARKERS
        ):
            return None
        encoded = text.encode()
        if end - start != len(encoded) or not self.source.data.startswith(encoded, start):
            return None
        return Out(True, front, self.source.line_of(item.start), item.path, back=tail.strip())

    def _definition(self, item: Frame, cut: Cut, front: str, line: int) -> Out:
        head = item.head
        tail = head[cut.index][1][cut.end :]
        answer = classify_text(tail)
        if cut.index < len(head) - 1 and not answer & P.HAS_TEXT:
            # Text right after the separator already makes this an answer (only "none"
            # and "only links" matter below), so the other pieces need no judging.
            answer = pieces_flags([(P.TEXT, tail, 0, 0), *head[cut.index + 1 :]])
        answer |= item.body & ~P.HAS_TODO
        if not answer or answer == P.HAS_LINK or len(front) > MAX_DEFINED_FRONT:
            skipped = self._judged(
                item,
                front,
                answer,
                item.body & P.HAS_TODO,
                MAX_DEFINED_FRONT,
                line,
                head_plain(head),
            )
            if skipped is not None:
                return skipped
        if len(head) == 1 and not item.body and not item.outs:
            # One line, one text piece: when it is its own source (no escapes or
            # entities), the answer is simply the rest of it.
            _, text, start, end = head[0]
            encoded = text.encode()
            if end - start == len(encoded) and self.source.data.startswith(encoded, start):
                return Out(True, front, line, item.path, back=reveal_all(tail.strip()))
        start, prefix = self._back_start(head, cut)
        out = Out(True, front, line, item.path)
        out.back_span = (start, item.end, item.start, prefix)
        return out

    def _judged(
        self, item: Frame, front: str, answer: int, todo: int, limit: int, line: int, text: str
    ) -> Out | None:
        """Rule 4's vetoes, or None when the item is a card; `text` is what a skip shows."""
        if not answer:
            if todo:
                return _skip(text, line, item.path, "nested list is only tasks", "todo-list")
            return _no_answer(front, text, line, item.path)
        if answer == P.HAS_LINK:
            return _skip(text, line, item.path, "answer is only links", "only-links")
        if len(front) > limit:
            return _skip(
                text, line, item.path, f"front longer than {limit} characters", "front-too-long"
            )
        return None

    def _back_start(self, head: Sequence[P.Piece], cut: Cut) -> tuple[int, str]:
        """Byte where the answer starts after a cut, and the emphasis markers to re-open.

        `**GRU 单元：** reset` -> the back starts after the closing `**`;
        `**术语：很重要** rest` -> the back is `**很重要** rest`.
        """
        data = self.source.data
        offset = _cut_offset(data, head[cut.index], cut)
        opened = cut.open_emphasis
        if not opened:
            return offset, ""
        for depth in range(len(opened) - 1, -1, -1):
            _, kind, start, end = head[opened[depth]]
            size = _marker_size(data, kind, start)
            close = end - size
            if close >= offset and not data[offset:close].strip():
                offset = end
                continue
            prefix = "".join(
                data[head[i][2] : head[i][2] + _marker_size(data, head[i][1], head[i][2])].decode()
                for i in opened[: depth + 1]
            )
            return offset, prefix
        return offset, ""

    def _double_colon(
        self, head: Sequence[P.Piece], end: int, item: int, path: tuple[str, ...], line: int
    ) -> Out | None:
        cut = double_colon(head)
        if cut is None:
            return None
        front = plain(_before(head, cut))
        start, prefix = self._back_start(head, cut)
        back = self.answers.markdown(start, end, item, prefix)
        if not front or not back:
            return None
        return Out(True, front, line, path, back=back)

    # -- paragraphs ----------------------------------------------------------------

    def cloze_outs(
        self, start: int, end: int, item: int, path: tuple[str, ...], line: int
    ) -> list[Out | None]:
        """Cloze cards of one paragraph; `item` is where its list item starts (-1: none)."""
        raw = self.answers.raw(start, end, item)
        markdown = self.answers.markdown(start, end, item, reveal=False)
        try:
            made = clozes(markdown)
        except TooManyClozes as exc:
            text = collapse(markdown)[:60]
            return [_skip(text, line, path, str(exc), "too-many-clozes")]
        except ClozeNumberError as exc:
            raise exc.at_line(line) from None
        return [
            Out(
                True,
                c.front,
                line,
                path,
                back=c.back,
                kind="cloze",
                cloze_ord=c.ord,
                cloze_text=raw,
            )
            for c in made
            if c.front
        ]

    def bold_label(self, start: int, end: int, path: tuple[str, ...]) -> Out | None:
        """Rule 8: a paragraph outside list items that opens with a bold term and a
        separator with text after it (`**多路径生成：** 对同一问题…`) is a definition;
        None when the paragraph is no such thing."""
        head, rest = paragraph_pieces(self.source.text(start, end), start)
        if head and b"\\" in self.source.data[start:end]:
            head = with_written_math(head, self.source.data, start, head[-1][3])
        closing = bold_end(head)
        found = first_cut(head) if closing > 0 else None
        if found is None:
            return None
        cut, front = found
        if cut.index > closing + 1 or (
            cut.index == closing + 1 and head[cut.index][1][: cut.start].strip()
        ):
            return None  # the separator is not the label's
        if is_todo(front):
            line = self.source.line_of(start)
            return _skip(plain(head), line, path, "a to-do, not a front", "todo-list")
        frame = Frame(start, end, path, BODY)
        frame.head = head
        frame.head_end = head[-1][3]
        frame.para_start, frame.para_end = start, end
        frame.body = pieces_flags(rest)
        out = self._definition(frame, cut, front, self.source.line_of(start))
        if not out.is_card:
            return out if out.reason != "no answer" else None
        if out.back_span is not None:
            span_start, span_end, _item, prefix = out.back_span
            out.back_span = (span_start, span_end, -1, prefix)  # not an item: no dedent
        return out

    def paragraph(self, start: int, end: int, path: tuple[str, ...]) -> list[Out | None]:
        """A paragraph is a card only through explicit syntax (rule 6)."""
        data = self.source.data
        line = self.source.line_of(start)
        if data.find(b"{{c", start, end) >= 0:
            made = self.cloze_outs(start, end, -1, path, line)
            if made:
                return made
        if data.find(b"::", start, end) >= 0:
            head = paragraph_pieces(self.source.text(start, end), start)[0]
            made_card = self._double_colon(head, end, -1, path, line)
            if made_card is not None:
                return [made_card]
        return []


def _before(head: Sequence[P.Piece], cut: Cut) -> list[P.Piece]:
    kind, text, start, end = head[cut.index]
    return [*head[: cut.index], (kind, text[: cut.start], start, end)]


def _cut_offset(data: bytes, piece: P.Piece, cut: Cut) -> int:
    """Byte offset just after the separator (the piece's text may differ from its source
    when it held escapes or entities; then the separator itself is looked up)."""
    _, text, start, end = piece
    before = text[: cut.end].encode()
    if data.startswith(before, start):
        return start + len(before)
    sep = text[cut.start : cut.end].strip().encode() or text[cut.start : cut.end].encode()
    nth = text[: cut.start].count(text[cut.start : cut.end].strip() or text[cut.start : cut.end])
    pos = start - 1
    for _ in range(nth + 1):
        pos = data.find(sep, pos + 1, end)
        if pos < 0:
            return end
    return pos + len(sep)


def _marker_size(data: bytes, kind: str, start: int) -> int:
    if kind == "Strikethrough":
        return 2 if data[start : start + 2] == b"~~" else 1
    return _MARKER_LEN.get(kind, 1)


def _with_answer(card: Out, children: list[Out | None]) -> list[Out | None]:
    """A card whose answer swallowed its nested items: of those only clozes remain."""
    return [card, *_clozes_only(children)] if children else [card]


def _clozes_only(outs: Sequence[Out | None]) -> list[Out | None]:
    """Items inside an answer are part of it; only their clozes still count."""
    return [out for out in outs if out is not None and out.kind == "cloze"]


def _skip(text: str, line: int, path: tuple[str, ...], reason: str, category: SkipCategory) -> Out:
    return Out(False, text, line, path, reason=reason, category=category)


def _no_answer(front: str, text: str, line: int, path: tuple[str, ...]) -> Out:
    category: SkipCategory = "statement" if is_statement(front) else "term"
    return _skip(text, line, path, "no answer", category)
