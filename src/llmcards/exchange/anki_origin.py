"""Cards that came from Anki, given back to Anki as the notes they came from.

Anki matches an imported note to one it has by GUID, and updates it only under the same
note type: the same id, with the same field names and template names (Anki's "schema";
a note type that differs there is added as a new one, and its notes that Anki already
has are skipped as conflicting). So `import-anki` keeps each note it reads: its GUID,
its note type's id, name, field and template names, and its fields as Markdown, as the
import read them (`store.origin_notes`); and each card says which note and ordinal it is
(`card.origin_guid`, `origin_ord`). `export anki` writes such cards as that note again,
under that note type, dated as Anki last changed them. In the collection they came from,
Anki finds the notes it has, not newer than its own, and leaves them as they are: no
second copy. A Basic (and reversed) note is one note again, with both its cards.

What goes out is made the way llmcards makes all it exports, not copied from the
package: the fields are the kept Markdown rendered again (so nothing a package held,
such as a script, passes through), and the note type's templates are llmcards' own,
showing the fields the way llmcards showed the card: the first field asks (the second,
on card 2), the others answer. Anki keeps its own templates for a note type it has;
they only show in a collection that does not have the note type yet.

A card whose text now comes from elsewhere (your notes took it over: an import of a
notes file under the same deck with the same front) is no longer the Anki note's, and
goes out as llmcards' own, like every card of your notes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Connection

from llmcards.exchange import apkg_schema as s
from llmcards.exchange.package_reader import Model
from llmcards.store import origin_notes as store
from llmcards.store.origin_notes import OriginNote

SOURCE_PREFIX = "anki:"  # source_path of a card import-anki made: "anki:<package name>"
# What Anki refuses in a field name (and so in a template naming it), and markup.
_BAD_FIELD_NAME = re.compile(r'[:{}"<>]|^[#/^]')


class FromAnki(Protocol):
    origin_guid: str | None
    origin_ord: int | None
    source_path: str


def spec_of(model: Model) -> str:
    """What export needs of a note type, as kept in the database (`anki_note_type.spec`)."""
    return json.dumps(
        {
            "cloze": model.cloze,
            "fields": model.fields,
            "templates": model.templates,
            "sort_field": model.sort_field,
            "mtime": model.mtime,
        },
        ensure_ascii=False,
    )


def model_of(type_id: int, name: str, spec: str) -> Model | None:
    """The note type kept as `spec`; None when it could not be written so that Anki
    takes it (a field name Anki refuses, two fields of one name, no template)."""
    try:
        raw = json.loads(spec)
        model = Model(
            type_id,
            name,
            bool(raw["cloze"]),
            [str(f) for f in raw["fields"]],
            [str(t) for t in raw["templates"]],
            int(raw["sort_field"]),
            int(raw["mtime"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    names = [f.strip().casefold() for f in model.fields]
    if not names or not model.templates or len(set(names)) < len(names):
        return None
    if any(not n or _BAD_FIELD_NAME.search(f) for n, f in zip(names, model.fields, strict=True)):
        return None
    if any("<" in t or ">" in t for t in [model.name, *model.templates]):
        return None  # markup in a name: not worth passing on
    return model


@dataclass
class Origins:
    """The kept notes the exported cards came from, and their note types."""

    notes: dict[str, OriginNote] = field(default_factory=dict)
    types: dict[int, Model] = field(default_factory=dict)

    def note_of(self, card: FromAnki) -> tuple[OriginNote, Model] | None:
        """The Anki note `card` goes back as (None: it goes as llmcards' own)."""
        if card.origin_guid is None or card.origin_ord is None:
            return None
        if not card.source_path.startswith(SOURCE_PREFIX):
            return None  # taken over by a notes file: the notes' card now
        note = self.notes.get(card.origin_guid)
        model = self.types.get(note.note_type_id) if note is not None else None
        if note is None or model is None:
            return None
        if not model.cloze and card.origin_ord >= len(model.templates):
            return None  # no template makes this card
        return note, model

    def anki_models(self) -> list[Model]:
        """Their note types, but llmcards' own (a package writes those anyway)."""
        own = (s.BASIC_MODEL_ID, s.CLOZE_MODEL_ID)
        return [m for i, m in sorted(self.types.items()) if i not in own]


def load_origins(conn: Connection, cards: Iterable[FromAnki]) -> Origins:
    guids = {c.origin_guid for c in cards if c.origin_guid is not None}
    if not guids:
        return Origins()
    notes, types = store.load(conn, guids)
    models = {i: model_of(i, name, spec) for i, (name, spec) in types.items()}
    for type_id in (s.BASIC_MODEL_ID, s.CLOZE_MODEL_ID):  # written as llmcards has them now
        if type_id in models:
            models[type_id] = own_model(type_id)
    return Origins(notes, {i: m for i, m in models.items() if m is not None})


def own_model(type_id: int) -> Model:
    """llmcards' own note type, as the export writes it."""
    if type_id == s.CLOZE_MODEL_ID:
        cloze = s.CLOZE_TEMPLATE["name"]
        return Model(type_id, s.CLOZE_MODEL_NAME, True, list(s.CLOZE_FIELDS), [cloze])
    basic = s.BASIC_TEMPLATE["name"]
    return Model(type_id, s.BASIC_MODEL_NAME, False, list(s.BASIC_FIELDS), [basic])
