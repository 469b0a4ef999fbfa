"""What `import-anki` makes of a note's fields: nothing invented, nothing dropped unsaid."""

from __future__ import annotations

import sqlite3
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


def _package(tmp_path: Path, notes: list[tuple[str, list[str]]]) -> tuple[Path, list[int]]:
    col = open_anki(tmp_path / "anki.anki2")
    try:
        ids = add_notes(col, "Lang", notes)
        export_legacy_package(col, tmp_path / "from.apkg")
    finally:
        col.close()
    return tmp_path / "from.apkg", ids


def _cards(db: Path) -> dict[str, str]:
    return {c["front"]: c["back"] for c in llmcards("--db", str(db), "cards", "--json").json()}


def test_a_note_with_an_empty_front_is_passed_over_and_named(tmp_path: Path) -> None:
    package, (_kept, empty) = _package(
        tmp_path, [("Basic", ["hello", "world"]), ("Basic", ["", "empty front"])]
    )
    db = tmp_path / "c.db"
    report = llmcards("--db", str(db), "import-anki", str(package), "--json").json()
    assert report["new"] == 1
    assert report["skipped"] == [
        {"note_id": empty, "card": 1, "note_type": "Basic", "reason": "no front"}
    ]
    assert _cards(db) == {"hello": "world"}  # no card asks "empty front" for "empty front"
    again = llmcards("--db", str(db), "import-anki", str(package)).stdout
    assert f"note {empty}, card 1 (Basic): no front" in again


def test_fields_beyond_front_and_back_follow_the_back_and_are_reported(tmp_path: Path) -> None:
    col = open_anki(tmp_path / "anki.anki2")
    try:
        add_note_type(
            col, "Vocab", ["Word", "Meaning", "Example", "Note"], "{{Word}}", "{{Meaning}}"
        )
        add_notes(
            col,
            "Lang",
            [
                ("Vocab", ["水", "water", "<b>水</b>を飲む", "noun"]),
                ("Vocab", ["火", "fire", "", ""]),  # nothing beyond the back: as before
                ("Cloze", ["{{c1::Paris}} is in France", "capital city"]),
            ],
        )
        export_legacy_package(col, tmp_path / "from.apkg")
    finally:
        col.close()
    db = tmp_path / "c.db"
    report = llmcards("--db", str(db), "import-anki", str(tmp_path / "from.apkg"), "--json")
    assert report.json()["extra_fields"] == {"Vocab": 1}  # a cloze's Back Extra is its own
    assert _cards(db) == {
        "水": "water\n\n**水**を飲む\n\nnoun",  # each field its own paragraph, in field order
        "火": "fire",
        "[...] is in France": "Paris is in France\n\ncapital city",
    }
    again = llmcards("--db", str(tmp_path / "d.db"), "import-anki", str(tmp_path / "from.apkg"))
    assert "Vocab: 1 note with fields beyond a front and a back" in again.stdout


@pytest.mark.parametrize("kept", [True, False], ids=["note-kept", "imported-by-older-llmcards"])
def test_a_cloze_back_extra_goes_back_into_its_field(tmp_path: Path, kept: bool) -> None:
    package, _ids = _package(tmp_path, [("Cloze", ["{{c1::Paris}} is in France", "capital city"])])
    db = tmp_path / "c.db"
    assert llmcards("--db", str(db), "import-anki", str(package)).exit_code == 0
    if not kept:  # no Anki note to give back: the card's own text makes the note
        con = sqlite3.connect(db)
        with con:
            con.execute("UPDATE card SET origin_guid = NULL, origin_ord = NULL")
        con.close()
    assert _cards(db) == {"[...] is in France": "Paris is in France\n\ncapital city"}
    done = llmcards("--db", str(db), "export", "anki", str(tmp_path / "back.apkg"))
    assert done.exit_code == 0, done.stderr
    col = open_anki(tmp_path / "elsewhere.anki2")
    try:
        import_package(col, tmp_path / "back.apkg")
        (note,) = [col.get_note(nid) for nid in col.find_notes("")]
        assert "{{c1::Paris}} is in France" in note.fields[0]
        assert "capital city" in note.fields[1]  # Back Extra, not an empty field
    finally:
        col.close()
