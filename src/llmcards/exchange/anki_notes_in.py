"""Anki notes read as llmcards cards: which field is the front, the back, the context.

Basic-like note types (standard notes whose first two fields are Front/Back, and
llmcards' own) and Cloze note types map directly; any other standard note type is read
by its fields in order, the first asking (the second, on a card 2), and reported. A
note's other non-empty fields (a third "Example", a cloze's "Back Extra") follow the back
in the answer, each its own paragraph in field order, so nothing is silently lost; a
field named Context is the card's context instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmcards.cards import Kind
from llmcards.exchange.html_to_md import html_to_markdown, html_to_text
from llmcards.exchange.package_reader import Model

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@dataclass(frozen=True)
class CardText:
    kind: Kind
    front: str
    back: str
    context: str = ""
    cloze_ord: int = 0
    cloze_text: str = ""
    extra_fields: int = 0  # fields beyond the front and the back that joined the answer


def is_basic_like(model: Model) -> bool:
    names = [f.casefold() for f in model.fields[:2]]
    return not model.cloze and (names == ["front", "back"] or model.name.startswith("llmcards "))


def _context_index(model: Model) -> int | None:
    for index, name in enumerate(model.fields):
        if name.casefold() == "context":
            return index
    return None


def cloze_front(text: str, number: int) -> str:
    """The question of card `cN`: its deletions hidden as [...] or [hint], the rest shown."""

    def hide(match: re.Match[str]) -> str:
        if int(match.group(1)) == number:
            return f"[{match.group(3)}]" if match.group(3) else "[...]"
        return match.group(2)

    return CLOZE.sub(hide, text)


def cloze_answer(text: str) -> str:
    return CLOZE.sub(lambda m: m.group(2), text)


class NoteFields:
    """A note's fields (HTML), each converted once however many of its cards read it."""

    def __init__(self, fields: list[str]) -> None:
        self.html = fields
        self._markdown: dict[int, str] = {}
        self._text: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.html)

    def markdown(self, index: int) -> str:
        if index >= len(self.html):
            return ""
        if index not in self._markdown:
            self._markdown[index] = html_to_markdown(self.html[index])
        return self._markdown[index]

    def text(self, index: int) -> str:
        if index >= len(self.html):
            return ""
        if index not in self._text:
            self._text[index] = html_to_text(self.html[index])
        return self._text[index]


def card_text(model: Model, fields: list[str] | NoteFields, ordinal: int) -> CardText:
    note = fields if isinstance(fields, NoteFields) else NoteFields(fields)
    context_at = _context_index(model)
    if context_at is not None and context_at >= len(note):
        context_at = None  # the note has fewer fields than its type
    context = note.text(context_at) if context_at is not None else ""
    # a cloze asks its Text and answers with it revealed, then its Back Extra
    asked, answer = (1, 0) if ordinal == 1 and not model.cloze else (0, 1)
    extras = [
        text
        for index in range(len(note))
        if index not in (asked, answer, context_at) and (text := note.markdown(index))
    ]
    tail = "".join(f"\n\n{extra}" for extra in extras)
    if model.cloze:
        source = note.markdown(0)
        extra = note.markdown(1) if context_at != 1 else ""
        back = cloze_answer(source) + (f"\n\n{extra}" if extra else "") + tail
        front = " ".join(cloze_front(source, ordinal + 1).split())
        return CardText("cloze", front, back, context, ordinal + 1, source, len(extras))
    # An empty front stays empty: the importer passes such a card over and says so.
    back = note.markdown(answer) + tail
    return CardText("basic", note.text(asked), back, context, extra_fields=len(extras))
