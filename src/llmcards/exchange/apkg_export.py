"""`llmcards export anki`: an `.apkg` Anki imports with decks, notes, schedule and history.

genanki (0.13) writes notes and new cards only: it has no place for a card's interval,
queue, FSRS memory state or review log. So the package is written here directly: a zip
holding `collection.anki2` (SQLite, Anki schema 11, see `apkg_schema`) and `media`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from llmcards import clock
from llmcards.clock import StudyCalendar
from llmcards.config import Settings
from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_cards import card_schedule, new_schedule
from llmcards.exchange.anki_days import AnkiDays
from llmcards.exchange.anki_ids import field_checksum
from llmcards.exchange.anki_notes import AnkiNote, build_notes, deck_ids
from llmcards.exchange.anki_origin import load_origins
from llmcards.exchange.media import MAX_IMAGE_BYTES, MediaPacker, refusal
from llmcards.exchange.outfile import atomic_output, check_target
from llmcards.exchange.package_reader import Model
from llmcards.exchange.revlog_sql import (
    Staged,
    merge_revlog,
    stage_revlog,
    stage_revlog_from_file,
)
from llmcards.exchange.selection import ExportCard, selected_cards
from llmcards.paths import media_dir
from llmcards.store.db import Database
from llmcards.store.models import LOG as REVIEW
from llmcards.store.models import NEW
from llmcards.store.queries import resolve_deck
from llmcards.store.sqlite import driver_connection

Progress = Callable[[int, int], None]  # (done, total) work units: cards + reviews


@dataclass
class ExportSummary:
    path: Path
    decks: int
    notes: int
    cards: int
    reviews: int
    scheduling: bool
    moved_from_future: int = 0
    media: int = 0  # local image files packed
    media_refused: dict[str, int] = field(default_factory=dict)  # reason -> left as links

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "format": "apkg",
            "decks": self.decks,
            "notes": self.notes,
            "cards": self.cards,
            "reviews": self.reviews,
            "scheduling": self.scheduling,
            "reviews_moved_from_future": self.moved_from_future,
            "media": self.media,
            "media_refused": self.media_refused,
        }


def _unique_ids(moments: list[float]) -> list[int]:
    """Anki ids from creation times (ms), unique: equal times are spread 1 ms apart.

    Many cards share one creation time (one import), so ids are handed out in time
    order, each at least one more than the previous.
    """
    order = sorted(range(len(moments)), key=lambda i: moments[i])
    out = [0] * len(moments)
    previous = -1
    for index in order:
        value = max(int(moments[index] * 1000), previous + 1)
        out[index] = previous = value
    return out


def export_apkg(
    db: Database,
    path: Path,
    *,
    settings: Settings,
    deck: str | None = None,
    scheduling: bool = True,
    force: bool = False,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    now = now or clock.now()
    path = check_target(path, force=force, database=db.path)
    now_ms = int(now.timestamp() * 1000)
    if deck:  # a mistyped --deck fails before any work starts
        with db.read() as conn:
            resolve_deck(conn, deck)
    with (
        tempfile.TemporaryDirectory(prefix="llmcards-export-") as work,
        _revlog_worker(db, scheduling) as worker,
    ):
        staging = str(Path(work) / "revlog.sqlite")
        pending = (
            worker(staging, clock.calendar(settings.rollover_hour), now_ms) if scheduling else None
        )
        with db.read() as conn:
            cards = selected_cards(conn, deck)
            origins = load_origins(conn, cards)
            first_review, review_count = (
                conn.execute(select(func.min(REVIEW.c.reviewed_at), func.count())).one()
                if scheduling
                else (None, 0)
            )
        media = MediaPacker(media_dir(db.path) if db.path is not None else None)
        notes = build_notes(cards, media, origins=origins)
        decks = deck_ids({c.deck for c in cards})
        days = AnkiDays(_anchor(cards, first_review, now), settings.rollover_hour)
        with atomic_output(path, force=force, database=db.path) as temp:
            collection = Path(work) / "collection.anki2"
            sqlite = sqlite3.connect(collection)
            try:
                writer = _Writer(sqlite, settings, days, now, decks, progress)
                writer.total = len(cards) + review_count  # the bar's length is known from the start
                used = {note.model_id for note in notes}
                models = [m for m in origins.anki_models() if m.id in used]
                writer.write(notes, scheduling, models)
                if pending is not None:
                    writer.merge_revlog(
                        _staged(pending, db, staging, settings.rollover_hour, now_ms)
                    )
                s.create_indexes(sqlite)
                sqlite.commit()
            finally:
                sqlite.close()
            with zipfile.ZipFile(
                temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
            ) as archive:
                archive.write(collection, "collection.anki2")
                packed = _pack_media(archive, media)
    return ExportSummary(
        path,
        len(decks),
        len(notes),
        writer.cards_written,
        writer.reviews_written,
        scheduling,
        writer.moved_from_future,
        len(packed),
        dict(media.refused),
    )


def write_notes_package(
    path: Path, notes: list[AnkiNote], models: list[Model], settings: Settings, now: datetime
) -> None:
    """A package of `notes` alone, under the note types `models` (notes that came from
    Anki): new cards, no reviews, no media, no llmcards note type. Sync imports it into
    its mirror, because only Anki's package import adds a note type under the id it had
    (its note type API always gives a new one); the schedules and reviews follow as sync
    writes them for every card."""
    cards = [card for note in notes for _, card in note.cards]
    decks = deck_ids({c.deck for c in cards})
    with tempfile.TemporaryDirectory(prefix="llmcards-sync-") as work:
        collection = Path(work) / "collection.anki2"
        sqlite = sqlite3.connect(collection)
        try:
            writer = _Writer(
                sqlite, settings, AnkiDays(now, settings.rollover_hour), now, decks, None
            )
            writer.write(notes, False, models, own_models=False)
            s.create_indexes(sqlite)
            sqlite.commit()
        finally:
            sqlite.close()
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr("media", "{}")


def _pack_media(archive: zipfile.ZipFile, media: MediaPacker) -> dict[str, str]:
    """The images as entries "0", "1", … and the `media` map of entry to file name (the
    legacy package layout every Anki reads). A file gone since it was found is left out."""
    packed: dict[str, str] = {}
    for name, file in media.files.items():
        entry = str(len(packed))
        try:
            # Checked again on the open file: it may have changed since it was found (a
            # FIFO would block a plain open, a symlink would lead elsewhere).
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
            with os.fdopen(os.open(file, flags), "rb") as source:
                if refusal(source.fileno()) is not None:
                    continue
                data = source.read(MAX_IMAGE_BYTES + 1)
        except OSError:
            continue
        if len(data) > MAX_IMAGE_BYTES:
            continue
        archive.writestr(entry, data, compress_type=zipfile.ZIP_STORED)  # compressed already
        packed[entry] = name
    archive.writestr("media", json.dumps(packed, ensure_ascii=False))
    return packed


@contextmanager
def _revlog_worker(
    db: Database, scheduling: bool
) -> Iterator[Callable[[str, StudyCalendar, int], Future[Staged]]]:
    """Stages the review log in a second process (its own read of the database file) while
    this one renders cards; an in-memory database is staged right here instead."""
    if not scheduling or db.path is None:

        def inline(target: str, study_days: StudyCalendar, now_ms: int) -> Future[Staged]:
            done: Future[Staged] = Future()
            if scheduling:
                with db.read() as conn:
                    done.set_result(
                        stage_revlog(driver_connection(conn), target, study_days, now_ms)
                    )
            return done

        yield inline
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a clean interpreter that imports only the stdlib-only staging module
    from llmcards.lifetime import end_with_parent

    # end_with_parent: a parent killed mid-export (kill -9) must not leave the worker,
    # and with it multiprocessing's resource tracker, running forever.
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=end_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        yield lambda target, study_days, now_ms: pool.submit(
            stage_revlog_from_file, str(db.path), target, study_days, now_ms
        )


def _staged(
    pending: Future[Staged], db: Database, target: str, rollover_hour: int, now_ms: int
) -> Staged:
    """The worker's result; if the worker process could not run (a host program that
    cannot be re-imported by `spawn`, a sandbox without processes), stage it here."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pending.result()
    except BrokenProcessPool:
        Path(target).unlink(missing_ok=True)
        with db.read() as conn:
            return stage_revlog(
                driver_connection(conn), target, clock.calendar(rollover_hour), now_ms
            )


def _anchor(cards: list[ExportCard], first_review: datetime | None, now: datetime) -> datetime:
    """Day 0 of the collection: no due day or review may come before it."""
    earliest = now.timestamp()
    for card in cards:
        if card.state != NEW and card.due is not None:
            earliest = min(earliest, card.due)
    if first_review is not None:
        earliest = min(earliest, first_review.timestamp())
    return datetime.fromtimestamp(earliest, now.tzinfo)


class _Writer:
    def __init__(
        self,
        sqlite: sqlite3.Connection,
        settings: Settings,
        days: AnkiDays,
        now: datetime,
        decks: dict[str, int],
        progress: Progress | None,
    ) -> None:
        self.db = sqlite
        self.settings = settings
        self.days = days
        self.now = now
        self.decks = decks
        self.progress = progress
        self.total = 0
        self.done = 0
        self.cards_written = 0
        self.reviews_written = 0
        self.moved_from_future = 0
        self.card_ids: dict[int, int] = {}  # llmcards card id -> Anki card id

    def _tick(self, amount: int) -> None:
        self.done += amount
        if self.progress:
            self.progress(self.done, self.total)

    def write(
        self,
        notes: list[AnkiNote],
        scheduling: bool,
        anki_models: list[Model],
        *,
        own_models: bool = True,
    ) -> None:
        self.db.execute("pragma journal_mode = off")
        self.db.execute("pragma synchronous = off")
        s.create_schema(self.db)
        now_ms = int(self.now.timestamp() * 1000)
        s.write_col_row(
            self.db,
            self._collection_settings(),
            {i: n for n, i in self.decks.items()},
            now_ms,
            anki_models,
            own_models=own_models,
        )
        self._notes_and_cards(notes, scheduling)

    def merge_revlog(self, staged: Staged) -> None:
        self.reviews_written, self.moved_from_future = merge_revlog(self.db, staged, self.card_ids)
        self._tick(self.total - self.done)  # reviews of retired cards were counted, not written

    def _collection_settings(self) -> s.CollectionSettings:
        from fsrs import Scheduler

        params = tuple(self.settings.fsrs_parameters) or tuple(Scheduler().parameters)
        return s.CollectionSettings(
            crt=self.days.crt_seconds,
            creation_minutes_west=self.days.creation_minutes_west,
            rollover_hour=self.settings.rollover_hour,
            learning_steps=self.settings.learning_deltas(),
            relearning_steps=self.settings.relearning_deltas(),
            desired_retention=self.settings.desired_retention,
            maximum_interval=self.settings.maximum_interval,
            fsrs_parameters=params,
            new_per_day=self.settings.new_per_day,
            reviews_per_day=self.settings.reviews_per_day,
            leech_threshold=self.settings.leech_threshold,
            deck_limits={
                deck: self.settings.limits_for(deck) for deck in self.settings.deck_limits
            },
        )

    def _notes_and_cards(self, notes: list[AnkiNote], scheduling: bool) -> None:
        note_ids = _unique_ids([n.created for n in notes])
        ordered = [card for note in notes for _, card in note.cards]
        card_ids = _unique_ids([c.created for c in ordered])
        self.card_ids = {card.id: anki_id for card, anki_id in zip(ordered, card_ids, strict=False)}
        today_ends = clock.next_day_start(self.now, self.settings.rollover_hour).timestamp()
        learning, relearning = (
            len(self.settings.learning_steps),
            len(self.settings.relearning_steps),
        )
        note_rows, card_rows = [], []
        position = 0
        for note, note_id in zip(notes, note_ids, strict=False):
            mod = int(note.modified)
            note_rows.append(
                (
                    note_id,
                    note.guid,
                    note.model_id,
                    mod,
                    -1,
                    f" {' '.join(note.tags)} " if note.tags else "",
                    "\x1f".join(note.fields),
                    note.fields[0],
                    field_checksum(note.fields[0]),
                    0,
                    "",
                )
            )
            for ordinal, card in note.cards:
                position += 1
                if scheduling:
                    sched = card_schedule(
                        card,
                        position=position,
                        days=self.days,
                        today_ends=today_ends,
                        learning_steps=learning,
                        relearning_steps=relearning,
                        desired_retention=self.settings.desired_retention,
                    )
                    reps, lapses = card.reps, card.lapses
                else:
                    sched, reps, lapses = new_schedule(position, suspended=False), 0, 0
                card_rows.append(
                    (
                        self.card_ids[card.id],
                        note_id,
                        self.decks[card.deck],
                        ordinal,
                        int(card.updated),
                        -1,
                        sched.type,
                        sched.queue,
                        sched.due,
                        sched.ivl,
                        sched.factor,
                        reps,
                        lapses,
                        sched.left,
                        0,
                        0,
                        0,
                        sched.data,
                    )
                )
            if len(card_rows) >= 5000:
                self._flush_cards(note_rows, card_rows)
        self._flush_cards(note_rows, card_rows)

    def _flush_cards(self, note_rows: list[tuple], card_rows: list[tuple]) -> None:
        self.db.executemany("insert into notes values (?,?,?,?,?,?,?,?,?,?,?)", note_rows)
        self.db.executemany(
            "insert into cards values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows
        )
        self.cards_written += len(card_rows)
        self._tick(len(card_rows))
        note_rows.clear()
        card_rows.clear()
