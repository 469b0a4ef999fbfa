"""`llmcards import-anki`: an Anki package's notes, decks and review history as cards.

Identity (`anki_match`): a card's `uid` derives from the Anki note GUID and card ordinal,
and llmcards' own exports carry GUIDs derived from its cards, so importing the same
package (or a later export of the same collection, or llmcards' own export) again
updates the cards it holds and adds only reviews not already there; importing the same
package twice changes nothing. Each note read is kept with its GUID, note type and
fields, and each review with its revlog id, so `export anki` gives them back to Anki
as the notes and reviews it has (`anki_origin`). History: the review log is replayed
through py-fsrs with llmcards' settings to rebuild memory state; Anki's own due dates
are kept where the replay agrees on the card's state, so a user switching over keeps
their schedule. All of it is one transaction: a failed import leaves the database as
it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from llmcards import clock
from llmcards.cards import DECK_SEP, guid_for, normal_deck, split_deck
from llmcards.config import Settings
from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_days import source_day_start
from llmcards.exchange.anki_import_report import ImportReport, Skipped
from llmcards.exchange.anki_match import (
    Match,
    Matcher,
    card_uid,
    current_values,
    differs,
    known_reviews,
    note_uid,
    unseen,
)
from llmcards.exchange.anki_notes import deck_tag
from llmcards.exchange.anki_notes_in import NoteFields, card_text, is_basic_like
from llmcards.exchange.anki_origin import SOURCE_PREFIX, spec_of
from llmcards.exchange.history import review_rows
from llmcards.exchange.media_in import image_names, import_images, rewrite_sources
from llmcards.exchange.package_reader import MAX_FIELD_CHARS, AnkiCollection, read_package
from llmcards.scheduling.rating import SCHEDULE_COLUMNS, Applied, CardSchedule, Rater, Review
from llmcards.store import origin_notes
from llmcards.store.db import Database
from llmcards.store.models import CARD, DECK, NEW, RELEARNING, REVIEW
from llmcards.store.models import LOG as REVIEW_LOG
from llmcards.store.origin_notes import OriginNote
from llmcards.store.queries import inserted_id

Progress = Callable[[int, int], None]
_STATE_OF_TYPE = {
    s.CARD_NEW: NEW,
    s.CARD_LEARN: 1,
    s.CARD_REVIEW: REVIEW,
    s.CARD_RELEARN: RELEARNING,
}


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
    with db.read() as conn:  # llmcards' own cards keep their text: their images stay out
        matcher = Matcher(conn)
    theirs = {c[1] for c in col.cards if c[1] in col.notes and not _own(matcher, col, c)}
    wanted = image_names([col.notes[nid][3] for nid in theirs])
    if db.path is not None:
        images, report.media = import_images(path, wanted, db.path)
    else:  # an in-memory database has no folder to put images beside
        images = {}
        report.media.left_out["no database folder"] += len(wanted)
    importer = _Importer(
        col, settings, now, f"{SOURCE_PREFIX}{path.name}", report, progress, images
    )
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
    "origin_guid",
    "origin_ord",
)
# What a card's place in its Anki note is: filled in for cards an older llmcards
# imported, which is no change the learner would see.
_ORIGIN_COLUMNS = ("origin_guid", "origin_ord")
_UPDATE_TEXT = (
    update(CARD)
    .where(CARD.c.id == bindparam("_id"))
    .values({c: bindparam(c) for c in _TEXT_COLUMNS})
)
_UPDATE_SCHEDULE = (
    update(CARD)
    .where(CARD.c.id == bindparam("_id"))
    .values({c: bindparam(c) for c in SCHEDULE_COLUMNS})
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
        images: dict[str, Path],
    ) -> None:
        self.col = col
        self.images = images  # media name -> the imported file
        self.settings = settings
        self.now = now
        self.source = source
        self.report = report
        self.progress = progress
        self.rater = Rater(settings)
        self.deck_ids: dict[str, int] = {}
        self.package_decks: set[str] = set()
        self.extra_counted: set[int] = set()  # notes counted in report.extra_fields
        # the notes the cards came from, kept to give them back to Anki as themselves
        self.origin_notes: dict[str, OriginNote] = {}
        self.origin_types: dict[int, tuple[str, str]] = {}
        self._note: tuple[int, NoteFields] | None = None  # the note being read
        # written in batches: one executemany per kind of statement
        self.pending_reviews: list[dict[str, object]] = []
        self.pending_schedules: list[dict[str, object]] = []
        self.pending_updates: list[dict[str, object]] = []
        self.pending_claims: list[dict[str, object]] = []  # known reviews taking revlog ids

    def run(self, conn: Connection) -> None:
        cards = [
            c
            for c in self.col.cards
            if c[1] in self.col.notes and self.col.notes[c[1]][1] in self.col.models
        ]
        self._count_other_note_types()
        self._report_oversize()
        matcher = Matcher(conn)
        matches = {c[0]: matcher.find(self.col.notes[c[1]][0], c[3]) for c in cards}
        ids = [m.card_id for m in matches.values() if m and not m.own]
        texts = current_values(conn, ids, [c for c in _TEXT_COLUMNS if c != "updated_at"])
        total = len(cards)
        for done, row in enumerate(cards, 1):
            self._card(conn, row, matches[row[0]], texts)
            if done % 1000 == 0 or done == total:
                self._flush(conn)
                if self.progress:
                    self.progress(done, total)
        self._flush(conn)
        origin_notes.save(conn, self.origin_types, self.origin_notes.values())
        self.report.decks = len(self.package_decks)

    def _flush(self, conn: Connection) -> None:
        if self.pending_updates:
            conn.execute(_UPDATE_TEXT, self.pending_updates)
        _unique_anki_ids(conn, [*self.pending_claims, *self.pending_reviews])
        if self.pending_claims:
            conn.execute(_CLAIM, self.pending_claims)
        if self.pending_reviews:
            conn.execute(insert(REVIEW_LOG), self.pending_reviews)
        if self.pending_schedules:
            conn.execute(_UPDATE_SCHEDULE, self.pending_schedules)
        self.pending_updates, self.pending_reviews, self.pending_schedules = [], [], []
        self.pending_claims = []

    def _count_other_note_types(self) -> None:
        for _guid, mid, _tags, _flds in self.col.notes.values():
            model = self.col.models.get(mid)
            if model is not None and not model.cloze and not is_basic_like(model):
                self.report.other_note_types[model.name] += 1

    def _report_oversize(self) -> None:
        for nid, (mid, index, length) in sorted(self.col.oversize.items()):
            model = self.col.models.get(mid)
            name = model.fields[index] if model and index < len(model.fields) else f"{index + 1}"
            self.report.skipped.append(
                Skipped(
                    nid,
                    model.name if model else "?",
                    f"field {name!r} is {length:,} characters long, over the "
                    f"{MAX_FIELD_CHARS:,} a field may have",
                )
            )

    def _deck_id(self, conn: Connection, name: str) -> int:
        return ensure_deck(conn, name, self.deck_ids)

    def _card(
        self,
        conn: Connection,
        row: tuple[Any, ...],
        match: Match | None,
        texts: dict[int, dict[str, object]],
    ) -> None:
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
        deck = self.col.decks.get(odid or did) or self.col.decks.get(did) or "Anki"
        deck = normal_deck(deck) or "Anki"
        changed = False
        if match is not None and match.own:  # llmcards' own card: its text stays
            card_id = match.card_id
        else:
            fields = self._fields(nid, flds)
            text = card_text(self.col.models[mid], fields, ordinal)
            if not text.front:  # nothing to ask: never a front made up from the answer
                self.report.skipped.append(
                    Skipped(nid, self.col.models[mid].name, "no front", ordinal + 1)
                )
                return
            if text.extra_fields and nid not in self.extra_counted:
                self.extra_counted.add(nid)
                self.report.extra_fields[self.col.models[mid].name] += 1
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
                "origin_guid": guid,
                "origin_ord": ordinal,
            }
            self._keep_note(nid, guid, mid, fields)
            if match is None:
                uid = card_uid(guid, ordinal)
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
                # what the export has always derived for such a card
                values.update(guid=guid_for(uid), note_guid=guid_for(str(values["note_uid"])))
                card_id = inserted_id(conn.execute(insert(CARD), [values]))
                self.report.new += 1
            else:
                card_id = match.card_id
                current = texts[card_id]
                if differs(values, current):
                    self.pending_updates.append({**values, "_id": card_id})
                # The same notes from a package of another name: stored with the new
                # name, but nothing about the card changed for the learner.
                seen = ("source_path", *_ORIGIN_COLUMNS)
                changed = differs(values, {k: v for k, v in current.items() if k not in seen})
        parts = split_deck(deck)
        self.package_decks.update(DECK_SEP.join(parts[:n]) for n in range(1, len(parts) + 1))
        ratings, skipped = self._ratings(cid)
        self.report.skipped_reviews += skipped
        known = known_reviews(conn, card_id) if match is not None and ratings else []
        fresh, claimed = unseen(ratings, known)
        if not (match is not None and match.own):  # llmcards' own reviews keep their ids
            self.pending_claims.extend({"_id": row, "anki_id": rid} for row, rid in claimed)
        if match is not None and not fresh:  # nothing new for a card already here
            self.report.updated += changed
            self.report.unchanged += not changed
            return
        if match is not None:
            self.report.updated += 1
        revlog_ids = {id(review): revlog_id for review, revlog_id in fresh}
        steps = self.rater.replay(card_id, [k.review for k in known] + [r for r, _ in fresh])
        new_steps = [step for step in steps if id(step.review) in revlog_ids]
        if new_steps:
            written = review_rows(card_id, new_steps)
            for log_row, step in zip(written, new_steps, strict=True):
                log_row["anki_id"] = revlog_ids[id(step.review)]
            self.pending_reviews.extend(written)
            self.report.reviews += len(new_steps)
        final = self._final(steps, ctype, queue, due, ivl, reps, lapses, data, left)
        self.pending_schedules.append({**final.columns(), "_id": card_id})

    def _fields(self, nid: int, flds: str) -> NoteFields:
        """The note's fields, images pointing at the imported files; the cards of a note
        come one after another, and read them converted once."""
        if self._note is None or self._note[0] != nid:
            fields = [rewrite_sources(f, self.images) for f in flds.split("\x1f")]
            self._note = (nid, NoteFields(fields))
        return self._note[1]

    def _keep_note(self, nid: int, guid: str, mid: int, fields: NoteFields) -> None:
        if guid not in self.origin_notes:
            model = self.col.models[mid]
            self.origin_types.setdefault(mid, (model.name, spec_of(model)))
            mtime = self.col.note_mtime.get(nid, 0)
            # as Markdown, the way the import reads every field: the export renders it
            # again like any card's text, so nothing of the package's HTML goes through
            kept = "\x1f".join(fields.markdown(index) for index in range(len(fields)))
            self.origin_notes[guid] = OriginNote(guid, mid, kept, mtime)

    def _created(self, nid: int) -> datetime:
        """Anki note ids are their creation time in ms."""
        if 10**11 < nid < 10**14:
            return datetime.fromtimestamp(nid / 1000, UTC)
        return self.now

    def _ratings(self, cid: int) -> tuple[list[tuple[Review, int]], int]:
        """The card's answers in time order, each with its revlog id; manual schedule
        changes are not answers.

        A "Forget" (manual entry with no interval) resets the card: only answers after
        the last reset shape its memory, as in Anki.
        """
        ratings: list[tuple[Review, int]] = []
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
                ratings.append((Review(at, ease, max(0, taken)), revlog_id))
            else:
                skipped += 1
                if ease == 0 and ivl == 0 and factor == 0:
                    ratings.clear()  # a reset: earlier answers no longer count
        return ratings, skipped

    def _final(
        self,
        steps: list[Applied],
        ctype: int,
        queue: int,
        due: int,
        ivl: int,
        reps: int,
        lapses: int,
        data: str,
        left: int,
    ) -> CardSchedule:
        """The card's schedule: memory from the replay, due date from Anki when they agree."""
        anki_state = _STATE_OF_TYPE.get(ctype, NEW)
        if anki_state == NEW:
            return CardSchedule()
        anki_due = self._anki_due(queue, due)
        if not steps:
            return self._without_history(anki_state, anki_due, ivl, reps, lapses, data)
        replayed = steps[-1].after
        if replayed.state == anki_state and anki_due is not None:
            return CardSchedule(
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
    ) -> CardSchedule:
        """A seen card whose review log was left out of the package: trust Anki's card."""
        memory = _memory(data)
        stability = memory.get("s") or float(max(ivl, 1))
        difficulty = memory.get("d") or 5.0
        due = due or self.now
        last = due - timedelta(days=max(ivl, 1)) if state == REVIEW else min(due, self.now)
        step = 0 if state != REVIEW else None
        return CardSchedule(state, step, stability, difficulty, due, last, reps, lapses)


_CLAIM = (
    update(REVIEW_LOG)
    .where(REVIEW_LOG.c.id == bindparam("_id"))
    .values(anki_id=bindparam("anki_id"))
)


def _unique_anki_ids(conn: Connection, rows: list[dict[str, object]]) -> None:
    """A revlog id another review already has stays with that one (`anki_id` is unique:
    two packages can only disagree about it if one was made by hand)."""
    wanted = [row["anki_id"] for row in rows if row.get("anki_id") is not None]
    if not wanted:
        return
    taken = {
        found
        for start in range(0, len(wanted), 500)
        for found in conn.execute(
            select(REVIEW_LOG.c.anki_id).where(
                REVIEW_LOG.c.anki_id.in_(wanted[start : start + 500])
            )
        ).scalars()
    }
    for row in rows:
        if row.get("anki_id") is not None:
            if row["anki_id"] in taken:
                row["anki_id"] = None
            else:
                taken.add(row["anki_id"])


def _own(matcher: Matcher, col: AnkiCollection, card: tuple[Any, ...]) -> bool:
    match = matcher.find(col.notes[card[1]][0], card[3])
    return match is not None and match.own


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
            found = inserted_id(conn.execute(insert(DECK).values(name=path)))
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
