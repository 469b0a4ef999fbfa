"""Building small databases for scheduling tests through the real import path (minus parsing)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from llmcards.cards import CardDraft, split_deck
from llmcards.scheduling.session import StudySession
from llmcards.scheduling.types import StudyCard
from llmcards.store.db import Database, open_db
from llmcards.store.models import CARD, LOG
from llmcards.store.sync import sync_file

# Days are counted in UTC+8 in these tests: LLMCARDS_NOW carries the offset.
ZONE = timezone(timedelta(hours=8))


def local(text: str) -> datetime:
    """`"2026-11-22 09:00"` local (UTC+8) as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE).astimezone(UTC)


def set_now(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", moment.astimezone(ZONE).isoformat())


class Clock:
    """A clock a test moves by hand; also sets LLMCARDS_NOW so day starts use UTC+8."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self.monkeypatch = monkeypatch
        self.set(start)

    def set(self, moment: datetime) -> None:
        self.moment = moment
        set_now(self.monkeypatch, moment)

    def advance(self, **delta: float) -> datetime:
        self.set(self.moment + timedelta(**delta))
        return self.moment

    def __call__(self) -> datetime:
        return self.moment


def basic(deck: str, front: str, line: int, back: str | None = None) -> CardDraft:
    return CardDraft(
        deck=split_deck(deck), front=front, back=back or f"answer to {front}", line=line
    )


def cloze_note(deck: str, text: str, answers: Sequence[str], line: int) -> list[CardDraft]:
    """One note with one cloze deletion per answer (siblings)."""
    drafts = []
    for n, answer in enumerate(answers, start=1):
        front = text
        for other in answers:
            front = front.replace(other, "[...]" if other == answer else other)
        drafts.append(
            CardDraft(
                deck=split_deck(deck),
                front=front,
                back=text,
                line=line,
                kind="cloze",
                cloze_ord=n,
                cloze_text=text,
            )
        )
    return drafts


def add_file(db: Database, source_path: str, drafts: Sequence[CardDraft], now: datetime) -> None:
    with db.write() as conn:
        sync_file(conn, root=drafts[0].deck[0], source_path=source_path, drafts=drafts, now=now)


def make_db(tmp_path: Path, files: Mapping[str, Sequence[CardDraft]], now: datetime) -> Database:
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = open_db(tmp_path / "cards.db")
    for source_path, drafts in files.items():
        add_file(db, source_path, drafts, now)
    return db


def ids_by_front(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {front: cid for cid, front in conn.execute(select(CARD.c.id, CARD.c.front))}


def card(db: Database, card_id: int) -> dict[str, Any]:
    with db.read() as conn:
        return dict(conn.execute(select(CARD).where(CARD.c.id == card_id)).one()._mapping)


def logs(db: Database, card_id: int | None = None) -> list[Any]:
    query = select(LOG).order_by(LOG.c.id)
    if card_id is not None:
        query = query.where(LOG.c.card_id == card_id)
    with db.read() as conn:
        return list(conn.execute(query))


@contextmanager
def opened(path: Path) -> Iterator[Database]:
    db = open_db(path)
    try:
        yield db
    finally:
        db.close()


def showing(session: StudySession) -> StudyCard:
    """The card `session` shows now; the test fails when there is none."""
    card = session.current()
    assert card is not None, "no card is shown"
    return card


def undone(session: StudySession) -> StudyCard:
    """Undo the last action of `session`; the test fails when there was none."""
    card = session.undo()
    assert card is not None, "nothing to undo"
    return card
