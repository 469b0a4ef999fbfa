"""Every exported package goes through Anki's real importer, then is compared with ours."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from llmcards import clock
from llmcards.exchange.apkg_export import export_apkg
from llmcards.exchange.render import inline_to_html, markdown_to_html
from llmcards.store.models import LEARNING, NEW, RELEARNING, REVIEW
from tests.exchange import collection as fixture
from tests.exchange.anki_backend import anki_cards, deck_names, import_package, open_anki

ANKI_TYPE = {NEW: 0, LEARNING: 1, REVIEW: 2, RELEARNING: 3}


@pytest.fixture
def built(tmp_path: Path) -> fixture.Built:
    return fixture.build(tmp_path)


def _export(built: fixture.Built, out: Path, **kwargs: Any) -> Any:
    return export_apkg(built.db, out, settings=built.settings, now=built.now, **kwargs)


def _by_front(col) -> dict[str, Any]:
    """Anki cards keyed the way llmcards names them: a basic card by its front, a cloze by ord."""
    out = {}
    for card in anki_cards(col):
        note = card.note()
        key = note.fields[0] if note.note_type()["type"] == 0 else f"cloze c{card.ord + 1}"
        out[key] = card
    return out


def _llm_key(card) -> str:
    return inline_to_html(card.front) if card.kind == "basic" else f"cloze c{card.cloze_ord}"


def _day(moment: datetime, rollover: int) -> datetime:
    return clock.day_start(moment, rollover)


def test_anki_imports_decks_notes_fields_and_card_states(
    built: fixture.Built, tmp_path: Path
) -> None:
    summary = _export(built, tmp_path / "llm.apkg")
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, tmp_path / "llm.apkg")
        ours = fixture.cards(built.db)
        assert deck_names(col) == {
            "LLM 学习笔记",
            "LLM 学习笔记::NLP",
            "LLM 学习笔记::CV",
            "LLM 学习笔记::CV::生成模型",
        }
        assert (
            col.note_count() == summary.notes == 6
        )  # five basic notes, one cloze note with two cards
        anki = _by_front(col)
        assert len(anki) == len(ours) == summary.cards
        today = col.sched.today
        real_now = datetime.now(built.now.tzinfo)
        rollover = built.settings.rollover_hour
        for card in ours:
            theirs = anki[_llm_key(card)]
            note = theirs.note()
            assert col.decks.name(theirs.did) == card.deck
            if card.kind == "basic":
                assert note.fields[1] == markdown_to_html(card.back)
            else:
                assert note.fields[0] == markdown_to_html(fixture.CLOZE_TEXT)
            assert theirs.type == ANKI_TYPE[card.state], card.front
            assert theirs.reps == card.reps and theirs.lapses == card.lapses
            assert (theirs.queue == -1) == card.suspended
            if card.state == REVIEW:
                # due day counted by rollover: same distance from "today" in both programs
                ours_days = (_day(card.due, rollover) - _day(real_now, rollover)).days
                assert theirs.due - today == ours_days, card.front
            if card.state == LEARNING:
                assert theirs.queue == 1 and theirs.due == int(card.due.timestamp())
            if card.stability is None:
                assert theirs.memory_state is None
            else:
                assert theirs.memory_state.stability == pytest.approx(card.stability, abs=1e-3)
                assert theirs.memory_state.difficulty == pytest.approx(card.difficulty, abs=1e-3)
    finally:
        col.close()


def test_review_history_arrives_row_for_row(built: fixture.Built, tmp_path: Path) -> None:
    _export(built, tmp_path / "llm.apkg")
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, tmp_path / "llm.apkg")
        ours = fixture.reviews(built.db)
        rows = col.db.all("select id, ease, type, time from revlog order by id")
        assert len(rows) == len(ours) == 13
        # ratings unchanged (schedVer 2: Anki keeps a learning-step Good as Good, not Easy)
        assert [r[1] for r in rows] == [r.rating for r in ours]
        assert [r[0] // 1000 for r in rows] == [int(r.reviewed_at.timestamp()) for r in ours]
        assert [r[3] for r in rows] == [r.duration_ms for r in ours]
        kinds = {(0, 0), (1, 0), (2, 1), (3, 2)}  # (state before, revlog type)
        assert {(r.state_before, row[2]) for r, row in zip(ours, rows, strict=False)} <= kinds
        per_card = {c.id: c.reps for c in fixture.cards(built.db)}
        anki_reps = {card.id: card.reps for card in anki_cards(col)}
        assert sorted(per_card.values()) == sorted(anki_reps.values())
    finally:
        col.close()


def test_no_scheduling_exports_everything_as_new(built: fixture.Built, tmp_path: Path) -> None:
    _export(built, tmp_path / "new.apkg", scheduling=False)
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, tmp_path / "new.apkg")
        cards = anki_cards(col)
        assert len(cards) == 7
        assert {(c.type, c.queue, c.reps) for c in cards} == {(0, 0, 0)}
        assert col.db.scalar("select count() from revlog") == 0
    finally:
        col.close()


def test_exporting_again_updates_notes_instead_of_duplicating(
    built: fixture.Built, tmp_path: Path
) -> None:
    _export(built, tmp_path / "first.apkg")
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, tmp_path / "first.apkg")
        # the learner edits an answer in the notes; llmcards re-imports it later
        with built.db.write() as conn:
            conn.execute(
                update(fixture.CARD)
                .where(fixture.CARD.c.front == "Dropout")
                .values(back="新的答案：**随机失活**", updated_at=built.now + timedelta(seconds=5))
            )
        _export(built, tmp_path / "second.apkg")
        import_package(col, tmp_path / "second.apkg")
        assert col.note_count() == 6
        assert col.card_count() == 7
        assert col.db.scalar("select count() from revlog") == 13
        dropout = next(c for c in anki_cards(col) if c.note().fields[0] == "Dropout")
        assert dropout.note().fields[1] == "<p>新的答案：<strong>随机失活</strong></p>"
    finally:
        col.close()


def test_html_in_notes_is_escaped_not_run(built: fixture.Built, tmp_path: Path) -> None:
    _export(built, tmp_path / "llm.apkg")
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, tmp_path / "llm.apkg")
        fields = [f for c in anki_cards(col) for f in c.note().fields]
        assert not any("<script>" in f for f in fields)
        assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in f for f in fields)
    finally:
        col.close()


def test_review_times_in_the_future_are_pulled_back_keeping_order(
    built: fixture.Built, tmp_path: Path
) -> None:
    from llmcards.exchange.package_reader import read_package

    earlier = built.now - timedelta(days=25)  # e.g. a clock that runs behind the reviews
    summary = export_apkg(built.db, tmp_path / "llm.apkg", settings=built.settings, now=earlier)
    assert summary.moved_from_future == sum(
        1 for r in fixture.reviews(built.db) if r.reviewed_at > earlier
    )
    assert summary.moved_from_future > 0
    col = read_package(tmp_path / "llm.apkg")
    rows = sorted(row for rows in col.revlog.values() for row in rows)
    ids = [row[0] for row in rows]
    assert len(set(ids)) == len(ids) == 13 and max(ids) <= int(earlier.timestamp() * 1000)
    assert [row[2] for row in rows] == [r.rating for r in fixture.reviews(built.db)]  # order kept
    anki = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(anki, tmp_path / "llm.apkg")
        assert anki.db.scalar("select count() from revlog") == 13
    finally:
        anki.close()


def test_review_log_staged_in_a_worker_process_equals_staged_in_process(
    built: fixture.Built, tmp_path: Path
) -> None:
    import sqlite3
    import zipfile

    from llmcards.store.db import Database

    def revlog(package: Path) -> list[tuple]:
        target = tmp_path / f"{package.stem}.anki2"
        target.write_bytes(zipfile.ZipFile(package).read("collection.anki2"))
        return sqlite3.connect(target).execute("select * from revlog order by id").fetchall()

    _export(built, tmp_path / "worker.apkg")  # a database file: staged by a second process
    in_process = Database(built.db.engine, None)  # no file to hand over: staged right here
    export_apkg(in_process, tmp_path / "inline.apkg", settings=built.settings, now=built.now)
    assert revlog(tmp_path / "worker.apkg") == revlog(tmp_path / "inline.apkg")
    assert len(revlog(tmp_path / "inline.apkg")) == 13


def test_a_deck_with_limits_of_its_own_gets_them_in_anki(
    built: fixture.Built, tmp_path: Path
) -> None:
    # Anki keeps a deck's daily limits in its options preset: each pair of limits that
    # decks have (deck_limits) becomes a preset of its own, the rest share the default one.
    from dataclasses import replace

    from llmcards.config import DeckLimits

    settings = replace(
        built.settings,
        new_per_day=20,
        reviews_per_day=200,
        deck_limits={
            "LLM 学习笔记::NLP": DeckLimits(new_per_day=5),
            "LLM 学习笔记::CV::生成模型": DeckLimits(new_per_day=5, reviews_per_day=30),
        },
    )
    export_apkg(built.db, tmp_path / "llm.apkg", settings=settings, now=built.now)
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, tmp_path / "llm.apkg")

        def limits(name: str) -> tuple[int, int]:
            options = col.decks.config_dict_for_deck_id(col.decks.id_for_name(name))
            return options["new"]["perDay"], options["rev"]["perDay"]

        assert limits("LLM 学习笔记") == (20, 200)
        assert limits("LLM 学习笔记::CV") == (20, 200)
        assert limits("LLM 学习笔记::NLP") == (5, 200)
        assert limits("LLM 学习笔记::CV::生成模型") == (5, 30)
    finally:
        col.close()
