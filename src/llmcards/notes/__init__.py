"""Markdown study notes -> card drafts (see /work/shared/docs/import-rules.md).

Pure: bytes or text in, objects out. `decode_note` turns a file's bytes into text;
`parse_note` turns text into a `ParsedNote` of `CardDraft`s and `Skipped` items.
"""

from __future__ import annotations

import gc

from llmcards.cards import CONTEXT_SEP, CardDraft, ParsedNote, Skipped
from llmcards.notes.decode import DecodedNote, decode_note
from llmcards.notes.frontmatter import split_front_matter
from llmcards.notes.walk import walk

__all__ = ["DecodedNote", "decode_note", "parse_note"]


def parse_note(text: str, *, root: str | None = None, stem: str = "notes") -> ParsedNote:
    """Cards and skipped items of one note, in note order.

    The root deck is `root`, else the front matter's `title`, else `stem`.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    title, body = split_front_matter(text)
    gc_was_enabled = gc.isenabled()
    # The walk allocates hundreds of thousands of small long-lived objects; letting the
    # cyclic GC rescan them over and over costs ~15% and they hold no cycles.
    gc.disable()
    try:
        return _collect(body, root, title, stem)
    finally:
        if gc_was_enabled:
            gc.enable()


def _collect(body: str, root: str | None, title: str | None, stem: str) -> ParsedNote:
    root_name = (root or "").strip() or title or stem
    note = ParsedNote(root=root_name, title=title)
    decks: dict[tuple[str, ...], tuple[str, ...]] = {}
    for out in walk(body).outs:
        if out is None:
            continue
        deck = decks.get(out.path)
        if deck is None:
            deck = decks[out.path] = (root_name, *out.path)
        if out.is_card:
            context = CONTEXT_SEP.join(reversed(out.context)) if out.context else ""
            note.cards.append(
                CardDraft(
                    deck, out.front, out.back, out.line, out.kind, context, out.path,
                    out.cloze_ord, out.cloze_text,
                )
            )
        else:
            note.skipped.append(Skipped(out.line, out.front, out.reason, out.category, deck))
    return note
