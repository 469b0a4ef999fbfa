"""`llmcards export csv`: notes as a CSV file Anki's text importer reads on its own.

The `#` header tells Anki the separator, that fields are HTML, and which columns hold
the GUID, note type, deck and tags, so File › Import needs no manual mapping. Note types
are Anki's built-in "Basic" and "Cloze" (present in every collection); the context is
shown above the question inside the first field. No schedule: CSV carries none.

A card that came from Anki (`import-anki`) goes as the note it came from (`anki_origin`):
its GUID, its note type's name and its fields, the first two in the field columns and
any others after the tags. Anki's CSV import then updates that very note in the
collection it came from (it matches by GUID and, the note type being the same, updates
instead of adding); a collection without a note type of that name leaves the row out.

A CSV file is also opened in spreadsheets, which run a cell starting with `=`, `+`, `-`,
`@`, a tab or a carriage return as a formula (`=HYPERLINK(…)`, DDE). As OWASP advises,
such a cell is written with a leading `'`, which spreadsheets hide and Anki keeps as
text: a field that starts with one of those characters shows the `'` in Anki.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_notes import AnkiNote, build_notes, deck_ids
from llmcards.exchange.anki_origin import Origins, load_origins
from llmcards.exchange.outfile import atomic_output, check_target
from llmcards.exchange.selection import selected_cards
from llmcards.store.db import Database

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(cell: str) -> str:
    """A cell a spreadsheet will not read as a formula (OWASP's CSV injection advice)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


HEADER = (
    "#separator:Comma\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
)


@dataclass
class CsvSummary:
    path: Path
    notes: int
    cards: int
    decks: int

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "format": "csv",
            "notes": self.notes,
            "cards": self.cards,
            "decks": self.decks,
        }


def export_csv(
    db: Database,
    path: Path | None,
    *,
    deck: str | None = None,
    force: bool = False,
    stream: TextIO | None = None,
) -> CsvSummary:
    """Write the CSV to the new file `path`, or to `stream` when `path` is None (`-`)."""
    if path is not None:
        path = check_target(path, force=force, database=db.path)
    with db.read() as conn:
        cards = selected_cards(conn, deck)
        origins = load_origins(conn, cards)
    notes = build_notes(cards, mathjax=False, origins=origins)  # CSV keeps math as written
    if path is None:
        assert stream is not None
        _write(stream, notes, origins)
    else:
        with (
            atomic_output(path, force=force, database=db.path) as temp,
            temp.open("w", encoding="utf-8", newline="") as handle,
        ):
            _write(handle, notes, origins)
    decks = len(deck_ids({c.deck for c in cards}))  # with their parents, as the .apkg counts them
    return CsvSummary(path or Path("-"), len(notes), sum(len(n.cards) for n in notes), decks)


def _write(handle: TextIO, notes: list[AnkiNote], origins: Origins) -> None:
    handle.write(HEADER)
    writer = csv.writer(handle, lineterminator="\n")
    # Anki skips a line starting with `#` as a comment, and about one GUID in 4,000
    # starts with `#`: such a row is written quoted, as Anki's own CSV export does.
    quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for note in notes:
        model = origins.types.get(note.model_id)
        if model is not None and note.model_id not in (s.BASIC_MODEL_ID, s.CLOZE_MODEL_ID):
            # a note from Anki: its own note type and fields, those past two after the tags
            name, fields = model.name, [value.replace("\x1f", " ") for value in note.fields]
            first, second, rest = fields[0], (fields[1:2] or [""])[0], fields[2:]
        else:
            first, second, context = note.fields
            if context:
                first = f'<div class="context">{context}</div>{first}'
            name, rest = ("Cloze" if note.model_id == s.CLOZE_MODEL_ID else "Basic"), []
        deck_name = note.cards[0][1].deck
        (quoted if note.guid.startswith("#") else writer).writerow(
            [
                note.guid,
                defused(name),
                defused(deck_name),
                defused(first),
                defused(second),
                defused(" ".join(note.tags)),
                *(defused(value) for value in rest),
            ]
        )
