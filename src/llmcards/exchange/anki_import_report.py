"""What `llmcards import-anki` did: cards, reviews, note types read by their fields, images,
and what it passed over."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from llmcards.exchange.media_in import MediaReport


@dataclass(frozen=True)
class Skipped:
    """A card (or, with `card` None, a whole note) of the package that was passed over."""

    note_id: int
    note_type: str
    reason: str
    card: int | None = None  # the card's number in its note: 1 for the first

    def as_json(self) -> dict[str, object]:
        return {
            "note_id": self.note_id,
            "card": self.card,
            "note_type": self.note_type,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    path: Path
    new: int = 0
    updated: int = 0
    unchanged: int = 0  # already here, nothing new in the package
    reviews: int = 0
    skipped_reviews: int = 0
    decks: int = 0
    other_note_types: Counter[str] = field(default_factory=Counter)
    # note type -> notes whose fields beyond the front and back joined the answer
    extra_fields: Counter[str] = field(default_factory=Counter)
    media: MediaReport = field(default_factory=lambda: MediaReport(Path()))
    skipped: list[Skipped] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "reviews": self.reviews,
            "skipped_reviews": self.skipped_reviews,
            "decks": self.decks,
            "other_note_types": dict(self.other_note_types),
            "extra_fields": dict(self.extra_fields),
            "images": self.media.as_json(),
            "skipped": [item.as_json() for item in self.skipped],
        }
