"""Markdown study notes -> card drafts (the rules: docs/import-rules.md).

Pure: bytes or text in, objects out. `decode_note` turns a file's bytes into text;
`parse_note` turns text into a `ParsedNote` of `CardDraft`s and `Skipped` items.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar, overload

from llmcards.cards import (
    CONTEXT_SEP,
    CardDraft,
    Kind,
    ParsedNote,
    SkipCategory,
    Skipped,
    normal_deck,
)
from llmcards.notes.decode import DecodedNote, decode_note
from llmcards.notes.frames import Out
from llmcards.notes.frontmatter import split_front_matter
from llmcards.notes.fronts import needs_context
from llmcards.notes.walk import Outline, walk
from llmcards.notes.warnings import Warnings

if TYPE_CHECKING:
    from llmcards.notes.sections import NoteSections

__all__ = [
    "DecodedNote",
    "NoteBatches",
    "Warnings",
    "decode_note",
    "drafts_of",
    "note_batches",
    "parse_note",
    "root_deck",
]

UNNAMED_ROOT = "notes"  # the root deck of a note with no name of its own


def parse_note(text: str, *, root: str | None = None, stem: str = UNNAMED_ROOT) -> ParsedNote:
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
    body: str = ""  # the note without its front matter: what was walked
    # Once every batch is out, when asked for: the note's sections (notes.sections),
    # None when it cannot be read section by section.
    sections: NoteSections | None = None


@overload
def note_batches(
    text: str,
    *,
    root: str | None = None,
    stem: str = UNNAMED_ROOT,
    batch: int = 0,
    raw: Literal[False] = False,
    sections: bool = False,
) -> NoteBatches[CardDraft, Skipped]: ...


@overload
def note_batches(
    text: str,
    *,
    root: str | None = None,
    stem: str = UNNAMED_ROOT,
    batch: int = 0,
    raw: Literal[True],
    sections: bool = False,
) -> NoteBatches[CardFields, SkippedFields]: ...


def note_batches(
    text: str,
    *,
    root: str | None = None,
    stem: str = UNNAMED_ROOT,
    batch: int = 0,
    raw: bool = False,
    sections: bool = False,
) -> NoteBatches[Any, Any]:
    """`parse_note` in pieces of about `batch` outputs (0: one piece), each handed out as
    soon as the rest of the note cannot change it: an importer stores the first
    cards of a large note while the rest is being parsed. `raw`: each card and skipped
    item as the tuple of its fields (`CardDraft(*fields)`), cheaper to send elsewhere.
    `sections`: find the note's sections once the walk is over (`NoteBatches.sections`)."""
    title, body = note_body(text)
    root_name = root_deck(root, title, stem)
    stream: NoteBatches[Any, Any] = NoteBatches(root_name, title, iter(()), body)
    stream.batches = _batches(stream, batch, raw, sections)
    return stream


def root_deck(root: str | None, title: str | None, stem: str) -> str:
    """The root deck: `root` (--deck), else the front matter's `title`, else `stem`, the
    first that names a deck once spelled as Anki spells deck names (`title: C++ :: STL`
    -> `C++::STL`: Anki renames a deck it gets otherwise, and the names stop matching)."""
    for name in (root, title, stem):
        spelled = normal_deck(name or "")
        if spelled:
            return spelled
    return UNNAMED_ROOT  # a file named `::.md`: one deck with a name, not a blank one


def note_body(text: str) -> tuple[str | None, str]:
    """The title in the note's front matter, and the note without it, as walked."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return split_front_matter(text)


def _batches(
    stream: NoteBatches[Any, Any], batch: int, raw: bool, sections: bool
) -> Iterator[tuple[list[Any], list[Any]]]:
    decks: dict[tuple[str, ...], tuple[str, ...]] = {}
    outline = Outline() if sections else None
    for outs in walk(stream.body, batch, outline):
        yield drafts_of(outs, stream.root, decks, raw)
    if outline is not None:
        from llmcards.notes.sections import note_sections

        stream.sections = note_sections(outline)


def drafts_of(
    outs: list[Out], root_name: str, decks: dict[tuple[str, ...], tuple[str, ...]], raw: bool
) -> tuple[list[Any], list[Any]]:
    """The cards and skipped items of a walk's outputs (`decks`: a cache of deck paths)."""
    cards: list[CardDraft | CardFields] = []
    skipped: list[Skipped | SkippedFields] = []
    for out in outs:
        deck = decks.get(out.path)
        if deck is None:
            deck = decks[out.path] = (root_name, *out.path)
        if out.is_card:
            if out.context:
                context = CONTEXT_SEP.join(reversed(out.context))
            elif (
                out.path
                and out.kind == "basic"
                and needs_context(out.front)
                and out.path[-1].casefold() != out.front.casefold()
            ):
                context = out.path[-1]  # `作用` alone says nothing: whose? (`LSTM` does)
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
    return cards, skipped
