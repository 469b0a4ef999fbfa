from __future__ import annotations

from pathlib import Path

from llmcards.cards import CardDraft, ParsedNote, Skipped
from llmcards.notes import parse_note

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def parse(markdown: str, **kwargs: str) -> ParsedNote:
    return parse_note(markdown, **kwargs)


def card(note: ParsedNote, front: str) -> CardDraft:
    matches = [c for c in note.cards if c.front == front]
    assert matches, f"no card {front!r}; fronts: {[c.front for c in note.cards]}"
    return matches[0]


def skipped(note: ParsedNote, text: str) -> Skipped:
    matches = [s for s in note.skipped if s.text == text]
    assert matches, f"nothing skipped as {text!r}; skipped: {[s.text for s in note.skipped]}"
    return matches[0]


def fronts(note: ParsedNote) -> list[str]:
    return [c.front for c in note.cards]


def only(markdown: str) -> CardDraft:
    note = parse_note(markdown)
    assert len(note.cards) == 1, fronts(note)
    return note.cards[0]
