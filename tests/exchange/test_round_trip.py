"""llmcards → Anki → llmcards keeps every card and every review; importing is idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcards.exchange.apkg_export import export_apkg
from llmcards.exchange.apkg_import import import_apkg
from llmcards.exchange.render import markdown_to_html
from llmcards.store.db import open_db
from tests.exchange import collection as fixture
from tests.exchange.anki_backend import export_legacy_package, import_package, open_anki


def _key(card) -> tuple[str, str, int]:
    return (
        (card.deck, card.kind, card.cloze_ord)
        if card.kind == "cloze"
        else (card.deck, card.front, 0)
    )


@pytest.fixture
def through_anki(tmp_path: Path) -> tuple[fixture.Built, Path]:
    built = fixture.build(tmp_path)
    export_apkg(built.db, tmp_path / "llm.apkg", settings=built.settings, now=built.now)
    col = open_anki(tmp_path / "anki.anki2")
    try:
        import_package(col, tmp_path / "llm.apkg")
        export_legacy_package(col, tmp_path / "from-anki.apkg")
    finally:
        col.close()
    return built, tmp_path / "from-anki.apkg"


def test_round_trip_keeps_every_card_and_review(
    through_anki: tuple[fixture.Built, Path], tmp_path: Path
) -> None:
    built, package = through_anki
    db = open_db(tmp_path / "back.db")
    report = import_apkg(db, package, settings=built.settings, now=built.now)
    before = {_key(c): c for c in fixture.cards(built.db)}
    after = {_key(c): c for c in fixture.cards(db)}
    assert report.new == len(before) == len(after) == 7
    assert after.keys() == before.keys()
    for key, old in before.items():
        new = after[key]
        assert markdown_to_html(new.back) == markdown_to_html(old.back), key
        assert (new.context, new.state, new.reps, new.lapses, new.suspended) == (
            old.context,
            old.state,
            old.reps,
            old.lapses,
            old.suspended,
        ), key
        assert new.source_path == "anki:from-anki.apkg"
        if old.stability is None:
            assert new.stability is None
        else:  # memory state recomputed from the review log: the same FSRS, the same answers
            assert new.stability == pytest.approx(old.stability, rel=1e-3), key
            assert new.difficulty == pytest.approx(old.difficulty, rel=1e-3), key
            # the schedule is kept: the same study day (learning steps: the same minute)
            assert abs((new.due - old.due).total_seconds()) < 86400, key
    old_reviews = sorted(
        (r.rating, int(r.reviewed_at.timestamp())) for r in fixture.reviews(built.db)
    )
    new_reviews = sorted((r.rating, int(r.reviewed_at.timestamp())) for r in fixture.reviews(db))
    assert new_reviews == old_reviews and report.reviews == 13
    cloze = [c for c in after.values() if c.kind == "cloze"]
    assert len({c.note_uid for c in cloze}) == 1
    assert all(c.cloze_text == fixture.CLOZE_TEXT for c in cloze)
    assert {c.front for c in cloze} == {f.front for f in fixture.drafts() if f.kind == "cloze"}


def test_importing_again_updates_instead_of_duplicating(
    through_anki: tuple[fixture.Built, Path], tmp_path: Path
) -> None:
    built, package = through_anki
    db = open_db(tmp_path / "back.db")
    import_apkg(db, package, settings=built.settings, now=built.now)
    first = {c.uid: (c.id, c.due, c.stability) for c in fixture.cards(db)}
    again = import_apkg(db, package, settings=built.settings, now=built.now)
    assert (again.new, again.updated, again.unchanged, again.reviews) == (0, 0, 7, 0)
    assert {c.uid: (c.id, c.due, c.stability) for c in fixture.cards(db)} == first
    assert len(fixture.reviews(db)) == 13


def test_exported_again_from_another_database_the_notes_are_the_ones_anki_has(
    through_anki: tuple[fixture.Built, Path], tmp_path: Path
) -> None:
    built, package = through_anki
    db = open_db(tmp_path / "back.db")  # another machine, started from Anki's package
    import_apkg(db, package, settings=built.settings, now=built.now)
    export_apkg(db, tmp_path / "again.apkg", settings=built.settings, now=built.now)
    col = open_anki(tmp_path / "anki.anki2")
    try:
        notes = col.note_count()
        log = import_package(col, tmp_path / "again.apkg").log
        assert (len(log.new), len(log.conflicting)) == (0, 0)
        assert col.note_count() == notes == 6
    finally:
        col.close()
