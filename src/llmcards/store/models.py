"""The tables. Schema changes go through an alembic revision in `migrations/versions`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, Column, Index, LargeBinary, UniqueConstraint, event
from sqlmodel import AutoString, Field, SQLModel

from llmcards.cards import LEARNING, NEW, RELEARNING, REVIEW, STATE_NAMES, Kind
from llmcards.store.types import UTCDateTime

# The card states are re-exported: the store's readers name them from here.
__all__ = [
    "LEARNING",
    "NEW",
    "RELEARNING",
    "REVIEW",
    "STATE_NAMES",
    "AnkiNote",
    "AnkiNoteType",
    "Card",
    "Deck",
    "ReviewLog",
    "Source",
]


def _utc(*, nullable: bool) -> Any:
    """A UTC datetime column (no Python default: the writer always says when)."""
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable))


class Deck(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)  # full path, "Root::Sub"


class Source(SQLModel, table=True):
    """A notes file as last imported under a root deck; lets unchanged files be skipped."""

    __table_args__ = (UniqueConstraint("root", "path"),)

    id: int | None = Field(default=None, primary_key=True)
    root: str
    path: str
    sha256: str
    parser_version: int
    deck_arg: str = ""  # the --deck it was imported with ("" = root from the file itself)
    skipped_json: str = "[]"  # what the last parse passed over, for unchanged re-imports
    # The note's sections as last imported, while the file's cards are what that import
    # made (migration 0005's triggers clear it otherwise): see llmcards.importing.reimport.
    sections: bytes | None = Field(default=None, sa_column=Column(LargeBinary(), nullable=True))
    imported_at: datetime = _utc(nullable=False)


class Card(SQLModel, table=True):
    __table_args__ = (
        Index("ix_card_root_front", "root", "front"),
        Index("ix_card_due", "retired", "suspended", "due"),
        # A file's active cards in note order (migration 0006): a re-import counts them
        # and finds the changed sections' cards by position without reading the others.
        Index("ix_card_source_active", "source_path", "root", "retired", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)  # stable identity; Anki GUIDs derive from it
    note_uid: str = Field(index=True)  # cloze siblings share one; basic cards: == uid
    deck_id: int = Field(foreign_key="deck.id", index=True)
    root: str
    context: str = ""
    front: str
    back: str
    kind: Kind = Field(default="basic", sa_type=AutoString)
    cloze_ord: int = 0
    cloze_text: str = ""
    heading_path: str = ""  # "::"-joined; tells apart equal fronts in one file
    source_path: str
    source_line: int = 0
    position: int = 0  # order within its file: new cards are studied in note order
    created_at: datetime = _utc(nullable=False)
    updated_at: datetime = _utc(nullable=False)
    retired: bool = False
    retired_at: datetime | None = _utc(nullable=True)
    suspended: bool = False
    buried_until: datetime | None = _utc(nullable=True)
    tags: str = ""  # space separated, Anki style ("leech")
    # FSRS memory and schedule
    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = _utc(nullable=True)
    last_review: datetime | None = _utc(nullable=True)
    reps: int = 0
    lapses: int = 0
    # Anki identity (migration 0004): set once on insert, kept through edits that keep
    # history, so Anki sees an edited note. `note_guid` is the note's: cloze siblings share it.
    guid: str | None = None
    note_guid: str | None = Field(default=None, index=True)
    anki_suspended: bool | None = None  # the sync mirror's suspension at the last sync
    # Where `import-anki` found it (migration 0007): the Anki note's GUID (`anki_note`) and
    # the card's ordinal in it. None for cards made from notes.
    origin_guid: str | None = None
    origin_ord: int | None = None


class ReviewLog(SQLModel, table=True):
    """One rating. `card_before` is the card's schedule as JSON, so undo is exact."""

    __tablename__ = "review_log"
    # Covering indexes (migration 0003): stats and the optimizer read these columns
    # from the index alone.
    __table_args__ = (
        Index("ix_review_log_time_stats", "reviewed_at", "rating", "state_before", "duration_ms"),
        Index(
            "ix_review_log_card_time_stats",
            "card_id",
            "reviewed_at",
            "rating",
            "state_before",
            "duration_ms",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id")
    rating: int  # a scheduling.types.Rating (1 again … 4 easy)
    reviewed_at: datetime = _utc(nullable=False)
    duration_ms: int = 0
    state_before: int  # a cards.CardState, as are state_after and card.state
    state_after: int
    stability_before: float | None = None
    stability_after: float | None = None
    difficulty_before: float | None = None
    difficulty_after: float | None = None
    due_before: datetime | None = _utc(nullable=True)
    due_after: datetime | None = _utc(nullable=True)
    card_before: str = "{}"
    origin: str = Field(
        default="llmcards", sa_column_kwargs={"server_default": "llmcards"}
    )  # or "anki"
    anki_id: int | None = Field(default=None, unique=True, index=True)  # revlog id, once synced


class AnkiNoteType(SQLModel, table=True):
    """A note type of notes that came from Anki, as the package last imported had it:
    `spec` (JSON) holds its kind, fields, templates, styling and modification time, so
    `export anki` can give its notes back under the very note type Anki knows."""

    __tablename__ = "anki_note_type"

    id: int = Field(primary_key=True)  # Anki's note type id
    name: str
    spec: str = "{}"


class AnkiNote(SQLModel, table=True):
    """A note that came from Anki, as last imported: its cards (`card.origin_guid`) go
    back to Anki as this note, the same GUID, note type and fields."""

    __tablename__ = "anki_note"

    guid: str = Field(primary_key=True)
    note_type_id: int = Field(foreign_key="anki_note_type.id")
    fields: str  # each field as Markdown, as the import read it, joined by \x1f
    mtime: int = 0  # when the note last changed in Anki (seconds)


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


# A file's stored sections (source.sections, llmcards.importing.reimport) hold only while its cards
# are what its last import made: any other change to what a card is or says (an edit,
# `relink`, another file's import taking a card over, a deletion) clears them. Not
# source_line/position/heading_path, which only an import writes (leaving them out
# spares a re-import's every shifted card), nor the schedule (a rating never fires).
# Migration 0005 creates them in an existing database; a new one gets them with its tables.
_WATCHED = "front, back, context, kind, cloze_ord, cloze_text, deck_id, source_path, root, retired"
_CLEAR = (
    "UPDATE source SET sections = NULL"
    " WHERE sections IS NOT NULL AND root = {row}.root AND path = {row}.source_path;"
)
SECTIONS_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS card_changed_sections AFTER UPDATE OF {_WATCHED} ON card BEGIN "
    + _CLEAR.format(row="OLD")
    + _CLEAR.format(row="NEW")
    + " END",
    "CREATE TRIGGER IF NOT EXISTS card_deleted_sections AFTER DELETE ON card BEGIN "
    + _CLEAR.format(row="OLD")
    + " END",
)
for _trigger in SECTIONS_TRIGGERS:
    event.listen(SQLModel.metadata, "after_create", DDL(_trigger))

# Each model's table, typed, for the SQLAlchemy Core queries most of the code writes.
CARD = SQLModel.metadata.tables["card"]
DECK = SQLModel.metadata.tables["deck"]
SOURCE = SQLModel.metadata.tables["source"]
LOG = SQLModel.metadata.tables["review_log"]
META = SQLModel.metadata.tables["meta"]
ANKI_NOTE_TYPE = SQLModel.metadata.tables["anki_note_type"]
ANKI_NOTE = SQLModel.metadata.tables["anki_note"]
