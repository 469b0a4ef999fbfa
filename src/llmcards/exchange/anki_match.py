"""Which card of the database an Anki card is, and which of its reviews are already known.

An Anki card is matched by identity, never by text:
- a card that came from Anki before has `uid = card_uid(GUID, ordinal)`;
- a card llmcards exported itself has the GUID `anki_ids.guid_for(uid)` (a basic card,
  ordinal 0) or `guid_for(note_uid)` (a cloze card, ordinal = cN - 1).
Re-importing llmcards' own package therefore updates the cards it came from instead of
adding copies; their text stays as llmcards has it (the package is a copy of it).

A review is already known when the card has one within a second of it: revlog ids are
review times in ms, nudged apart by a few ms, and the import rounds them to the second.
Each imported review keeps its revlog id (`review_log.anki_id`), and a known review
without one (imported before ids were kept) takes it, so an export gives Anki the very
ids it had and Anki, which keys reviews by id, never counts one twice.
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


@dataclass(frozen=True, slots=True)
class KnownReview:
    row_id: int
    review: Review
    anki_id: int | None  # its revlog id, when it has one
    origin: str = "anki"  # or "llmcards": rated here


def known_reviews(conn: Connection, card_id: int) -> list[KnownReview]:
    rows = conn.execute(
        select(
            REVIEW_LOG.c.id,
            REVIEW_LOG.c.reviewed_at,
            REVIEW_LOG.c.rating,
            REVIEW_LOG.c.duration_ms,
            REVIEW_LOG.c.anki_id,
            REVIEW_LOG.c.origin,
        ).where(REVIEW_LOG.c.card_id == card_id)
    ).all()
    return [
        KnownReview(row_id, Review(clock.ensure_utc(at), rating, duration or 0), anki_id, origin)
        for row_id, at, rating, duration, anki_id, origin in rows
    ]


def unseen(
    reviews: list[tuple[Review, int]], known: list[KnownReview]
) -> tuple[list[tuple[Review, int]], list[tuple[int, int]]]:
    """The (review, revlog id) pairs not already in `known` (the same card at the same
    time), and (row id, revlog id) for the known rows without their revlog id that one
    of them is (the same moment and rating): those rows take it."""
    times = sorted(k.review.at.timestamp() for k in known)
    fresh = [(r, rid) for r, rid in reviews if not _near(times, r.at)]
    open_rows = [k for k in known if k.anki_id is None]
    claimed: list[tuple[int, int]] = []
    if open_rows and len(fresh) < len(reviews):
        fresh_ids = {rid for _r, rid in fresh}
        for review, revlog_id in reviews:
            if revlog_id in fresh_ids:
                continue
            # the review imported from Anki before, else the nearest of the same rating
            alike = [
                row
                for row in open_rows
                if row.review.rating == review.rating
                and abs((row.review.at - review.at).total_seconds()) <= SAME_REVIEW_SECONDS
            ]
            if alike:
                row = min(
                    alike,
                    key=lambda r: (
                        r.origin != "anki",
                        abs((r.review.at - review.at).total_seconds()),
                    ),
                )
                claimed.append((row.row_id, revlog_id))
                open_rows.remove(row)
    return fresh, claimed


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
