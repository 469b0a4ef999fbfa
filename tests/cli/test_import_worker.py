"""Large imports parse in a worker process while the store loads: same outcome, always."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import llmcards.notes  # noqa: F401 - loaded before forking, so the worker need not import it
from llmcards.cards import CardDraft, Skipped
from llmcards.errors import NoteError
from llmcards.importing import worker
from llmcards.importing.files import import_paths
from llmcards.importing.parse_ahead import ParseAhead, parse_here
from llmcards.importing.worker import MIN_WORKER_BYTES
from llmcards.store.db import open_db

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_notes import generate_notes

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def big_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notes just large enough that an import parses them in a worker."""
    path = tmp_path_factory.mktemp("notes") / "learning.md"
    path.write_text(generate_notes(3000, seed=5), encoding="utf-8")
    assert path.stat().st_size >= MIN_WORKER_BYTES
    return path


def everything(path: Path, batch: int = 500) -> tuple[list[CardDraft], list[Skipped]]:
    cards: list[CardDraft] = []
    skipped: list[Skipped] = []
    for more_cards, more_skipped in parse_here(path, path.read_bytes(), None, batch).batches:
        cards += more_cards
        skipped += more_skipped
    return cards, skipped


def dump(db_path: Path) -> dict[str, Sequence[Any]]:
    db = open_db(db_path)
    try:
        with db.read() as conn:
            return {
                table: conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
                for table in ("card", "deck", "source")
            }
    finally:
        db.close()


def test_the_cli_s_worker_import_stores_what_an_import_without_one_stores(
    tmp_path: Path, big_note: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = tmp_path / "learning.md"
    note.write_bytes(big_note.read_bytes())
    with_worker, without = tmp_path / "worker.db", tmp_path / "here.db"

    def import_both() -> dict:
        env = {**os.environ, "LLMCARDS_NOW": NOW.isoformat()}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "llmcards",
                "--db",
                str(with_worker),
                "import",
                str(note),
                "--json",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        with monkeypatch.context() as patch:
            patch.setattr(worker, "MIN_WORKER_BYTES", 1 << 40)  # the reference: no worker
            db = open_db(without)
            try:
                report = import_paths(db, [note], now=NOW).as_json()
            finally:
                db.close()
        assert json.loads(done.stdout) == report
        assert dump(with_worker) == dump(without)
        return report

    assert import_both()["new"] > 1500  # a new root: stored batch by batch
    # An existing root: what the drafts can match is read while the worker parses.
    text = note.read_text(encoding="utf-8")
    front_matter, body = text.split("---\n\n", 1)
    edited = (
        front_matter + "---\n\n- 新概念：放在最前面\n\n" + body.replace("：", "：（已修改）", 3)
    )
    note.write_text(edited, encoding="utf-8")
    again = import_both()
    assert again["new"] >= 1 and again["updated"] >= 1 and again["unchanged"] > 1500


def test_a_worker_delivers_exactly_the_parse(big_note: Path) -> None:
    data = big_note.read_bytes()
    with ParseAhead([(big_note, data)], None, worker=True) as ahead:
        assert ahead.forked
        parse = ahead.take(big_note, data)
        cards, skipped = [], []
        for more_cards, more_skipped in parse.batches:
            cards += more_cards
            skipped += more_skipped
    assert parse.root == "生成的笔记"
    assert (cards, skipped) == everything(big_note)


def test_a_worker_that_dies_mid_file_is_taken_over(tmp_path: Path) -> None:
    # Several batches: the worker cannot have sent them all and left before the kill,
    # since it waits on the full pipe (64 KB) for this process to read them.
    big_note = tmp_path / "larger.md"
    big_note.write_text(generate_notes(20_000, seed=5), encoding="utf-8")
    data = big_note.read_bytes()
    with ParseAhead([(big_note, data)], None, worker=True) as ahead:
        parse = ahead.take(big_note, data)
        batches = iter(parse.batches)
        first_cards, first_skipped = next(batches)
        cards, skipped = list(first_cards), list(first_skipped)
        assert ahead._pid is not None
        os.kill(ahead._pid, signal.SIGKILL)
        for more_cards, more_skipped in batches:
            cards += more_cards
            skipped += more_skipped
        assert not ahead.forked  # reaped
    assert len(first_cards) < len(cards)  # the rest came after the kill
    assert (cards, skipped) == everything(big_note)


def test_a_file_the_worker_cannot_parse_fails_here_with_its_own_error(
    tmp_path: Path, big_note: Path
) -> None:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\x00\x00" * 1000)
    jobs = [(binary, binary.read_bytes()), (big_note, big_note.read_bytes())]
    with ParseAhead(jobs, None, worker=True) as ahead:
        with pytest.raises(NoteError, match=r"image\.md: looks binary"):
            ahead.take(*jobs[0])
        later = ahead.take(*jobs[1])  # parsed here: the worker has stopped
        assert [c for cards, _ in later.batches for c in cards] == everything(big_note)[0]


def test_skipped_and_unlisted_files(tmp_path: Path, big_note: Path) -> None:
    small = tmp_path / "small.md"
    small.write_text("- Dropout：随机失活\n", encoding="utf-8")
    copy = tmp_path / "copy.md"
    copy.write_bytes(big_note.read_bytes())
    jobs = [(big_note, big_note.read_bytes()), (copy, copy.read_bytes())]
    with ParseAhead(jobs, "Deck", worker=True) as ahead:
        ahead.skip(big_note)  # found unchanged after all
        here = ahead.take(small, small.read_bytes())  # never given to the worker
        assert [c.front for cards, _ in here.batches for c in cards] == ["Dropout"]
        parse = ahead.take(copy, copy.read_bytes())
        assert parse.root == "Deck"
        assert len([c for cards, _ in parse.batches for c in cards]) == len(everything(big_note)[0])
