"""Mutable state of the single pass: open list items, open lists, pending outputs."""

from __future__ import annotations

from typing import Final, Literal

from llmcards.cards import Kind, SkipCategory
from llmcards.notes.pieces import Piece
from llmcards.notes.separators import Cut

# Where a list item's walk is: nothing seen yet, inside the head (first line of the
# first paragraph), in the rest of that paragraph, in the rest of the item.
NEW: Final = 0
HEAD: Final = 1
REST: Final = 2
BODY: Final = 3


class Out:
    """A card or a skipped item on its way out; `context` grows outward (innermost
    group head first) as groups adopt it, and is reversed at the end."""

    __slots__ = (
        "back",
        "back_span",
        "category",
        "cloze_ord",
        "cloze_text",
        "context",
        "front",
        "is_card",
        "kind",
        "line",
        "path",
        "reason",
    )

    def __init__(
        self,
        is_card: bool,
        front: str,
        line: int,
        path: tuple[str, ...],
        back: str = "",
        kind: Kind = "basic",
        cloze_ord: int = 0,
        cloze_text: str = "",
        reason: str = "",
        category: SkipCategory = "term",
    ) -> None:
        self.is_card = is_card
        self.front = front
        self.back = back
        # (start, end, item, prefix) of an answer not sliced yet: an item nested in a
        # definition is decided before its parent swallows it, so slicing waits until
        # the walk knows which cards survive (else 500 nested levels cost O(n²)).
        self.back_span: tuple[int, int, int, str] | None = None
        self.line = line
        self.kind = kind
        self.path = path
        self.context: list[str] = []
        self.cloze_ord = cloze_ord
        self.cloze_text = cloze_text
        self.reason = reason
        self.category = category


class Sandwich:
    """Blocks after an ordered list that may still belong to its last item: when the
    numbering resumes right after them (`17.` … bullets … `18.`), the author meant
    them as item 17's answer."""

    __slots__ = ("at", "context", "number", "saved_body", "tail", "tail_len")

    def __init__(
        self, tail: Frame, number: int, at: int, tail_len: int, saved_body: int, context: str
    ) -> None:
        self.context = context  # the list's lead-in, given again to the redone item
        self.tail = tail
        self.number = number
        self.at = at
        self.tail_len = tail_len
        self.saved_body = saved_body


class Frame:
    """A list item being walked (or the document itself, `root`)."""

    __slots__ = (
        "body",
        "child_card",
        "cut",
        "decision",
        "end",
        "head",
        "head_end",
        "in_answer",
        "outs",
        "para_end",
        "para_start",
        "path",
        "phase",
        "sandwich",
        "start",
        "task",
    )

    def __init__(self, start: int, end: int, path: tuple[str, ...], phase: int = NEW) -> None:
        self.start = start
        self.end = end
        self.task = False
        self.phase = phase
        self.head: list[Piece] = []
        self.head_end = start
        self.para_start = -1
        self.para_end = -1
        self.body = 0  # content flags of everything after the head
        self.outs: list[Out | None] = []
        self.child_card = False
        self.path = path
        self.sandwich: Sandwich | None = None
        self.decision = ""  # "rule", "group", "explicit", "transparent" or "answer"
        # Nested in a definition: part of its answer, so only its clozes count.
        self.in_answer = False
        # `first_cut(head)` once a nested list asked for it (False: not computed yet).
        self.cut: tuple[Cut, str] | Literal[False] | None = False  # False: not looked for yet


class ListFrame:
    __slots__ = (
        "all_task",
        "context",
        "count",
        "flags",
        "in_answer",
        "last",
        "last_at",
        "last_len",
        "ordered",
    )

    def __init__(self, ordered: bool, in_answer: bool) -> None:
        self.ordered = ordered
        self.in_answer = in_answer  # its items are part of an enclosing definition's answer
        self.all_task = True
        self.count = 0
        self.flags = 0
        self.last: Frame | None = None
        self.last_at = 0
        self.last_len = 0
        self.context = ""  # a lead-in's (rule 7): every card made from this list has it


def with_context(outs: list[Out | None], context: str) -> None:
    """Give every output one more context, outside those it has."""
    for out in outs:
        if out is not None:
            out.context.append(context)


def end_head(cur: Frame) -> None:
    """The head (and the first paragraph) of `cur` is over: what follows is body."""
    phase = cur.phase
    if phase != BODY:
        if phase != NEW and cur.para_end < 0:
            cur.para_end = cur.head_end
        cur.phase = BODY
