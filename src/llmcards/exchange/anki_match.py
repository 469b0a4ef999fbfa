"""Which card of the database an Anki card is, and which of its reviews are already known.

An Anki card is matched by identity, never by text:
- a card that came from Anki before has `uid = card_uid(GUID, ordinal)`;
- a card llmcards exported itself has the GUID `anki_ids.guid_for(uid)` (a basic card,
  ordinal 0) or `guid_for(note_uid)` (a cloze card, ordinal = cN - 1).
Re-importing llmcards' own package therefore updates the cards it came from instead of
adding copies; their text stays as llmcards has it (the package is a copy of it).

A review is already known when the card has one within a second of it: revlog ids are
review times in ms, nudged apart by a few ms, and the import rounds them to the second.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from llmcards import clock
from llmcards.cards import guid_for
from llmcards.scheduling.rating import Review
from llmcards.store.models import CARD
from llmcards.store.models import LOG as REVIEW_LOG

SAME_REVIEW_SECONDS = 1.0


def card_uid(guid: str, ordinal: int) -> str:
    """The uid of a card that came from Anki."""
    return hashlib.blake2b(f"anki\x1f{guid}\x1f{ordinal}".encode(), digest_size=8).hexdigest()


def note_uid(guid: str) -> str:
    return hashlib.blake2b(f"anki\x1f{guid}".encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class Match:
    card_id: int
    own: bool  # exported by llmcards: the card's text stays as llmcards has it


class Matcher:
    """Every card of the database, by the keys an Anki card can have."""

    def __init__(self, conn: Connection) -> None:
        self._by_uid: dict[str, int] = {}
        self._by_guid: dict[tuple[str, int], int] = {}
        rows = conn.execute(
            select(CARD.c.id, CARD.c.uid, CARD.c.note_uid, CARD.c.kind, CARD.c.cloze_ord)
        )
        for card_id, uid, note, kind, cloze_ord in rows:
            self._by_uid[uid] = card_id
            if kind == "cloze":  # the ordinal as `anki_notes.cloze_ord` writes it
                self._by_guid[(guid_for(note), max(cloze_ord, 1) - 1)] = card_id
            else:
                self._by_guid[(guid_for(uid), 0)] = card_id

    def find(self, guid: str, ordinal: int) -> Match | None:
        found = self._by_uid.get(card_uid(guid, ordinal))
        if found is not None:
            return Match(found, own=False)
        exported = self._by_guid.get((guid, ordinal))
        return Match(exported, own=True) if exported is not None else None


def known_reviews(conn: Connection, card_id: int) -> list[Review]:
    rows = conn.execute(
        select(REVIEW_LOG.c.reviewed_at, REVIEW_LOG.c.rating, REVIEW_LOG.c.duration_ms).where(
            REVIEW_LOG.c.card_id == card_id
        )
    ).all()
    return [Review(clock.ensure_utc(at), rating, duration or 0) for at, rating, duration in rows]


def unseen(reviews: list[Review], known: list[Review]) -> list[Review]:
    """The reviews that are not already in `known` (the same card at the same time)."""
    times = sorted(r.at.timestamp() for r in known)
    return [r for r in reviews if not _near(times, r.at)]


def _near(times: list[float], at: datetime) -> bool:
    moment = at.timestamp()
    index = bisect.bisect_left(times, moment - SAME_REVIEW_SECONDS)
    return index < len(times) and times[index] <= moment + SAME_REVIEW_SECONDS


def current_values(
    conn: Connection, card_ids: list[int], columns: list[str]
) -> dict[int, dict[str, object]]:
    """These columns of these cards, to update a card only where the package changed it."""
    found: dict[int, dict[str, object]] = {}
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start : start + 500]
        query = select(CARD.c.id, *(CARD.c[c] for c in columns)).where(CARD.c.id.in_(chunk))
        for card_id, *values in conn.execute(query):
            found[card_id] = dict(zip(columns, values, strict=True))
    return found


def differs(values: dict[str, object], current: dict[str, object]) -> bool:
    return any(values[name] != old for name, old in current.items())
