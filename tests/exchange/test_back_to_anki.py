"""Anki → llmcards → the same Anki: what came from Anki goes back as itself.

An Anki user imports a package, studies in llmcards, exports, and imports that export
into the collection it came from. Anki keys notes by GUID and reviews by revlog id, so
nothing may come back under a new one.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.clihelp import llmcards
from tests.exchange.anki_backend import (
    add_note_type,
    add_notes,
    export_legacy_package,
    import_package,
    open_anki,
)

NOTES = [
    ("Basic", ["hello", "world"]),
    ("Vocab", ["水", "water", "水を飲む"]),
    ("Cloze", ["{{c1::Paris}} is in France", "capital city"]),
    ("Basic (and reversed card)", ["dog", "犬"]),
]


@dataclass
class Studied:
    collection: Path  # the Anki collection as it was exported (copy it before changing)
    package: Path
    revlog_ids: set[int]
    notes: dict[str, tuple[str, str, list[str]]]  # guid -> (note type, first field, fields)
    db: Path


def _study(col, answers: int) -> None:
    from anki.scheduler.v3 import CardAnswer

    for _ in range(answers):
        queued = col.sched.get_queued_cards().cards[0]
        card = col.get_card(queued.card.id)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )


@pytest.fixture
def studied(tmp_path: Path) -> Studied:
    """Four notes made and three cards studied in Anki, imported into llmcards, where
    one card is studied once more."""
    col = open_anki(tmp_path / "anki.anki2")
    try:
        add_note_type(col, "Vocab", ["Word", "Meaning", "Example"], "{{Word}}", "{{Meaning}}")
        add_notes(col, "Lang", NOTES)
        col.decks.select(col.decks.id("Lang"))
        _study(col, 3)
        export_legacy_package(col, tmp_path / "from.apkg")
        revlog = set(col.db.list("select id from revlog"))
        notes = {
            n.guid: (n.note_type()["name"], n.fields[0], list(n.fields))
            for n in (col.get_note(nid) for nid in col.find_notes(""))
        }
    finally:
        col.close()
    db = tmp_path / "c.db"
    done = llmcards("--db", str(db), "import-anki", str(tmp_path / "from.apkg"), "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["reviews"] == 3
    due = llmcards("--db", str(db), "cards", "--json").json()
    rated = llmcards("--db", str(db), "rate", str(due[0]["id"]), "good")
    assert rated.exit_code == 0, rated.stderr
    done = llmcards("--db", str(db), "export", "anki", str(tmp_path / "back.apkg"))
    assert done.exit_code == 0, done.stderr
    return Studied(tmp_path / "anki.anki2", tmp_path / "back.apkg", revlog, notes, db)


def _import_into(studied: Studied, target: Path, *, same: bool):
    """The export imported into a copy of the collection it came from (`same`), or into
    a new one; the Anki collection, open."""
    if same:
        shutil.copy(studied.collection, target)
    col = open_anki(target)
    import_package(col, studied.package)
    return col


def test_reviews_from_anki_go_back_under_their_own_ids(studied: Studied, tmp_path: Path) -> None:
    col = _import_into(studied, tmp_path / "new.anki2", same=False)
    try:
        ids = set(col.db.list("select id from revlog"))
    finally:
        col.close()
    # Anki's own three under their own ids, and the one made in llmcards
    assert studied.revlog_ids <= ids and len(ids) == len(studied.revlog_ids) + 1
    col = _import_into(studied, tmp_path / "same.anki2", same=True)
    try:
        ids = col.db.list("select id from revlog")
    finally:
        col.close()
    assert set(ids) >= studied.revlog_ids
    assert len(ids) <= len(studied.revlog_ids) + 1  # was 6 (each of Anki's reviews twice)


def test_reviews_imported_before_ids_were_kept_take_them_on_the_next_import(
    studied: Studied,
) -> None:
    import sqlite3

    con = sqlite3.connect(studied.db)
    con.execute("UPDATE review_log SET anki_id = NULL")  # as an older llmcards left them
    con.commit()
    package = studied.package.with_name("from.apkg")
    again = llmcards("--db", str(studied.db), "import-anki", str(package), "--json").json()
    assert (again["new"], again["reviews"]) == (0, 0)  # nothing added twice
    ids = {row[0] for row in con.execute("SELECT anki_id FROM review_log WHERE origin = 'anki'")}
    con.close()
    assert ids == studied.revlog_ids
