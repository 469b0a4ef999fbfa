"""Items 6, 9, 15 of issue 16 and its list of packages that ended in a traceback: each is
refused with one line, exit ≠ 0, and the database as it was."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from llmcards.exchange import package_reader
from tests.clihelp import llmcards
from tests.hostile.helpers import assert_one_line_error, make_db, rows
from tests.hostile.packages import (
    changed_package,
    collection_of,
    raw_zip,
    sound_package,
    zstd_bomb,
)

Change = Callable[[sqlite3.Connection], object]


def _sql(*statements: str) -> Change:
    def change(con: sqlite3.Connection) -> None:
        for statement in statements:
            con.execute(statement)

    return change


RECURSIVE = "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r"
DEEP_DECK = "::".join(f"d{i}" for i in range(1000))

BROKEN: dict[str, tuple[Change, list[str]]] = {
    "missing col row": (_sql("DELETE FROM col"), ["col", "no row"]),
    "bad col.conf JSON": (_sql("UPDATE col SET conf = '{oops'"), ["col.conf", "JSON"]),
    "bad col.models JSON": (_sql("UPDATE col SET models = '[1,'"), ["col.models", "JSON"]),
    "bad col.decks JSON": (_sql("UPDATE col SET decks = 'null x'"), ["col.decks", "JSON"]),
    "models not an object": (_sql("UPDATE col SET models = '[1, 2]'"), ["col.models"]),
    "note id out of range": (_sql("UPDATE notes SET id = -5 - id"), ["note id", "out of range"]),
    "interval out of range": (_sql("UPDATE cards SET ivl = 1000000000"), ["interval"]),
    "due out of range": (_sql("UPDATE cards SET due = 1099511627776"), ["due"]),
    "ord out of range": (_sql("UPDATE cards SET ord = 99999"), ["ord"]),
    "review time out of range": (_sql("UPDATE revlog SET id = 4611686018427387904"), ["review"]),
    "creationOffset out of range": (
        _sql("UPDATE col SET conf = json_set(conf, '$.creationOffset', 1000000000)"),
        ["creationOffset"],
    ),
    "duplicate GUIDs": (_sql("UPDATE notes SET guid = 'same' || (id % 1)"), ["GUID", "same"]),
    "BLOB fields": (_sql("UPDATE notes SET flds = x'00ff1f'"), ["fields", "BLOB"]),
    "NULL fields": (
        _sql(
            "ALTER TABLE notes RENAME TO strict_notes",
            "CREATE TABLE notes AS SELECT * FROM strict_notes",  # without NOT NULL
            "DROP TABLE strict_notes",
            "UPDATE notes SET flds = NULL",
        ),
        ["fields", "NULL"],
    ),
    "text as a card id": (_sql("UPDATE cards SET reps = 'many'"), ["reps", "whole number"]),
    "recursive view for a table": (
        _sql("DROP TABLE revlog", f"CREATE VIEW revlog AS {RECURSIVE}"),
        ["revlog", "view"],
    ),
    "recursive view as config": (
        _sql("CREATE TABLE notetypes (id, name)", f"CREATE VIEW config AS {RECURSIVE}"),
        ["config", "view"],
    ),
    "1000-level deck": (
        lambda con: con.execute(
            "UPDATE col SET decks = json_set(decks, '$.\"1\"', json_object('name', ?, 'id', 1))",
            (DEEP_DECK,),
        ),
        ["1000 levels"],
    ),
}


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return make_db(tmp_path)


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_collections_are_refused(tmp_path: Path, target: Path, case: str) -> None:
    change, needles = BROKEN[case]
    package = changed_package(tmp_path, "broken.apkg", change)
    before = rows(target)
    result = llmcards("--db", str(target), "import-anki", str(package))
    assert_one_line_error(result, "broken.apkg", "not an Anki package", *needles)
    assert rows(target) == before


def _flip_crc(folder: Path) -> Path:
    data = collection_of(sound_package(folder), folder).read_bytes()
    package = raw_zip(folder, "crc.apkg", "collection.anki2", data)
    raw = bytearray(package.read_bytes())
    raw[raw.index(b"SQLite format 3") + 200] ^= 0xFF  # stored: the bytes as they are
    package.write_bytes(bytes(raw))
    return package


def _encrypted(folder: Path) -> Path:
    data = collection_of(sound_package(folder), folder).read_bytes()
    package = raw_zip(folder, "enc.apkg", "collection.anki2", data)
    raw = bytearray(package.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        where = raw.index(signature)
        raw[where + flag_at] |= 0x01  # "encrypted"
    package.write_bytes(bytes(raw))
    return package


def _bad_deflate(folder: Path) -> Path:
    data = collection_of(sound_package(folder), folder).read_bytes()
    package = raw_zip(folder, "deflate.apkg", "collection.anki2", data, stored=False)
    raw = bytearray(package.read_bytes())
    start = raw.index(b"collection.anki2") + len("collection.anki2")
    raw[start + 10 : start + 400] = os.urandom(390)
    package.write_bytes(bytes(raw))
    return package


ZIPS = {
    "bad CRC": (_flip_crc, ["damaged"]),
    "encrypted flag": (_encrypted, ["encrypted"]),
    "corrupt deflate": (_bad_deflate, ["damaged"]),
}


@pytest.mark.parametrize("case", list(ZIPS))
def test_broken_zips_are_refused(tmp_path: Path, target: Path, case: str) -> None:
    make, needles = ZIPS[case]
    package = make(tmp_path)
    before = rows(target)
    result = llmcards("--db", str(target), "import-anki", str(package))
    assert_one_line_error(result, package.name, *needles)
    assert rows(target) == before


def test_a_zstd_bomb_stops_at_the_cap(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    bomb = zstd_bomb(3 * 1024**3)
    assert len(bomb) < 100_000
    package = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("collection.anki2", b"please update")
        archive.writestr("collection.anki21b", bomb)
    before = rows(target)
    result = llmcards("--db", str(target), "import-anki", str(package))
    line = assert_one_line_error(result, "bomb.apkg", "expands to more than", "zip bomb")
    assert f"{package_reader.MIN_ALLOWED // 2**20:,} MB" in line
    assert rows(target) == before
    assert list(scratch.iterdir()) == []  # nothing left in TMPDIR


def test_reading_a_collection_has_a_time_budget(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = changed_package(
        tmp_path,
        "slow.apkg",
        _sql(
            "INSERT INTO revlog SELECT 1600000000000 + x, (SELECT min(id) FROM cards),"
            " -1, 3, 1, 0, 0, 1000, 1"
            " FROM (WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r"
            " WHERE x < 100000) SELECT x FROM r)"
        ),
    )
    monkeypatch.setattr(package_reader, "READ_SECONDS", 0.0)
    result = llmcards("--db", str(target), "import-anki", str(package))
    assert_one_line_error(result, "slow.apkg", "took longer than")


@pytest.mark.parametrize("stability", ["Infinity", "-3", "NaN", "0"])
def test_an_unusable_memory_state_is_recomputed(
    tmp_path: Path, target: Path, stability: str
) -> None:
    package = changed_package(
        tmp_path,
        "memory.apkg",
        _sql(
            "DELETE FROM revlog",
            f'UPDATE cards SET data = \'{{"s": {stability}, "d": 99}}\' WHERE type != 0',
        ),
    )
    result = llmcards("--db", str(target), "import-anki", str(package), "--json")
    assert result.exit_code == 0, result.stderr
    con = sqlite3.connect(target)
    reviewed = con.execute(
        "SELECT id, stability, difficulty FROM card WHERE source_path LIKE 'anki:%' AND state != 0"
    ).fetchall()
    con.close()
    assert reviewed, "the reviewed card came in"
    for card_id, stab, diff in reviewed:
        assert 0 < stab < 1e6 and 1 <= diff <= 10
        rated = llmcards("--db", str(target), "rate", str(card_id), "good", "--json")
        assert rated.exit_code == 0, rated.stderr
        assert 0 < rated.json()["stability"] < 1e6


def test_deeply_nested_html_imports(tmp_path: Path, target: Path) -> None:
    nested = "<div>" * 20_000 + "深层内容" + "</div>" * 20_000
    package = changed_package(
        tmp_path,
        "nested.apkg",
        lambda con: con.execute("UPDATE notes SET flds = ?", (nested + "\x1fx\x1f",)),
    )
    result = llmcards("--db", str(target), "import-anki", str(package), "--json")
    assert result.exit_code == 0, result.stderr
    fronts = [c["front"] for c in llmcards("--db", str(target), "cards", "--json").json()]
    assert "深层内容" in fronts


def test_a_note_with_a_huge_field_is_passed_over_by_its_id(tmp_path: Path, target: Path) -> None:
    huge = "<b>x</b>" * (package_reader.MAX_FIELD_CHARS // 8 + 1)  # just over the cap
    chosen: list[int] = []

    def change(con: sqlite3.Connection) -> None:
        chosen.append(con.execute("SELECT min(id) FROM notes").fetchone()[0])
        con.execute(
            "UPDATE notes SET flds = ? WHERE id = ?", ("Dropout\x1f" + huge + "\x1f", chosen[0])
        )

    package = changed_package(tmp_path, "huge.apkg", change)
    result = llmcards("--db", str(target), "import-anki", str(package), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["new"] == 1  # the other note still comes in
    (skipped,) = report["skipped"]
    assert (skipped["note_id"], skipped["card"], skipped["note_type"]) == (
        chosen[0],
        None,
        "llmcards Basic",
    )
    assert f"'Back' is {len(huge):,} characters long" in skipped["reason"]
    backs = [c["back"] for c in llmcards("--db", str(target), "cards", "--json").json()]
    assert all(len(back) < 1000 for back in backs)
    text = llmcards("--db", str(target), "import-anki", str(package)).stdout
    assert f"note {chosen[0]} (llmcards Basic): field 'Back' is" in text
