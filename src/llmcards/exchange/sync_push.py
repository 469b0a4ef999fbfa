"""Sync, step two: llmcards' state written into the mirror, so the server gets it.

Notes are built, rendered and keyed exactly as the `.apkg` export builds them
(`anki_notes.build_notes`, stored GUIDs), and each card's Anki schedule comes from the
export's arithmetic (`anki_cards.card_schedule`) counted in the mirror's own days. Only
what differs from the mirror is written, so a second sync right away changes nothing.
Reviews go into the revlog under ids recorded here first (`review_log.anki_id`); a push
cut off half-way is finished by the next one, and no review is written twice.

A card that came from Anki (`import-anki`) goes as the Anki note it came from, as the
export writes it (`anki_origin`): when the mirror has that note (the usual case: the
server holds the collection it came from), its schedule and the reviews made here go
to that note's card, and the note itself is left as it is in Anki (its fields, tags,
note type and deck). When the mirror lacks it, it is added under its own GUID and note
type, through Anki's package import (`write_notes_package`), which keeps the note
type's id, or takes the mirror's own when it has that note type.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, bindparam, select, update

from llmcards import clock
from llmcards.config import Settings
from llmcards.errors import UserError
from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_cards import card_schedule
from llmcards.exchange.anki_days import AnkiDays
from llmcards.exchange.anki_mirror import Mirror
from llmcards.exchange.anki_notes import AnkiNote, anki_key, build_notes
from llmcards.exchange.anki_origin import Origins, load_origins
from llmcards.exchange.apkg_export import write_notes_package
from llmcards.exchange.media import MediaPacker
from llmcards.exchange.revlog_sql import revlog_sql
from llmcards.exchange.selection import ExportCard, selected_cards
from llmcards.exchange.sync_pull import MirrorCard, local_cards, mirror_cards
from llmcards.store.adopt import SYNC_SOURCE
from llmcards.store.db import Store
from llmcards.store.models import CARD, NEW
from llmcards.store.models import LOG as REVIEW
from llmcards.store.sqlite import driver_connection

_SET_CARD = """update cards set did=?, type=?, queue=?, due=?, ivl=?, factor=?, reps=?,
lapses=?, left=?, data=?, mod=?, usn=-1 where id=?"""
_ADD_REVLOG = """insert or ignore into revlog
(id, cid, usn, ease, ivl, lastIvl, factor, time, type) values (?,?,-1,?,?,?,?,?,?)"""


@dataclass
class PushReport:
    notes_added: int = 0
    notes_updated: int = 0
    cards_scheduled: int = 0
    reviews: int = 0
    media: int = 0
    cards_retired: int = 0  # gone from the notes: suspended in Anki


def push(
    db: Store, mirror: Mirror, models: dict[int, str], settings: Settings, now: datetime
) -> PushReport:
    report = PushReport()
    with db.read() as conn:
        try:
            cards = selected_cards(conn, None)
        except UserError:  # no cards at all: nothing to push
            cards = []
        origins = load_origins(conn, cards)
    media = MediaPacker()
    notes = build_notes(cards, media, origins=origins)
    model_of = {kind: mid for mid, kind in models.items()}
    decks = _notes(mirror, notes, model_of, origins, settings, now, report)
    report.media = _media(mirror, media)
    places = {card.id: anki_key(card, origins) for card in cards}
    from_anki = {place[0] for card in cards if (place := places[card.id]) != anki_key(card)}
    remote = mirror_cards(mirror, models, from_anki)
    _schedules(mirror, cards, places, from_anki, remote, decks, settings, now, report)
    report.cards_retired = _retire(db, mirror, remote, now)
    ids = {card.id: remote[places[card.id]].cid for card in cards if places[card.id] in remote}
    report.reviews = _reviews(db, mirror, ids, settings, now)
    held = [{"_id": c.id, "s": bool(c.suspended)} for c in cards if c.id in ids]
    if held:  # what the mirror now holds, to tell a later change made in Anki from ours
        with db.write() as conn:
            conn.execute(
                update(CARD)
                .where(CARD.c.id == bindparam("_id"))
                .values(anki_suspended=bindparam("s")),
                held,
            )
    return report


def _notes(
    mirror: Mirror,
    notes: list[AnkiNote],
    model_of: dict[str, int],
    origins: Origins,
    settings: Settings,
    now: datetime,
    report: PushReport,
) -> dict[str, int]:
    """New notes added, changed ones updated; returns the mirror's deck ids by name."""
    existing = {
        guid: (nid, mid, flds, tags)
        for nid, guid, mid, flds, tags in mirror.query(
            f"select id, guid, mid, flds, tags from notes where mid in ({','.join(str(m) for m in model_of.values())})"
        )
    }
    decks: dict[str, int] = {}

    def deck_id(name: str) -> int:
        if name not in decks:
            decks[name] = mirror.deck_id(name)
        return decks[name]

    own = (s.BASIC_MODEL_ID, s.CLOZE_MODEL_ID)
    from_anki = [note for note in notes if note.model_id not in own]
    present = mirror.guids_present([note.guid for note in from_anki])
    missing = [note for note in from_anki if note.guid not in present]
    if missing:  # Anki's own note, where the mirror has it, is Anki's: left as it is
        used = {note.model_id for note in missing}
        with tempfile.TemporaryDirectory(prefix="llmcards-sync-") as work:
            package = Path(work) / "notes.apkg"
            write_notes_package(
                package,
                missing,
                [m for m in origins.anki_models() if m.id in used],
                settings,
                now,
            )
            mirror.import_package(package)
    added, changed = [], []
    for note in notes:
        if note.model_id not in own:
            continue
        mid = model_of["cloze" if note.model_id == s.CLOZE_MODEL_ID else "basic"]
        found = existing.get(note.guid)
        if found is None:
            added.append((note.guid, mid, note.fields, note.tags, deck_id(note.cards[0][1].deck)))
        elif _synced_in(note):
            # Not ours to change: the server's note, read back here from its HTML, which
            # does not come out of Markdown again byte for byte (a NBSP, a link's title).
            # Writing it back rewrote the owner's note on every sync, each undoing the other.
            continue
        elif found[2] != "\x1f".join(note.fields) or not _same_tags(found[3], note.tags):
            changed.append((found[0], note.fields, note.tags))
    mirror.add_notes(added)
    mirror.update_notes(changed)
    for note in [*missing, *(note for note in notes if note.model_id in own)]:
        for _, card in note.cards:
            deck_id(card.deck)
    report.notes_added, report.notes_updated = len(added) + len(missing), len(changed)
    return decks


def _synced_in(note: AnkiNote) -> bool:
    """Whether all of the note's cards came from the server (no notes file here has it)."""
    return all(card.source_path == SYNC_SOURCE for _ord, card in note.cards)


def _same_tags(stored: str, ours: list[str]) -> bool:
    """Anki keeps tags in its own order and matches them ignoring case."""
    return {t.casefold() for t in stored.split()} == {t.casefold() for t in ours}


def _media(mirror: Mirror, media: MediaPacker) -> int:
    """Local images copied into the mirror's media folder (Anki's media sync sends them)."""
    copied = 0
    folder = mirror.media_dir
    for name, path in media.files.items():
        target = folder / name
        try:
            if target.exists() and target.read_bytes() == path.read_bytes():
                continue
            shutil.copyfile(path, target)
        except OSError:
            continue  # gone since the notes were read: Anki shows it missing
        copied += 1
    return copied


def _schedules(
    mirror: Mirror,
    cards: list[ExportCard],
    places: dict[int, tuple[str, int]],
    from_anki: set[str],
    remote: dict[tuple[str, int], MirrorCard],
    decks: dict[str, int],
    settings: Settings,
    now: datetime,
    report: PushReport,
) -> None:
    """Each card's schedule onto its card in the mirror. A card of a note that came from
    Anki (`from_anki`) stays in the deck Anki has it in."""
    days = AnkiDays(datetime.fromtimestamp(mirror.crt, UTC), settings.rollover_hour)
    today_ends = clock.next_day_start(now, settings.rollover_hour).timestamp()
    current = {
        row[0]: tuple(row[1:])
        for row in mirror.query(
            "select id, did, type, queue, due, ivl, factor, reps, lapses, left, data from cards"
            " where odid = 0"  # a card in a filtered deck is Anki's until it goes home
        )
    }
    updates = []
    mod = int(now.timestamp())
    for card in cards:
        key = places[card.id]
        place = remote.get(key)
        if place is None:
            continue  # a cloze number Anki does not see in the text
        have = current.get(place.cid)
        if have is None:
            continue
        position = have[3] if have[1] == s.CARD_NEW else 0  # Anki numbered its new cards
        sched = card_schedule(
            card,
            position=position,
            days=days,
            today_ends=today_ends,
            learning_steps=len(settings.learning_steps),
            relearning_steps=len(settings.relearning_steps),
            desired_retention=settings.desired_retention,
        )
        reps, lapses = (0, 0) if card.state == NEW else (card.reps, card.lapses)
        want = (
            have[0] if key[0] in from_anki else decks.get(card.deck, have[0]),
            sched.type,
            sched.queue,
            sched.due,
            sched.ivl,
            sched.factor,
            reps,
            lapses,
            sched.left,
            sched.data,
        )
        if want[:-1] != have[:-1] or not same_memory(want[-1], have[-1]):
            updates.append((*want, mod, place.cid))
    mirror.execute_many(_SET_CARD, updates)
    report.cards_scheduled = len(updates)


def _retire(
    db: Store, mirror: Mirror, remote: dict[tuple[str, int], MirrorCard], now: datetime
) -> int:
    """A card gone from the notes (retired: kept with its history, out of the queue) is
    suspended in Anki once, the nearest thing Anki has; its note is not deleted. If it is
    unsuspended there later, that stands; if it comes back to the notes, it is unsuspended."""
    with db.read() as conn:
        local = local_cards(conn)
    gone = [
        (card.id, remote[key].cid)
        for key, card in local.by_place.items()
        if card.retired and not card.anki_suspended and key in remote
        and key[0] not in local.from_anki  # an Anki note's card: Anki's to suspend
    ]  # fmt: skip
    if not gone:
        return 0
    mirror.execute_many(
        "update cards set queue = -1, mod = ?, usn = -1 where id = ? and queue != -1",
        [(int(now.timestamp()), cid) for _, cid in gone],
    )
    with db.write() as conn:
        conn.execute(
            update(CARD).where(CARD.c.id == bindparam("_id")).values(anki_suspended=True),
            [{"_id": card_id} for card_id, _ in gone],
        )
    return len(gone)


def same_memory(ours: str, theirs: str) -> bool:
    """`cards.data` as Anki keeps it: it rewrites the JSON (`{}` for none, d to 3 places),
    so equal memory states are compared as numbers, not as text."""
    if ours == theirs:
        return True
    try:
        a, b = json.loads(ours or "{}"), json.loads(theirs or "{}")
    except ValueError:
        return False
    if not isinstance(a, dict) or not isinstance(b, dict) or a.keys() != b.keys():
        return False
    return all(
        abs(float(a[k]) - float(b[k])) < 2e-3
        if isinstance(a[k], int | float) and isinstance(b[k], int | float)
        else a[k] == b[k]
        for k in a
    )


def _reviews(
    db: Store, mirror: Mirror, anki_card: dict[int, int], settings: Settings, now: datetime
) -> int:
    """Every review of a synced card into the revlog, under its recorded revlog id."""
    in_mirror = {row[0] for row in mirror.query("select id from revlog")}
    with db.write() as conn:
        _assign_ids(conn, anki_card, in_mirror)
        rows = conn.execute(
            select(REVIEW.c.card_id, REVIEW.c.anki_id).where(REVIEW.c.anki_id.is_not(None))
        ).all()
    missing = {anki_id for card_id, anki_id in rows if card_id in anki_card} - in_mirror
    if not missing:
        return 0
    cards = sorted({card_id for card_id, anki_id in rows if anki_id in missing})
    out = []
    with db.read() as conn:
        raw = driver_connection(conn)
        study_days = clock.calendar(settings.rollover_hour)
        for start in range(0, len(cards), 500):
            chunk = cards[start : start + 500]
            sql = revlog_sql(
                study_days,
                extra=", anki_id",
                where=f" WHERE card_id IN ({','.join(str(c) for c in chunk)})",
            )
            last: dict[int, int] = {}
            for card_id, _ms, ease, ivl, factor, taken, kind, anki_id in raw.execute(sql):
                if anki_id in missing:
                    out.append(
                        (
                            anki_id,
                            anki_card[card_id],
                            ease,
                            ivl,
                            last.get(card_id, 0),
                            factor,
                            taken,
                            kind,
                        )
                    )
                last[card_id] = ivl
    mirror.execute_many(_ADD_REVLOG, out)
    return len(out)


def _assign_ids(conn: Connection, anki_card: dict[int, int], in_mirror: set[int]) -> None:
    """Revlog ids for reviews made here, recorded before anything is written to Anki:
    the review time in ms, moved on by a millisecond while taken (Anki's own rule)."""
    pending = [
        (review_id, ms)
        for review_id, card_id, ms in conn.exec_driver_sql(_PENDING)
        if card_id in anki_card
    ]
    if not pending:
        return
    taken = in_mirror | set(
        conn.execute(select(REVIEW.c.anki_id).where(REVIEW.c.anki_id.is_not(None))).scalars()
    )
    assigned = []
    for review_id, ms in pending:
        while ms in taken:
            ms += 1
        taken.add(ms)
        assigned.append((ms, review_id))
    conn.exec_driver_sql("update review_log set anki_id = ? where id = ?", assigned)


# Straight from SQLite, times already as ms (like `revlog_sql`): 100k timestamps parsed
# in Python would cost a second.
_PENDING = """
select id, card_id, CAST(round((julianday(reviewed_at) - 2440587.5) * 86400000.0) AS INTEGER)
from review_log where anki_id is null order by reviewed_at, id
"""
