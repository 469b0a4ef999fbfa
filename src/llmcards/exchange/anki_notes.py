"""llmcards cards grouped into Anki notes: one note per basic card, one per cloze text.

Cloze siblings (same `note_uid`) become one Anki cloze note whose cards are c1, c2, …;
a note's GUID is the one stored with its cards (`card.guid`, `card.note_guid`, derived
from the uids when the card was made), so it is the same on every export and sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from llmcards.cards import DECK_SEP, Kind, guid_for
from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_ids import stable_id, tag_of
from llmcards.exchange.anki_notes_in import cloze_answer
from llmcards.exchange.anki_origin import Origins
from llmcards.exchange.media import MediaPacker
from llmcards.exchange.render import inline_to_html, markdown_to_html, plain_to_html
from llmcards.exchange.selection import ExportCard


@dataclass
class AnkiNote:
    guid: str
    model_id: int
    fields: list[str]
    tags: list[str]
    cards: list[tuple[int, ExportCard]] = field(default_factory=list)  # (ord, card)
    mtime: float | None = None  # a note from Anki: when it last changed there

    @property
    def created(self) -> float:
        return min(card.created for _, card in self.cards)

    @property
    def modified(self) -> float:
        if self.mtime is not None:
            return self.mtime
        return max(card.updated for _, card in self.cards)


class CardIdentity(Protocol):
    """What places a card in Anki (an `ExportCard`, or a sync's lighter row)."""

    uid: str
    note_uid: str
    kind: Kind
    cloze_ord: int
    cloze_text: str
    guid: str | None
    note_guid: str | None
    origin_guid: str | None
    origin_ord: int | None
    source_path: str


@cache
def deck_tag(deck: str) -> str:
    """The deck path as one hierarchical Anki tag: `LLM 学习笔记::NLP` -> `LLM_学习笔记::NLP`."""
    return DECK_SEP.join(tag_of(part) for part in deck.split(DECK_SEP))


def deck_ids(names: set[str]) -> dict[str, int]:
    """Every deck and its parents, with ids derived from the name."""
    full: set[str] = set()
    for name in names:
        parts = name.split(DECK_SEP)
        full.update(DECK_SEP.join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return {name: stable_id("deck", name) for name in sorted(full)}


def card_guid(card: CardIdentity) -> str:
    """A basic card's note GUID: the stored one (set when the card was made)."""
    return card.guid or guid_for(card.uid)


def note_guid(card: CardIdentity) -> str:
    """A cloze card's note GUID, shared by its siblings."""
    return card.note_guid or guid_for(card.note_uid)


def cloze_ord(card: CardIdentity) -> int:
    """Anki's card ordinal for `{{cN::…}}` is N - 1."""
    return max(card.cloze_ord, 1) - 1


def is_cloze_note(card: CardIdentity) -> bool:
    """A cloze card with its text becomes (part of) a cloze note; one without, a basic note."""
    return card.kind == "cloze" and bool(card.cloze_text.strip())


def anki_key(card: CardIdentity, origins: Origins | None = None) -> tuple[str, int]:
    """Where the card lives in Anki: (note GUID, card ordinal). With `origins`, a card
    that came from Anki lives in the note it came from, as `build_notes` writes it."""
    if origins is not None and origins.note_of(card) is not None:
        assert card.origin_guid is not None and card.origin_ord is not None
        return card.origin_guid, card.origin_ord
    if is_cloze_note(card):
        return note_guid(card), cloze_ord(card)
    return card_guid(card), 0


def back_extra(card: ExportCard) -> str:
    """What a cloze card's answer shows after its revealed text (a note's Back Extra, as
    `import-anki` appends it): "" for a cloze made from notes, whose answer is the text."""
    revealed = cloze_answer(card.cloze_text)
    if card.back.startswith(revealed):
        return card.back[len(revealed) :].strip("\n")
    return ""


def build_notes(
    cards: list[ExportCard],
    media: MediaPacker | None = None,
    *,
    mathjax: bool = True,
    origins: Origins | None = None,
) -> list[AnkiNote]:
    """`media`, when given, collects the local images the fields show (see `media.py`);
    math is written for MathJax (Anki), or as written (`mathjax=False`: CSV). With
    `origins`, cards that came from Anki go as the notes they came from (`anki_origin`)."""
    notes: dict[str, AnkiNote] = {}
    for card in cards:
        origin = origins.note_of(card) if origins is not None else None
        if origin is not None:
            kept, model = origin
            key = f"anki:{kept.guid}"
            note = notes.get(key)
            if note is None:
                stored = [*kept.fields.split("\x1f"), *[""] * len(model.fields)]
                values = [  # the note type as kept decides how many
                    inline_to_html(value, mathjax=mathjax) for value in stored[: len(model.fields)]
                ]
                if media is not None:
                    values = [media.localize(value, card.source_path) for value in values]
                note = notes[key] = AnkiNote(kept.guid, model.id, values, [], mtime=kept.mtime)
            _add_card(note, card.origin_ord or 0, card)
            continue
        is_cloze = is_cloze_note(card)
        key = f"cloze:{card.note_uid}" if is_cloze else card.uid
        note = notes.get(key)
        if note is None:
            if is_cloze:
                fields = [
                    markdown_to_html(card.cloze_text, mathjax=mathjax),
                    markdown_to_html(back_extra(card), mathjax=mathjax),
                    plain_to_html(card.context, mathjax=mathjax),
                ]
                note = AnkiNote(note_guid(card), s.CLOZE_MODEL_ID, fields, [])
            else:
                fields = [
                    inline_to_html(card.front, mathjax=mathjax),
                    markdown_to_html(card.back, mathjax=mathjax),
                    plain_to_html(card.context, mathjax=mathjax),
                ]
                note = AnkiNote(card_guid(card), s.BASIC_MODEL_ID, fields, [])
            if media is not None:
                note.fields = [media.localize(value, card.source_path) for value in note.fields]
            # Anki's field separator inside a field would split it in two
            note.fields = [value.replace("\x1f", " ") for value in note.fields]
            notes[key] = note
        _add_card(note, cloze_ord(card) if is_cloze else 0, card)
    return list(notes.values())


def _add_card(note: AnkiNote, ordinal: int, card: ExportCard) -> None:
    if any(existing == ordinal for existing, _ in note.cards):
        return  # two llmcards cards claiming one cloze number: Anki has one card
    note.cards.append((ordinal, card))
    for tag in [deck_tag(card.deck), *card.tags.replace("\x1f", " ").split()]:
        if tag not in note.tags:
            note.tags.append(tag)
