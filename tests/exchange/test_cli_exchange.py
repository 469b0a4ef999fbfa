"""`llmcards export anki|csv` and `llmcards import-anki` as a user runs them."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from tests.clihelp import llmcards
from tests.exchange import collection as fixture


@pytest.fixture
def db(tmp_path: Path) -> Path:
    built = fixture.build(tmp_path)
    built.db.close()
    return built.path


def _no_leftovers(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".part"]


def test_export_anki_prints_one_summary_line(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "llm.apkg"
    out.parent.mkdir()
    result = llmcards("--db", str(db), "export", "anki", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().splitlines() == [
        f"Exported 7 cards (6 notes, 4 decks) with 13 reviews to {out}"
    ]
    assert set(zipfile.ZipFile(out).namelist()) == {"collection.anki2", "media"}
    _no_leftovers(out.parent)


def test_export_json_summary_and_deck_selection(db: Path, tmp_path: Path) -> None:
    result = llmcards(
        "--db",
        str(db),
        "export",
        "anki",
        str(tmp_path / "nlp.apkg"),
        "--deck",
        "LLM 学习笔记::NLP",
        "--no-scheduling",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert (summary["cards"], summary["notes"], summary["reviews"], summary["scheduling"]) == (
        5,
        4,
        0,
        False,
    )
    assert summary["decks"] == 2  # NLP and its parent


def test_existing_file_needs_force_and_is_left_untouched(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "llm.apkg"
    out.write_bytes(b"keep me")
    result = llmcards("--db", str(db), "export", "anki", str(out))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"llmcards: error: {out} already exists; pass --force to replace it or choose another name"
    )
    assert out.read_bytes() == b"keep me"
    assert llmcards("--db", str(db), "export", "anki", str(out), "--force").exit_code == 0
    assert zipfile.is_zipfile(out)


def test_unwritable_place_is_one_line(db: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root may write into a 0o500 folder; /proc refuses everyone
        target = Path("/proc/llmcards-export.csv")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "x.csv"
    result = llmcards("--db", str(db), "export", "csv", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"llmcards: error: cannot write {target}")
    assert len(result.stderr.splitlines()) == 1


def test_missing_folder_and_empty_selection_are_one_line_errors(db: Path, tmp_path: Path) -> None:
    missing = llmcards("--db", str(db), "export", "anki", str(tmp_path / "nope" / "x.apkg"))
    assert missing.exit_code == 1 and "does not exist" in missing.stderr
    assert len(missing.stderr.splitlines()) == 1
    empty = llmcards("--db", str(tmp_path / "empty.db"), "export", "anki", str(tmp_path / "x.apkg"))
    assert empty.exit_code == 1
    assert "no cards to export" in empty.stderr and len(empty.stderr.splitlines()) == 1
    assert not (tmp_path / "x.apkg").exists()
    _no_leftovers(tmp_path)


def test_export_csv_has_the_header_anki_reads(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "cards.csv"
    result = llmcards("--db", str(db), "export", "csv", str(out))
    assert result.exit_code == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:6] == [
        "#separator:Comma",
        "#html:true",
        "#guid column:1",
        "#notetype column:2",
        "#deck column:3",
        "#tags column:6",
    ]
    assert "Exported 7 cards (6 notes, 4 decks)" in result.stdout


def test_every_csv_row_reaches_anki_even_a_guid_starting_with_a_hash(
    db: Path, tmp_path: Path
) -> None:
    # Anki reads a line starting with `#` as a comment; about one GUID in 4,000 starts so.
    with closing(sqlite3.connect(db)) as con, con:
        con.execute(
            "UPDATE card SET guid = '#x' || id, note_guid = '#x' || id WHERE kind = 'basic'"
        )
    out = tmp_path / "cards.csv"
    result = llmcards("--db", str(db), "export", "csv", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    from anki.collection import ImportCsvRequest

    from tests.exchange.anki_backend import open_anki

    col = open_anki(tmp_path / "collection.anki2")
    metadata = col.get_csv_metadata(path=str(out), delimiter=None)
    col.import_csv(ImportCsvRequest(path=str(out), metadata=metadata))
    assert col.note_count() == result.json()["notes"]
    col.close()


def test_export_csv_to_a_dash_writes_standard_output(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    to_file = llmcards("--db", str(db), "export", "csv", str(tmp_path / "cards.csv"))
    assert to_file.exit_code == 0
    piped = llmcards("--db", str(db), "export", "csv", "-", "--json")
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout == (tmp_path / "cards.csv").read_text(encoding="utf-8")
    assert '"cards": 7' in piped.stderr  # what was written, kept off the CSV
    assert not (tmp_path / "-").exists()


def test_an_anki_package_not_named_apkg_is_refused(db: Path, tmp_path: Path) -> None:
    result = llmcards("--db", str(db), "export", "anki", str(tmp_path / "out.txt"))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert "must be named .apkg" in result.stderr and "out.apkg" in result.stderr
    assert list(tmp_path.glob("out.*")) == []


@pytest.mark.parametrize("folder", [".", "/", "..", "~"])
def test_an_anki_package_named_as_a_folder_is_refused_in_one_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    result = llmcards("--db", str(db), "export", "anki", folder)
    assert result.exit_code == 1, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "is a folder; give a file name" in result.stderr


@pytest.mark.parametrize(
    ("content", "why"),
    [(b"not a zip at all", "not a zip archive"), (None, "no collection inside")],
    ids=["not-zip", "zip-without-collection"],
)
def test_import_anki_rejects_what_is_not_a_package(
    tmp_path: Path, content: bytes | None, why: str
) -> None:
    bad = tmp_path / "bad.apkg"
    if content is None:
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("readme.txt", "hello")
    else:
        bad.write_bytes(content)
    result = llmcards("--db", str(tmp_path / "c.db"), "import-anki", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"llmcards: error: {bad} is not an Anki package ({why})")
    assert len(result.stderr.splitlines()) == 1


def test_import_anki_then_again_reports_updates(db: Path, tmp_path: Path) -> None:
    package = tmp_path / "llm.apkg"
    assert llmcards("--db", str(db), "export", "anki", str(package)).exit_code == 0
    target = tmp_path / "other.db"
    first = llmcards("--db", str(target), "import-anki", str(package))
    assert first.exit_code == 0, first.stderr
    assert (
        first.stdout.splitlines()[0]
        == "llm.apkg: 7 new, 0 updated cards in 4 decks, 13 reviews added"
    )
    again = llmcards("--db", str(target), "import-anki", str(package), "--json").json()
    assert (again["new"], again["updated"], again["unchanged"], again["reviews"]) == (0, 0, 7, 0)
    text = llmcards("--db", str(target), "import-anki", str(package)).stdout.splitlines()[0]
    assert text == "llm.apkg: 0 new, 0 updated cards (7 unchanged) in 4 decks, 0 reviews added"
    cards = llmcards("--db", str(target), "cards", "--json").json()
    assert len(cards) == 7 and {c["source"].split(":")[0] for c in cards} == {"anki"}


def test_import_anki_counts_one_deck_and_one_review_in_the_singular(tmp_path: Path) -> None:
    notes = tmp_path / "one.md"
    notes.write_text("- Dropout：随机失活\n", encoding="utf-8")
    mine = str(tmp_path / "mine.db")
    assert llmcards("--db", mine, "import", str(notes)).exit_code == 0
    (card,) = llmcards("--db", mine, "cards", "--json").json()
    assert llmcards("--db", mine, "rate", str(card["id"]), "good").exit_code == 0
    package = tmp_path / "one.apkg"
    assert llmcards("--db", mine, "export", "anki", str(package)).exit_code == 0
    result = llmcards("--db", str(tmp_path / "other.db"), "import-anki", str(package))
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout.splitlines()[0]
        == "one.apkg: 1 new, 0 updated cards in 1 deck, 1 review added"
    )


def test_progress_reports_climb_to_the_total(db: Path, tmp_path: Path) -> None:
    from llmcards.config import Settings
    from llmcards.exchange.apkg_export import export_apkg
    from llmcards.store.db import open_db

    seen: list[tuple[int, int]] = []
    database = open_db(db)
    export_apkg(
        database,
        tmp_path / "x.apkg",
        settings=Settings(),
        progress=lambda done, total: seen.append((done, total)),
    )
    database.close()
    assert {total for _, total in seen} == {7 + 13}
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and seen[-1] == (20, 20)


def test_import_anki_of_a_folder_says_it_is_one(tmp_path: Path) -> None:
    result = llmcards("--db", str(tmp_path / "c.db"), "import-anki", str(tmp_path))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert f"{tmp_path} is a folder; give the .apkg file in it" in result.stderr
