"""Decks from headings, and question headings (rule 5)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from llmcards.cards import DECK_SEP
from llmcards.notes.answer import Answers
from llmcards.notes.frames import Out
from llmcards.notes.fronts import without_section_number
from llmcards.notes.pieces import Piece
from llmcards.notes.plain import plain

MAX_FRONT = 200
NESTED_SEP = "∷"  # U+2237 PROPORTION: reads as `::`, is no deck separator
# What a heading's deck name drops at its end: colons and white space, in any order.
_TRAILING = re.compile(r"[\s:：]+\Z")


@dataclass(slots=True)
class _Question:
    level: int
    front: str
    path: tuple[str, ...]  # the parent's deck: the card goes there
    line: int
    content_start: int
    slot: int  # index reserved in the outputs, so the card keeps its place in note order
    has_content: bool | None = None


class Headings:
    __slots__ = ("answers", "frozen", "outs", "path", "pending", "saw_content", "stack")

    def __init__(self, answers: Answers, outs: list[Out | None]) -> None:
        self.answers = answers
        self.outs = outs
        self.stack: list[tuple[int, str]] = []
        self.frozen: tuple[tuple[int, str], ...] = ()  # `stack` as it stands, as a tuple
        self.path: tuple[str, ...] = ()
        self.pending: list[_Question] = []
        self.saw_content = False

    def resume(self, stack: Sequence[tuple[int, str]]) -> None:
        """Start where a walk that read the note up to here left off: its `stack`
        (a section's walk, sections.py; no question may be pending there)."""
        self.stack = list(stack)
        self.frozen = tuple(stack)
        self.path = tuple(name for _, name in self.stack)

    def heading(self, level: int, pieces: Sequence[Piece], start: int, end: int, line: int) -> None:
        for question in self.pending:
            if question.has_content is None:
                question.has_content = self.saw_content
        while self.pending and self.pending[-1].level >= level:
            self._finish(self.pending.pop(), start)
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        parent = self.path = tuple(name for _, name in self.stack)
        name = deck_name(pieces)
        if name:
            self.stack.append((level, name))
            self.path = (*parent, name)
        self.frozen = tuple(self.stack)
        if name.endswith(("?", "？")):
            self.pending.append(_Question(level, name, parent, line, end, len(self.outs)))
            self.outs.append(None)
        self.saw_content = False

    def finish(self, end: int) -> None:
        for question in self.pending:
            if question.has_content is None:
                question.has_content = self.saw_content
        while self.pending:
            self._finish(self.pending.pop(), end)

    def _finish(self, question: _Question, end: int) -> None:
        if not question.has_content:
            return
        back = self.answers.markdown(question.content_start, end)
        if not back:
            return
        if len(question.front) > MAX_FRONT:
            out = Out(
                False,
                question.front,
                question.line,
                question.path,
                reason=f"front longer than {MAX_FRONT} characters",
                category="front-too-long",
            )
        else:
            front = without_section_number(question.front)
            out = Out(True, front, question.line, question.path, back=back)
        self.outs[question.slot] = out


def deck_name(pieces: Sequence[Piece]) -> str:
    """A heading made plain, without a trailing colon (`# 神经网络压缩与加速:`) and the
    white space of any kind around it (an em space before `：`): a deck part that ends
    in a space is one Anki renames (see `cards.normal_deck`). A heading is one level:
    the `::` of `# std::vector 用法` is written `∷`, which would otherwise split it into
    two decks (here and in Anki)."""
    return _TRAILING.sub("", plain(pieces)).replace(DECK_SEP, NESTED_SEP)
