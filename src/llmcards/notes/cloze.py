"""Anki-style clozes `{{c1::text}}` / `{{c1::text::hint}}`: one card per number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from llmcards.notes.plain import markdown_to_plain

CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


@dataclass(frozen=True, slots=True)
class Cloze:
    ord: int
    front: str
    back: str


def clozes(markdown: str) -> list[Cloze]:
    """One card per cloze number, lowest first; deletions sharing a number hide together."""
    numbers = sorted({int(m.group(1)) for m in CLOZE.finditer(markdown)})
    cards = []
    for number in numbers:
        front_md = CLOZE.sub(partial(_hide, number=number), markdown)
        back = CLOZE.sub(partial(_reveal, number=number), markdown)
        cards.append(Cloze(number, markdown_to_plain(front_md), back))
    return cards


def reveal_all(markdown: str) -> str:
    """A basic card's answer that happens to contain clozes shows their text."""
    if "{{c" not in markdown:
        return markdown
    return CLOZE.sub(lambda m: m.group(2), markdown)


def _hide(match: re.Match[str], number: int) -> str:
    if int(match.group(1)) != number:
        return match.group(2)
    hint = (match.group(3) or "").strip()
    label = hint.replace("[", "\\[").replace("]", "\\]") if hint else "..."
    return "\\[" + label + "\\]"


def _reveal(match: re.Match[str], number: int) -> str:
    text = match.group(2)
    if int(match.group(1)) != number or not text.strip():
        return text
    return "**" + text.strip() + "**"
