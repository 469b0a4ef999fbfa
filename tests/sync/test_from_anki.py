"""Cards that came from Anki (`import-anki`), synced: they are Anki's own notes, not new ones.

An Anki user exports their collection, imports it into llmcards, studies here, and
syncs with the account that holds that collection (AnkiWeb, or a server of their own).
The phone must not get every note a second time, nor any review twice.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.clihelp import llmcards
from tests.exchange.anki_backend import add_note_type, add_notes
from tests.sync.conftest import Server
from tests.sync.helpers import Machine, Phone

NOTES = [
    ("Basic", ["hello", "world"]),
    ("Vocab", ["水", "water", "水を飲む"]),
    ("Cloze", ["{{c1::Paris}} is in France", "capital city"]),
    ("Basic (and reversed card)", ["dog", "犬"]),
]
CARDS = 5  # the reversed note has two


def _notes(phone: Phone) -> dict[str, tuple[str, int, str]]:
    """guid -> (note type name, note type id, fields) of every note on the phone."""
    found = {}
    for nid in phone.col.find_notes(""):
        note = phone.col.get_note(nid)
        note_type = note.note_type()
        assert note_type is not None
        found[note.guid] = (str(note_type["name"]), int(note.mid), "\x1f".join(note.fields))
    return found


def _anki_user(folder: Path, server: Server) -> tuple[Phone, Path]:
    """A phone with four notes, three cards studied, synced to the server; and its
    collection exported as a package, as the user would for import-anki."""
    from anki.collection import ExportAnkiPackageOptions

    phone = Phone(folder / "phone", server.endpoint)
    add_note_type(phone.col, "Vocab", ["Word", "Meaning", "Example"], "{{Word}}", "{{Meaning}}")
    add_notes(phone.col, "Lang", NOTES)
    phone.study([3, 3, 3], deck="Lang")
    package = folder / "collection.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, legacy=False)
    phone.col.export_anki_package(out_path=str(package), options=options, limit=None)
    return phone, package


def _imported(db: Path, package: Path) -> None:
    done = llmcards("--db", str(db), "import-anki", str(package), "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["reviews"] == 3


def test_a_sync_with_the_collection_they_came_from_adds_no_note_and_no_review_twice(
    tmp_path: Path, server: Server
) -> None:
    phone, package = _anki_user(tmp_path, server)
    phone.sync()  # the user's collection is on the server
    before = _notes(phone)
    _imported(tmp_path / "c.db", package)
    laptop = Machine(tmp_path / "c.db", server.endpoint)
    laptop.rate("hello", 3)  # studied once more in llmcards

    first = laptop.sync()
    assert first.full_sync == "download"  # a new mirror takes the server's collection
    assert first.pushed.notes_added == 0 and first.pushed.reviews == 1
    phone.sync()
    # was 9 notes: each note once more as an "llmcards Basic" or "llmcards Cloze" note
    assert _notes(phone) == before  # the same notes, note types and fields
    assert phone.col.card_count() == CARDS
    assert phone.revlog_count() == 3 + 1  # Anki's three once, and the one made here
    hello = next(c for c in phone.cards().values() if c.front == "hello")
    assert phone.revlog_count(hello.id) == 2 and hello.reps == 2

    phone.study([3], deck="Lang")  # studied on the phone: comes back to llmcards
    phone.sync()
    count = laptop.review_count()
    report = laptop.sync()
    assert report.pulled.reviews == 1 and report.pulled.cards_created == 0
    assert laptop.review_count() == count + 1
    assert len(laptop.cards()) == CARDS
    assert not laptop.sync().changed  # and nothing more on the next sync
    phone.sync()
    assert len(_notes(phone)) == len(NOTES) and phone.revlog_count() == 3 + 2
    phone.close()
    laptop.close()


def test_a_server_without_them_gets_them_as_the_same_notes_and_note_types(
    tmp_path: Path, server: Server
) -> None:
    phone, package = _anki_user(tmp_path, server)  # never synced: the server stays empty
    original = _notes(phone)
    revlog = set(phone.db.list("select id from revlog"))
    phone.close()
    _imported(tmp_path / "c.db", package)
    laptop = Machine(tmp_path / "c.db", server.endpoint)
    laptop.rate("hello", 3)
    report = laptop.sync()
    assert report.full_sync == "upload" and report.pushed.notes_added == len(NOTES)

    other = Phone(tmp_path / "other", server.endpoint)  # a new phone downloads it all
    other.sync()
    notes = _notes(other)
    assert set(notes) == set(original)  # each note once, under its own GUID
    for guid, (name, mid, _fields) in original.items():
        # under its own note type, with its id; named "Basic+" beside the new
        # collection's own "Basic" (another id), as Anki's package import names it
        assert notes[guid][1] == mid and notes[guid][0] in (name, name + "+")
    assert other.col.card_count() == CARDS  # the reversed note with both its cards
    ids = set(other.db.list("select id from revlog"))
    assert revlog <= ids and len(ids) == len(revlog) + 1  # Anki's reviews under their ids
    assert not laptop.sync().changed
    other.close()
    laptop.close()


def test_notes_an_older_llmcards_synced_for_them_are_not_made_into_cards(
    tmp_path: Path, server: Server
) -> None:
    phone, package = _anki_user(tmp_path, server)
    phone.sync()
    _imported(tmp_path / "c.db", package)
    con = sqlite3.connect(tmp_path / "c.db")
    with con:  # synced once as an older llmcards did: as llmcards' own notes
        kept = con.execute("SELECT id, origin_guid, origin_ord FROM card").fetchall()
        con.execute("UPDATE card SET origin_guid = NULL, origin_ord = NULL")
    laptop = Machine(tmp_path / "c.db", server.endpoint)
    assert laptop.sync().pushed.notes_added == CARDS  # the duplicates of old
    with con:
        con.executemany("UPDATE card SET origin_guid = ?, origin_ord = ? WHERE id = ?", [
            (guid, ordinal, card_id) for card_id, guid, ordinal in kept
        ])  # fmt: skip
    con.close()
    report = laptop.sync()
    assert report.pulled.cards_created == 0 and report.pushed.notes_added == 0
    assert len(laptop.cards()) == CARDS
    phone.close()
    laptop.close()
