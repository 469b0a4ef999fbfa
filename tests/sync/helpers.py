"""llmcards databases and an Anki "phone" syncing through the test server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from llmcards import clock
from llmcards.config import Settings
from llmcards.exchange.anki_mirror import login
from llmcards.exchange.sync_login import save_login, sync_folder
from llmcards.exchange.sync_run import SyncReport, run_sync
from llmcards.importing.files import import_paths
from llmcards.scheduling.review import rate_card
from llmcards.store.db import Database, open_db
from llmcards.store.models import Card, ReviewLog
from tests.sync.conftest import PASSWORD, USER

CARD = Card.__table__  # type: ignore[attr-defined]
LOG = ReviewLog.__table__  # type: ignore[attr-defined]


class Machine:
    """One llmcards database (a terminal on one computer), logged in to the server."""

    def __init__(self, path: Path, endpoint: str, settings: Settings | None = None) -> None:
        self.path = path
        self.settings = settings or Settings()
        self.db: Database = open_db(path, daily_backup=False)
        save_login(sync_folder(path), login(USER, PASSWORD, endpoint))

    def import_notes(self, folder: Path) -> None:
        import_paths(self.db, [folder], now=clock.now())

    def sync(self, direction: str | None = None) -> SyncReport:
        return run_sync(self.db, settings=self.settings, now=clock.now(), direction=direction)

    def card_id(self, front: str) -> int:
        with self.db.read() as conn:
            return conn.execute(
                select(CARD.c.id).where(CARD.c.front == front, CARD.c.retired.is_(False))
            ).scalar_one()

    def tag(self, front: str, tags: str) -> None:
        with self.db.write() as conn:
            conn.execute(update(CARD).where(CARD.c.id == self.card_id(front)).values(tags=tags))

    def rate(self, front: str, rating: int, at: datetime | None = None) -> None:
        rate_card(
            self.db, self.card_id(front), rating, now=at or clock.now(), settings=self.settings
        )

    def cards(self) -> list[Any]:
        with self.db.read() as conn:
            return list(conn.execute(select(CARD).where(CARD.c.retired.is_(False))).all())

    def reviews_of(self, front: str) -> list[Any]:
        with self.db.read() as conn:
            return list(
                conn.execute(
                    select(LOG)
                    .where(LOG.c.card_id == self.card_id(front))
                    .order_by(LOG.c.reviewed_at)
                ).all()
            )

    def review_count_of(self, card_id: int) -> int:
        with self.db.read() as conn:
            return conn.execute(
                select(func.count()).select_from(LOG).where(LOG.c.card_id == card_id)
            ).scalar_one()

    def review_count(self) -> int:
        with self.db.read() as conn:
            return conn.execute(select(func.count()).select_from(LOG)).scalar_one()

    def close(self) -> None:
        self.db.close()


@dataclass
class PhoneCard:
    id: int
    guid: str
    ord: int
    type: int
    queue: int
    due: int
    reps: int
    lapses: int
    front: str


class Phone:
    """AnkiDroid, played by Anki's own Python client on its own collection."""

    def __init__(self, folder: Path, endpoint: str) -> None:
        from anki.collection import Collection

        folder.mkdir(parents=True, exist_ok=True)
        self.col = Collection(str(folder / "collection.anki2"))
        self.auth = self.col.sync_login(USER, PASSWORD, endpoint)

    @property
    def db(self) -> Any:
        assert self.col.db is not None
        return self.col.db

    def sync(self) -> None:
        out = self.col.sync_collection(self.auth, False)
        if out.required in (out.FULL_DOWNLOAD, out.FULL_UPLOAD):
            self.col.close_for_full_sync()
            self.col.full_upload_or_download(
                auth=self.auth, server_usn=None, upload=out.required == out.FULL_UPLOAD
            )
            self.col.reopen(after_full_sync=True)
        else:
            assert out.required in (out.NO_CHANGES, out.NORMAL_SYNC), out

    def sync_media(self) -> Path:
        """Pull the media files; returns the phone's media folder."""
        import time

        self.col.sync_media(self.auth)
        deadline = time.monotonic() + 60
        while self.col.media_sync_status().active and time.monotonic() < deadline:
            time.sleep(0.05)
        return Path(self.col.media.dir())

    def cards(self) -> dict[tuple[str, int], PhoneCard]:
        rows = self.db.all(
            "select c.id, n.guid, c.ord, c.type, c.queue, c.due, c.reps, c.lapses, n.sfld"
            " from cards c join notes n on n.id = c.nid"
        )
        return {(r[1], r[2]): PhoneCard(*r) for r in rows}

    def study(self, answers: list[int], deck: str = "nlp") -> list[int]:
        """Answers the next cards the phone shows in `deck`; returns their ids."""
        deck_id = self.col.decks.id(deck, create=False)
        assert deck_id is not None, deck
        self.col.decks.select(deck_id)
        done: list[int] = []
        for ease in answers:
            card = self.col.sched.getCard()
            assert card is not None, "the phone has nothing to study"
            self.col.sched.answerCard(card, ease)  # type: ignore[arg-type]
            done.append(int(card.id))
        return done

    def revlog_count(self, cid: int | None = None) -> int:
        if cid is None:
            return self.db.scalar("select count() from revlog")
        return self.db.scalar("select count() from revlog where cid = ?", cid)

    def note_fields(self, guid: str) -> list[str]:
        return self.db.scalar("select flds from notes where guid = ?", guid).split("\x1f")

    def close(self) -> None:
        self.col.close()


def anki_place(card: Any) -> tuple[str, int]:
    """Where an llmcards card row lives in Anki."""
    if card.kind == "cloze" and card.cloze_text.strip():
        return card.note_guid, max(card.cloze_ord, 1) - 1
    return card.guid, 0


def study_day_offset(due: datetime, now: datetime, rollover_hour: int) -> int:
    """Whole study days from today to `due` (llmcards' day boundaries)."""
    today = clock.day_start(now, rollover_hour)
    return (clock.day_start(due, rollover_hour) - today) // timedelta(days=1)


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def anki_due(card: Any) -> object:
    """A due date at the resolution Anki keeps: a study day, or a second in learning."""
    if card.due is None:
        return None
    if card.state == 2:  # review: a day number
        return clock.day_start(card.due, 4)
    return int(card.due.timestamp())
