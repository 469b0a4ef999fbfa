"""`import-anki` of llmcards' own `.apkg` into the same database: matched by GUID, never
duplicated; reviews already there are not added again; twice changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from llmcards.exchange.apkg_export import export_apkg
from llmcards.exchange.apkg_import import import_apkg
from llmcards.store.db import Database
from tests.exchange import collection as fixture
from tests.exchange.anki_backend import export_legacy_package, import_package, open_anki


def _everything(db: Database) -> tuple[list[Any], list[Any]]:
    with db.read() as conn:
        cards = conn.execute(select(fixture.CARD).order_by(fixture.CARD.c.id)).all()
        reviews = conn.execute(select(fixture.REVIEW).order_by(fixture.REVIEW.c.id)).all()
    return list(cards), list(reviews)


def test_importing_the_own_export_changes_nothing_even_twice(tmp_path: Path) -> None:
    built = fixture.build(tmp_path)
    package = tmp_path / "llm.apkg"
    export_apkg(built.db, package, settings=built.settings, now=built.now)
    before = _everything(built.db)
    report = import_apkg(built.db, package, settings=built.settings, now=built.now)
    assert (report.new, report.updated, report.unchanged, report.reviews) == (0, 0, 7, 0)
    assert _everything(built.db) == before  # not a card, a review or a due date more
    again = import_apkg(built.db, package, settings=built.settings, now=built.now)
    assert (again.new, again.updated, again.unchanged, again.reviews) == (0, 0, 7, 0)
    assert _everything(built.db) == before


def test_reviews_made_in_anki_join_the_cards_they_came_from(tmp_path: Path) -> None:
    from anki.scheduler.v3 import CardAnswer

    built = fixture.build(tmp_path)
    package = tmp_path / "llm.apkg"
    export_apkg(built.db, package, settings=built.settings, now=built.now)
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, package)
        col.decks.select(col.decks.id("LLM 学习笔记"))
        queued = col.sched.get_queued_cards().cards[0]
        card = col.get_card(queued.card.id)
        answered = card.question()
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )
        export_legacy_package(col, tmp_path / "back.apkg")
    finally:
        col.close()
    cards_before, reviews_before = _everything(built.db)
    report = import_apkg(built.db, tmp_path / "back.apkg", settings=built.settings)
    assert (report.new, report.updated, report.unchanged, report.reviews) == (0, 1, 6, 1)
    cards_after, reviews_after = _everything(built.db)
    assert len(cards_after) == len(cards_before) and len(reviews_after) == len(reviews_before) + 1
    (added,) = [r for r in reviews_after if r not in reviews_before]
    rated = next(c for c in fixture.cards(built.db) if c.id == added.card_id)
    assert rated.front.split("[")[0].strip() in answered  # the card answered in Anki
    assert rated.source_path == "/notes/llm.md"  # still the notes' card, text as the notes
    assert rated.reps == 1 + sum(1 for r in reviews_before if r.card_id == rated.id)
