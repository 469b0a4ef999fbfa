"""Markdown study notes -> card drafts (the rules: docs/import-rules.md).

Pure: bytes or text in, objects out. `decode_note` turns a file's bytes into text;
`parse_note` turns text into a `ParsedNote` of `CardDraft`s and `Skipped` items.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeAlias, TypeVar, overload

from llmcards.cards import CONTEXT_SEP, CardDraft, Kind, ParsedNote, SkipCategory, Skipped
from llmcards.notes.decode import DecodedNote, decode_note
from llmcards.notes.frontmatter import split_front_matter
from llmcards.notes.fronts import needs_context
from llmcards.notes.walk import walk
from llmcards.notes.warnings import Warnings

__all__ = [
    "DecodedNote",
    "NoteBatches",
    "Warnings",
    "decode_note",
    "note_batches",
    "parse_note",
]


def parse_note(text: str, *, root: str | None = None, stem: str = "notes") -> ParsedNote:
    """Cards and skipped items of one note, in note order.

    The root deck is `root`, else the front matter's `title`, else `stem`.
    """
    stream = note_batches(text, root=root, stem=stem)
    note = ParsedNote(root=stream.root, title=stream.title)
    gc_was_enabled = gc.isenabled()
    # The walk allocates hundreds of thousands of small long-lived objects; letting the
    # cyclic GC rescan them over and over costs ~15% and they hold no cycles.
    gc.disable()
    try:
        for cards, skipped in stream.batches:
            note.cards += cards
            note.skipped += skipped
    finally:
        if gc_was_enabled:
            gc.enable()
    return note


# A card and a skipped item as the tuples of their fields (`note_batches(raw=True)`).
CardFields: TypeAlias = tuple[tuple[str, ...], str, str, int, Kind, str, tuple[str, ...], int, str]
SkippedFields: TypeAlias = tuple[int, str, str, SkipCategory, tuple[str, ...]]
C = TypeVar("C")
S = TypeVar("S")


@dataclass
class NoteBatches(Generic[C, S]):
    root: str
    title: str | None
    # (cards, skipped) in note order; a consumer that keeps everything may want the
    # cyclic GC off meanwhile, as `parse_note` does.
    batches: Iterator[tuple[list[C], list[S]]]


@overload
def note_batches(
    text: str,
    *,
    root: str | None = None,
    stem: str = "notes",
    batch: int = 0,
    raw: Literal[False] = False,
) -> NoteBatches[CardDraft, Skipped]: ...


@overload
def note_batches(
    text: str, *, root: str | None = None, stem: str = "notes", batch: int = 0, raw: Literal[True]
) -> NoteBatches[CardFields, SkippedFields]: ...


def note_batches(
    text: str, *, root: str | None = None, stem: str = "notes", batch: int = 0, raw: bool = False
) -> NoteBatches[Any, Any]:
    """`parse_note` in pieces of about `batch` outputs (0: one piece), each handed out as
    soon as the rest of the note cannot change it: an importer stores the first
    cards of a large note while the rest is being parsed. `raw`: each card and skipped
    item as the tuple of its fields (`CardDraft(*fields)`), cheaper to send elsewhere."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    title, body = split_front_matter(text)
    root_name = (root or "").strip() or title or stem
    return NoteBatches(root_name, title, _batches(body, root_name, batch, raw))


def _batches(
    body: str, root_name: str, batch: int, raw: bool
) -> Iterator[tuple[list[Any], list[Any]]]:
    decks: dict[tuple[str, ...], tuple[str, ...]] = {}
    for outs in walk(body, batch):
        cards: list[CardDraft | CardFields] = []
        skipped: list[Skipped | SkippedFields] = []
        for out in outs:
            deck = decks.get(out.path)
            if deck is None:
                deck = decks[out.path] = (root_name, *out.path)
            if out.is_card:
                if out.context:
                    context = CONTEXT_SEP.join(reversed(out.context))
                elif out.path and out.kind == "basic" and needs_context(out.front):
                    context = out.path[-1]  # `作用` alone says nothing: whose?
                else:
                    context = ""
                fields: CardFields = (
                    deck,
                    out.front,
                    out.back,
                    out.line,
                    out.kind,
                    context,
                    out.path,
                    out.cloze_ord,
                    out.cloze_text,
                )
                cards.append(fields if raw else CardDraft(*fields))
            else:
                item: SkippedFields = (out.line, out.front, out.reason, out.category, deck)
                skipped.append(item if raw else Skipped(*item))
        yield cards, skipped
