"""A root deck's first import, stored batch by batch, is exactly what `sync_file` makes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from llmcards.cards import CardDraft
from llmcards.notes import parse_note
from llmcards.store.db import Database, open_db
from llmcards.store.new_root import NewRootImport, root_has_cards
from llmcards.store.sync import SyncResult, sync_file

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_notes import generate_notes

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
PATH = "/notes/learning.md"


def cloze(front: str, ord_: int, text_: str, line: int) -> CardDraft:
    return CardDraft(
        deck=("LLM", "NLP"),
        front=front,
        back=text_,
        line=line,
        kind="cloze",
        cloze_ord=ord_,
        cloze_text=text_,
        heading_path=("NLP",),
    )


# Siblings of the note at line 10: the key of its c2 first appeared at line 5, before
# its c1's key, so the note takes c2's uid even though c1 comes first in the file.
CLOZE_ORDER = [
    cloze("x [...]", 2, "x {{c2::z}}", 5),
    cloze("[...] z", 1, "{{c1::x}} {{c2::z}}", 10),
    cloze("x [...]", 2, "{{c1::x}} {{c2::z}}", 10),
    CardDraft(deck=("LLM",), front="Dropout", back="a", line=12),
    CardDraft(deck=("LLM",), front="Dropout", back="b", line=13),  # same front twice: two cards
]


def generated() -> list[CardDraft]:
    return parse_note(generate_notes(1500, seed=3), root="LLM").cards


def tables(db: Database) -> tuple[Sequence[Any], Sequence[Any]]:
    with db.read() as conn:
        return (
            conn.execute(text("SELECT * FROM card ORDER BY id")).all(),
            conn.execute(text("SELECT * FROM deck ORDER BY id")).all(),
        )


def fresh(tmp_path: Path, name: str) -> Database:
    db = open_db(tmp_path / name)
    with db.write() as conn:  # a database with another root in it, and a deck of this root
        sync_file(
            conn,
            root="Other",
            source_path="/o.md",
            now=T0,
            drafts=[CardDraft(deck=("Other", "X"), front="q", back="a", line=1)],
        )
        conn.execute(text("INSERT INTO deck (name) VALUES ('LLM::NLP')"))
    return db


def by_sync_file(db: Database, drafts: list[CardDraft]) -> SyncResult:
    with db.write() as conn:
        return sync_file(conn, root="LLM", source_path=PATH, drafts=drafts, now=T0)


def in_batches(db: Database, drafts: list[CardDraft], size: int) -> SyncResult:
    with db.write() as conn:
        assert not root_has_cards(conn, "LLM")
        storing = NewRootImport(conn, root="LLM", source_path=PATH, now=T0)
        for start in range(0, len(drafts), size):
            storing.add(drafts[start : start + size])
        result = storing.finish()
        assert root_has_cards(conn, "LLM") == bool(drafts)
        return result


@pytest.mark.parametrize("size", [1, 2, 3, 1000])
def test_cloze_notes_and_repeated_fronts(tmp_path: Path, size: int) -> None:
    whole, batched = fresh(tmp_path, "a.db"), fresh(tmp_path, "b.db")
    expected = by_sync_file(whole, CLOZE_ORDER)
    assert in_batches(batched, CLOZE_ORDER, size) == expected
    assert tables(batched) == tables(whole)
    with batched.read() as conn:
        notes: dict[int, int] = dict(
            conn.execute(
                text("SELECT source_line, count(DISTINCT note_uid) FROM card GROUP BY 1")
            ).all()
        )
        line_10 = conn.execute(
            text("SELECT uid, note_uid, cloze_ord FROM card WHERE source_line = 10")
        ).all()
    assert notes[10] == 1 and {uid for uid, note, ord_ in line_10 if ord_ == 2} == {line_10[0][1]}


@pytest.mark.parametrize("size", [7, 500])
def test_generated_notes(tmp_path: Path, size: int) -> None:
    drafts = generated()
    whole, batched = fresh(tmp_path, "a.db"), fresh(tmp_path, "b.db")
    expected = by_sync_file(whole, drafts)
    assert in_batches(batched, drafts, size) == expected
    assert tables(batched) == tables(whole)
    assert expected.new == len(drafts) > 1000


def test_a_root_with_only_retired_cards_is_not_new(tmp_path: Path) -> None:
    db = fresh(tmp_path, "a.db")
    by_sync_file(db, CLOZE_ORDER)
    with db.write() as conn:
        sync_file(conn, root="LLM", source_path=PATH, drafts=[], now=T0)  # everything retired
        assert root_has_cards(conn, "LLM")


def test_skipped_items_stored_in_batches_read_back_as_one_list() -> None:
    import json

    from llmcards.cards import Skipped
    from llmcards.store.sources import SkippedJson

    items = [
        Skipped(line, f'术语 {line} "q"', "no answer", "term", ("LLM", "NLP"))
        for line in range(1, 8)
    ]
    whole = SkippedJson(items).text
    stored = SkippedJson()
    for batch in (items[:3], [], items[3:4], items[4:]):
        stored.add(batch)
    assert (
        stored.text
        == whole
        == json.dumps(
            [
                {
                    "line": s.line,
                    "text": s.text,
                    "reason": s.reason,
                    "category": s.category,
                    "deck": list(s.deck),
                }
                for s in items
            ],
            ensure_ascii=False,
        )
    )
    assert SkippedJson().text == "[]"


def indexes(db: Database) -> list[tuple[str, str]]:
    with db.read() as conn:
        rows = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        ).all()
    return [(name, sql) for name, sql in rows]


def test_first_import_into_an_empty_database_is_indexed_like_any(tmp_path: Path) -> None:
    drafts = generated()
    whole, batched = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    expected_indexes = indexes(whole)
    assert any(name == "ix_card_due" for name, _sql in expected_indexes)
    assert in_batches(batched, drafts, 500) == by_sync_file(whole, drafts)
    assert tables(batched) == tables(whole)
    assert indexes(batched) == expected_indexes
    with batched.read() as conn:  # the queue's index is there, and SQLite uses it
        plan = conn.execute(
            text("EXPLAIN QUERY PLAN SELECT id FROM card WHERE retired = 0 AND suspended = 0")
        ).all()
    assert "ix_card_due" in str(plan)


def test_a_first_import_that_fails_leaves_the_indexes(tmp_path: Path) -> None:
    db = open_db(tmp_path / "a.db")
    before = indexes(db)
    with pytest.raises(RuntimeError), db.write() as conn:
        storing = NewRootImport(conn, root="LLM", source_path=PATH, now=T0)
        storing.add(generated()[:50])
        raise RuntimeError("the notes turned out to be broken half way")
    assert indexes(db) == before
    assert tables(db)[0] == []
