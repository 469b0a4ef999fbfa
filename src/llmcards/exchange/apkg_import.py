"""`llmcards import-anki`: an Anki package's notes, decks and review history as cards.

Identity: a card's `uid` derives from the Anki note GUID and card ordinal, so importing
the same package (or a later export of the same collection) again updates cards and adds
only reviews not seen before. History: the review log is replayed through py-fsrs with
llmcards' settings to rebuild memory state; Anki's own due dates are kept where the
replay agrees on the card's state, so a user switching over keeps their schedule.
All of it is one transaction: a failed import leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, bindparam, insert, select, update

from llmcards import clock
from llmcards.cards import DECK_SEP, split_deck
from llmcards.config import Settings
from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_days import source_day_start
from llmcards.exchange.anki_ids import guid_for
from llmcards.exchange.anki_notes import deck_tag
from llmcards.exchange.anki_notes_in import card_text, is_basic_like
from llmcards.exchange.history import review_rows, schedule_values
from llmcards.exchange.package_reader import AnkiCollection, read_package
from llmcards.exchange.replay import Rating, Replayer, Schedule, Step
from llmcards.store.db import Database
from llmcards.store.models import NEW, RELEARNING, REVIEW, Card, Deck, ReviewLog

CARD = Card.__table__  # type: ignore[attr-defined]
DECK = Deck.__table__  # type: ignore[attr-defined]
REVIEW_LOG = ReviewLog.__table__  # type: ignore[attr-defined]

Progress = Callable[[int, int], None]
_STATE_OF_TYPE = {
    s.CARD_NEW: NEW,
    s.CARD_LEARN: 1,
    s.CARD_REVIEW: REVIEW,
    s.CARD_RELEARN: RELEARNING,
}


@dataclass
class ImportReport:
    path: Path
    new: int = 0
    updated: int = 0
    reviews: int = 0
    skipped_reviews: int = 0
    decks: int = 0
    other_note_types: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "new": self.new,
            "updated": self.updated,
            "reviews": self.reviews,
            "skipped_reviews": self.skipped_reviews,
            "decks": self.decks,
            "other_note_types": dict(self.other_note_types),
        }


def card_uid(guid: str, ordinal: int) -> str:
    return hashlib.blake2b(f"anki\x1f{guid}\x1f{ordinal}".encode(), digest_size=8).hexdigest()


def note_uid(guid: str) -> str:
    return hashlib.blake2b(f"anki\x1f{guid}".encode(), digest_size=8).hexdigest()


def import_apkg(
    db: Database,
    path: Path,
    *,
    settings: Settings,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    now = now or clock.now()
    col = read_package(path)
    report = ImportReport(path)
    importer = _Importer(col, settings, now, f"anki:{path.name}", report, progress)
    with db.write() as conn:
        importer.run(conn)
    return report


_TEXT_COLUMNS = (
    "deck_id",
    "context",
    "front",
    "back",
    "kind",
    "cloze_ord",
    "cloze_text",
    "source_path",
    "tags",
    "suspended",
    "retired",
    "retired_at",
    "updated_at",
)
_SCHEDULE_COLUMNS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
)
_UPDATE_TEXT = (
    update(CARD)
    .where(CARD.c.id == bindparam("_id"))
    .values({c: bindparam(c) for c in _TEXT_COLUMNS})
)
_UPDATE_SCHEDULE = (
    update(CARD)
    .where(CARD.c.id == bindparam("_id"))
    .values({c: bindparam(c) for c in _SCHEDULE_COLUMNS})
)


class _Importer:
    def __init__(
        self,
        col: AnkiCollection,
        settings: Settings,
        now: datetime,
        source: str,
        report: ImportReport,
        progress: Progress | None,
    ) -> None:
        self.col = col
        self.settings = settings
        self.now = now
        self.source = source
        self.report = report
        self.progress = progress
        self.replayer = Replayer(settings)
        self.deck_ids: dict[str, int] = {}
        # written in batches: one executemany per kind of statement
        self.pending_reviews: list[dict[str, object]] = []
        self.pending_schedules: list[dict[str, object]] = []
        self.pending_updates: list[dict[str, object]] = []

    def run(self, conn: Connection) -> None:
        cards = [
            c
            for c in self.col.cards
            if c[1] in self.col.notes and self.col.notes[c[1]][1] in self.col.models
        ]
        self._count_other_note_types()
        existing = self._existing(conn, cards)
        total = len(cards)
        for done, row in enumerate(cards, 1):
            self._card(conn, row, existing)
            if done % 1000 == 0 or done == total:
                self._flush(conn)
                if self.progress:
                    self.progress(done, total)
        self._flush(conn)
        self.report.decks = len(set(self.deck_ids.values()))

    def _flush(self, conn: Connection) -> None:
        if self.pending_updates:
            conn.execute(_UPDATE_TEXT, self.pending_updates)
        if self.pending_reviews:
            conn.execute(insert(REVIEW_LOG), self.pending_reviews)
        if self.pending_schedules:
            conn.execute(_UPDATE_SCHEDULE, self.pending_schedules)
        self.pending_updates, self.pending_reviews, self.pending_schedules = [], [], []

    def _count_other_note_types(self) -> None:
        for _guid, mid, _tags, _flds in self.col.notes.values():
            model = self.col.models.get(mid)
            if model is not None and not model.cloze and not is_basic_like(model):
                self.report.other_note_types[model.name] += 1

    def _existing(self, conn: Connection, cards: list[tuple]) -> dict[str, int]:  # type: ignore[type-arg]
        uids = [card_uid(self.col.notes[c[1]][0], c[3]) for c in cards]
        found: dict[str, int] = {}
        for start in range(0, len(uids), 500):
            chunk = uids[start : start + 500]
            found.update(
                conn.execute(select(CARD.c.uid, CARD.c.id).where(CARD.c.uid.in_(chunk))).all()
            )  # type: ignore[arg-type]
        return found

    def _deck_id(self, conn: Connection, name: str) -> int:
        return ensure_deck(conn, name, self.deck_ids)

    def _card(self, conn: Connection, row: tuple, existing: dict[str, int]) -> None:  # type: ignore[type-arg]
        (
            cid,
            nid,
            did,
            ordinal,
            ctype,
            queue,
            due,
            ivl,
            _factor,
            reps,
            lapses,
            left,
            odue,
            odid,
            data,
        ) = row
        guid, mid, tags, flds = self.col.notes[nid]
        if odid and odue:  # in a filtered deck: the home deck's due is kept in odue
            due = odue
        text = card_text(self.col.models[mid], flds.split("\x1f"), ordinal)
        deck = self.col.decks.get(odid or did) or self.col.decks.get(did) or "Anki"
        deck = DECK_SEP.join(split_deck(deck)) or "Anki"
        uid = card_uid(guid, ordinal)
        values = {
            "deck_id": self._deck_id(conn, deck),
            "context": text.context,
            "front": text.front,
            "back": text.back,
            "kind": text.kind,
            "cloze_ord": text.cloze_ord,
            "cloze_text": text.cloze_text,
            "source_path": self.source,
            "tags": own_tags(tags, deck),
            "suspended": queue == s.QUEUE_SUSPENDED,
            "retired": False,
            "retired_at": None,
            "updated_at": self.now,
        }
        card_id = existing.get(uid)
        known: list[Rating] = []
        if card_id is None:
            values.update(
                uid=uid,
                note_uid=note_uid(guid) if text.kind == "cloze" else uid,
                root=split_deck(deck)[0],
                source_line=0,
                position=due if ctype == s.CARD_NEW else 0,
                created_at=self._created(nid),
                state=NEW,
                reps=0,
                lapses=0,
            )
            values.update(
                guid=guid_for(uid), note_guid=guid_for(str(values["note_uid"]))
            )  # what the export has always derived for such a card
            card_id = conn.execute(insert(CARD), [values]).inserted_primary_key[0]  # type: ignore[index]
            self.report.new += 1
        else:
            self.pending_updates.append({**values, "_id": card_id})
            self.report.updated += 1
            known = self._known_ratings(conn, card_id)
        ratings, skipped = self._ratings(cid)
        self.report.skipped_reviews += skipped
        seen = {round(r.at.timestamp()) for r in known}
        fresh = [r for r in ratings if round(r.at.timestamp()) not in seen]
        steps = self.replayer.replay(sorted(known + fresh, key=lambda r: r.at), card_id=card_id)
        fresh_set = set(fresh)
        new_steps = [step for step in steps if step.rating in fresh_set]
        if new_steps:
            self.pending_reviews.extend(review_rows(card_id, new_steps))
            self.report.reviews += len(new_steps)
        final = self._final(steps, ctype, queue, due, ivl, reps, lapses, data, left)
        self.pending_schedules.append({**schedule_values(final), "_id": card_id})

    def _created(self, nid: int) -> datetime:
        """Anki note ids are their creation time in ms."""
        if 10**11 < nid < 10**14:
            return datetime.fromtimestamp(nid / 1000, UTC)
        return self.now

    def _known_ratings(self, conn: Connection, card_id: int) -> list[Rating]:
        rows = conn.execute(
            select(REVIEW_LOG.c.reviewed_at, REVIEW_LOG.c.rating, REVIEW_LOG.c.duration_ms).where(
                REVIEW_LOG.c.card_id == card_id
            )
        ).all()
        return [
            Rating(clock.ensure_utc(at), rating, duration or 0) for at, rating, duration in rows
        ]

    def _ratings(self, cid: int) -> tuple[list[Rating], int]:
        """The card's answers in time order; manual schedule changes are not answers.

        A "Forget" (manual entry with no interval) resets the card: only answers after
        the last reset shape its memory, as in Anki.
        """
        ratings: list[Rating] = []
        skipped = 0
        for revlog_id, _cid, ease, ivl, _last, factor, taken, kind in self.col.revlog.get(cid, []):
            if 1 <= ease <= 4 and kind in (
                s.REVLOG_LEARN,
                s.REVLOG_REVIEW,
                s.REVLOG_RELEARN,
                s.REVLOG_FILTERED,
            ):
                # Revlog ids are times made unique by nudging equal ones a few ms apart;
                # rounding to the second undoes that, and FSRS counts whole days anyway
                # (a nudge across a day boundary would change the replayed memory).
                at = datetime.fromtimestamp(round(revlog_id / 1000), UTC)
                ratings.append(Rating(at, ease, max(0, taken)))
            else:
                skipped += 1
                if ease == 0 and ivl == 0 and factor == 0:
                    ratings.clear()  # a reset: earlier answers no longer count
        return ratings, skipped

    def _final(
        self,
        steps: list[Step],
        ctype: int,
        queue: int,
        due: int,
        ivl: int,
        reps: int,
        lapses: int,
        data: str,
        left: int,
    ) -> Schedule:
        """The card's schedule: memory from the replay, due date from Anki when they agree."""
        anki_state = _STATE_OF_TYPE.get(ctype, NEW)
        if anki_state == NEW:
            return Schedule()
        anki_due = self._anki_due(queue, due)
        if not steps:
            return self._without_history(anki_state, anki_due, ivl, reps, lapses, data)
        replayed = steps[-1].after
        if replayed.state == anki_state and anki_due is not None:
            return Schedule(
                replayed.state,
                replayed.step,
                replayed.stability,
                replayed.difficulty,
                anki_due,
                replayed.last_review,
                max(reps, replayed.reps),
                max(lapses, replayed.lapses),
            )
        return replayed

    def _anki_due(self, queue: int, due: int) -> datetime | None:
        if queue == s.QUEUE_LEARN or (queue == s.QUEUE_SUSPENDED and due > 10**9):
            return datetime.fromtimestamp(due, UTC)
        if -100_000 < due < 100_000:
            return source_day_start(due, self.col.crt, self.col.conf)
        return None

    def _without_history(
        self, state: int, due: datetime | None, ivl: int, reps: int, lapses: int, data: str
    ) -> Schedule:
        """A seen card whose review log was left out of the package: trust Anki's card."""
        memory = _memory(data)
        stability = memory.get("s") or float(max(ivl, 1))
        difficulty = memory.get("d") or 5.0
        due = due or self.now
        last = due - timedelta(days=max(ivl, 1)) if state == REVIEW else min(due, self.now)
        step = 0 if state != REVIEW else None
        return Schedule(state, step, stability, difficulty, due, last, reps, lapses)


def ensure_deck(conn: Connection, name: str, known: dict[str, int]) -> int:
    """The id of deck `name` (an Anki deck path), made with its parents when missing;
    `known` caches names already looked up."""
    if name in known:
        return known[name]
    parts = split_deck(name) or ("Anki",)
    for depth in range(1, len(parts) + 1):
        path = DECK_SEP.join(parts[:depth])
        if path in known:
            continue
        found = conn.execute(select(DECK.c.id).where(DECK.c.name == path)).scalar()
        if found is None:
            found = conn.execute(insert(DECK).values(name=path)).inserted_primary_key[0]  # type: ignore[index]
        known[path] = found
    known[name] = known[DECK_SEP.join(parts)]
    return known[name]


def own_tags(tags: str, deck: str) -> str:
    """The note's tags without the deck-path tags llmcards' export adds."""
    parts = split_deck(deck)
    deck_tags = {deck_tag(DECK_SEP.join(parts[:depth])) for depth in range(1, len(parts) + 1)}
    return " ".join(tag for tag in tags.split() if tag not in deck_tags)


def _memory(data: str) -> dict[str, float]:
    try:
        parsed = json.loads(data or "{}")
    except ValueError:
        return {}
    return (
        {k: float(v) for k, v in parsed.items() if k in ("s", "d") and isinstance(v, (int, float))}
        if isinstance(parsed, dict)
        else {}
    )
