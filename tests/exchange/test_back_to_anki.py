"""Anki → llmcards → the same Anki: what came from Anki goes back as itself.

An Anki user imports a package, studies in llmcards, exports, and imports that export
into the collection it came from. Anki keys notes by GUID and reviews by revlog id, so
nothing may come back under a new one.
"""

from __future__ import annotations

import json
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


@pytest.fixture(params=["legacy", "newest"])
def studied(tmp_path: Path, request: pytest.FixtureRequest) -> Studied:
    """Four notes made and three cards studied in Anki, exported as a package for older
    Anki versions or the newest kind, imported into llmcards, where one card is studied
    once more."""
    col = open_anki(tmp_path / "anki.anki2")
    try:
        add_note_type(col, "Vocab", ["Word", "Meaning", "Example"], "{{Word}}", "{{Meaning}}")
        add_notes(col, "Lang", NOTES)
        col.decks.select(col.decks.id("Lang"))
        _study(col, 3)
        if request.param == "legacy":
            export_legacy_package(col, tmp_path / "from.apkg")
        else:
            from anki.collection import ExportAnkiPackageOptions

            options = ExportAnkiPackageOptions(with_scheduling=True, legacy=False)
            col.export_anki_package(
                out_path=str(tmp_path / "from.apkg"), options=options, limit=None
            )
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
    a new one: the Anki collection, open, and Anki's log of the import."""
    if same:
        shutil.copy(studied.collection, target)
    col = open_anki(target)
    return col, import_package(col, studied.package).log


def test_reviews_from_anki_go_back_under_their_own_ids(studied: Studied, tmp_path: Path) -> None:
    col, _log = _import_into(studied, tmp_path / "new.anki2", same=False)
    try:
        ids = set(col.db.list("select id from revlog"))
    finally:
        col.close()
    # Anki's own three under their own ids, and the one made in llmcards
    assert studied.revlog_ids <= ids and len(ids) == len(studied.revlog_ids) + 1
    col, _log = _import_into(studied, tmp_path / "same.anki2", same=True)
    try:
        ids = col.db.list("select id from revlog")
    finally:
        col.close()
    assert set(ids) >= studied.revlog_ids
    assert len(ids) <= len(studied.revlog_ids) + 1  # was 6 (each of Anki's reviews twice)


def test_cards_imported_by_an_older_llmcards_learn_their_notes_on_the_next_import(
    studied: Studied, tmp_path: Path
) -> None:
    import sqlite3

    con = sqlite3.connect(studied.db)
    with con:  # as an older llmcards left them: no revlog ids, no notes kept
        con.execute("UPDATE review_log SET anki_id = NULL")
        con.execute("UPDATE card SET origin_guid = NULL, origin_ord = NULL")
        con.execute("DELETE FROM anki_note")
    package = studied.package.with_name("from.apkg")
    again = llmcards("--db", str(studied.db), "import-anki", str(package), "--json").json()
    assert (again["new"], again["updated"], again["reviews"]) == (0, 0, 0)  # nothing twice
    ids = {row[0] for row in con.execute("SELECT anki_id FROM review_log WHERE origin = 'anki'")}
    con.close()
    assert ids == studied.revlog_ids
    done = llmcards("--db", str(studied.db), "export", "anki", str(studied.package), "--force")
    assert done.exit_code == 0, done.stderr
    col, log = _import_into(studied, tmp_path / "same.anki2", same=True)
    col.close()
    assert (len(log.new), len(log.duplicate)) == (0, len(NOTES))


def _notes(col) -> dict[str, tuple[str, str, list[str]]]:
    return {
        n.guid: (n.note_type()["name"], n.fields[0], list(n.fields))
        for n in (col.get_note(nid) for nid in col.find_notes(""))
    }


def test_notes_from_anki_go_back_as_the_same_notes(studied: Studied, tmp_path: Path) -> None:
    col, log = _import_into(studied, tmp_path / "same.anki2", same=True)
    try:
        # each note found as the note Anki has, unchanged (QA: all 6 came in as new)
        assert (len(log.new), len(log.conflicting), len(log.duplicate)) == (0, 0, len(NOTES))
        assert _notes(col) == studied.notes  # same GUIDs, note types and fields
        assert col.card_count() == 5
        assert len(col.db.list("select id from revlog")) == len(studied.revlog_ids)
    finally:
        col.close()


def test_a_new_collection_gets_each_note_once_under_its_own_note_type(
    studied: Studied, tmp_path: Path
) -> None:
    col, _log = _import_into(studied, tmp_path / "new.anki2", same=False)
    try:
        notes = _notes(col)
        assert notes.keys() == studied.notes.keys()  # the reversed note is one note
        for guid, (kind, _first, fields) in notes.items():
            old_kind, _, old_fields = studied.notes[guid]
            assert kind.startswith(old_kind) and fields == old_fields
        cards = {
            col.get_card(cid).question(): col.get_card(cid).answer() for cid in col.find_cards("")
        }
        assert len(cards) == 5
        asked = {q.rsplit(">", 1)[-1].strip(): a for q, a in cards.items()}
        assert "犬" in asked and asked["犬"].endswith("dog")  # card 2 of the reversed note
        # shown as llmcards showed it: the third field after the second
        assert asked["水"].endswith("water\n<br><br>水を飲む")
    finally:
        col.close()


def test_a_note_type_changed_in_anki_since_leaves_its_notes_alone(
    studied: Studied, tmp_path: Path
) -> None:
    target = tmp_path / "same.anki2"
    shutil.copy(studied.collection, target)
    col = open_anki(target)
    try:
        vocab = col.models.by_name("Vocab")
        col.models.add_field(vocab, col.models.new_field("Reading"))
        col.models.update_dict(vocab)
        log = import_package(col, studied.package).log
        # Anki will not put a note under a note type it does not have: it skips it
        assert (len(log.new), len(log.conflicting)) == (0, 1)
        assert len(_notes(col)) == len(NOTES)
    finally:
        col.close()


def test_a_card_your_notes_took_over_goes_as_a_card_of_your_notes(
    studied: Studied, tmp_path: Path
) -> None:
    import sqlite3
    import zipfile

    notes = tmp_path / "lang.md"
    notes.write_text("1. hello：world, as my notes say\n", encoding="utf-8")
    took = llmcards("--db", str(studied.db), "import", str(notes), "--deck", "Lang")
    assert "0 new, 1 updated" in took.stdout, took.stdout  # the card from Anki, taken over
    done = llmcards("--db", str(studied.db), "export", "anki", str(studied.package), "--force")
    assert done.exit_code == 0, done.stderr
    with zipfile.ZipFile(studied.package) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    con = sqlite3.connect(tmp_path / "c.anki2")
    models = {
        m["id"]: m["name"]
        for m in json.loads(con.execute("select models from col").fetchone()[0]).values()
    }
    fields = {models[mid]: flds for mid, flds in con.execute("select mid, flds from notes")}
    con.close()
    assert "world, as my notes say" in fields["llmcards Basic"]
    assert "Basic" not in models.values()  # no note of it is left to give back
    assert {"Vocab", "Cloze", "Basic (and reversed card)"} <= set(fields)


def test_csv_export_updates_the_notes_it_came_from(studied: Studied, tmp_path: Path) -> None:
    from anki.collection import ImportCsvRequest

    done = llmcards("--db", str(studied.db), "export", "csv", str(tmp_path / "cards.csv"))
    assert done.exit_code == 0, done.stderr
    target = tmp_path / "same.anki2"
    shutil.copy(studied.collection, target)
    col = open_anki(target)
    try:
        path = str(tmp_path / "cards.csv")
        metadata = col.get_csv_metadata(path=path, delimiter=None)
        log = col.import_csv(ImportCsvRequest(path=path, metadata=metadata)).log
        notes = {
            n.guid: (n.note_type()["name"], n.fields[0], list(n.fields))
            for n in (col.get_note(nid) for nid in col.find_notes(""))
        }
    finally:
        col.close()
    # was 5 new notes, each a second copy as a Basic note (the reversed note's two cards two)
    assert (len(log.new), len(log.conflicting), len(log.missing_notetype)) == (0, 0, 0)
    assert len(log.updated) + len(log.duplicate) == len(NOTES)
    assert {g: (t, f) for g, (t, f, _) in notes.items()} == {
        g: (t, f) for g, (t, f, _) in studied.notes.items()
    }  # each note once, of its own note type, its first field as it was
    vocab = next(fields for name, _, fields in notes.values() if name == "Vocab")
    assert vocab == ["水", "water", "水を飲む"]  # every field in its place
