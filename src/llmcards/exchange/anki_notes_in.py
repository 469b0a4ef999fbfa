"""Anki notes read as llmcards cards: which field is the front, the back, the context.

Basic-like note types (standard notes whose first two fields are Front/Back, and
llmcards' own) and Cloze note types map directly; any other standard note type is read
by its first two fields and reported, so nothing is silently lost.
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


def is_basic_like(model: Model) -> bool:
    names = [f.casefold() for f in model.fields[:2]]
    return not model.cloze and (names == ["front", "back"] or model.name.startswith("llmcards "))


def _context(model: Model, fields: list[str]) -> str:
    for index, name in enumerate(model.fields):
        if name.casefold() == "context" and index < len(fields):
            return html_to_text(fields[index])
    return ""


def cloze_front(text: str, number: int) -> str:
    """The question of card `cN`: its deletions hidden as [...] or [hint], the rest shown."""

    def hide(match: re.Match[str]) -> str:
        if int(match.group(1)) == number:
            return f"[{match.group(3)}]" if match.group(3) else "[...]"
        return match.group(2)

    return CLOZE.sub(hide, text)


def cloze_answer(text: str) -> str:
    return CLOZE.sub(lambda m: m.group(2), text)


def card_text(model: Model, fields: list[str], ordinal: int) -> CardText:
    fields = [*fields, "", ""]
    context = _context(model, fields)
    if model.cloze:
        source = html_to_markdown(fields[0])
        extra = html_to_markdown(fields[1])
        back = cloze_answer(source) + (f"\n\n{extra}" if extra else "")
        front = " ".join(cloze_front(source, ordinal + 1).split())
        return CardText("cloze", front, back, context, ordinal + 1, source)
    first, second = (fields[1], fields[0]) if ordinal == 1 else (fields[0], fields[1])
    # An empty front stays empty: the importer passes such a card over and says so.
    return CardText("basic", html_to_text(first), html_to_markdown(second), context)
