"""An edited note re-imported by sections is read ahead in a worker while the store
loads: the same database and report as reading it here, also when the worker fails."""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import llmcards.notes  # noqa: F401 - loaded before forking, so the worker need not import it
from llmcards.importing import reimport, reimport_ahead
from llmcards.importing.files import import_at, import_paths
from llmcards.importing.worker import MIN_WORKER_BYTES
from llmcards.store.db import open_db

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_notes import generate_notes
from tests.cli.test_import_worker import dump

FIRST = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
AGAIN = FIRST + timedelta(days=1)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, Path, Path]:
    """One large note imported into two databases, then edited in a few answers."""
    note = tmp_path / "learning.md"
    text = generate_notes(3000, seed=7)
    note.write_text(text, encoding="utf-8")
    assert note.stat().st_size >= MIN_WORKER_BYTES
    ahead, here = tmp_path / "ahead.db", tmp_path / "here.db"
    for db_path in (ahead, here):
        import_at(db_path, [note], now=FIRST)
    pieces = text.split("：")
    edited = "：".join(p + ("（已修改）" if i % 97 == 5 else "") for i, p in enumerate(pieces))
    note.write_text(edited, encoding="utf-8")
    return note, ahead, here


def _read_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the calls of `read_changed` in this process (a forked worker counts its own)."""
    calls: list[int] = []
    real = reimport.read_changed
    parent = os.getpid()

    def counted(**kwargs: Any) -> Any:
        if os.getpid() == parent:
            calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(reimport, "read_changed", counted)
    return calls


def _reference(note: Path, db_path: Path) -> dict[str, Any]:
    db = open_db(db_path)
    try:
        report = import_paths(db, [note], now=AGAIN)  # no worker: read here
    finally:
        db.close()
    assert report.files[0].sections_read is not None
    return report.as_json()


def test_a_worker_reads_the_changed_sections_and_the_import_stores_what_reading_here_does(
    imported: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    note, ahead, here = imported
    calls = _read_here(monkeypatch)
    report = import_at(ahead, [note], now=AGAIN)
    assert calls == []  # read by the worker only
    assert report.files[0].sections_read is not None
    assert report.total("updated") >= 5
    assert report.as_json() == _reference(note, here)
    assert calls  # the reference did read here
    assert dump(ahead) == dump(here)


@pytest.mark.parametrize("how", ["dies", "fails"])
def test_a_worker_that_dies_or_fails_is_taken_over_with_the_same_outcome(
    imported: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    note, ahead, here = imported
    calls = _read_here(monkeypatch)
    parent = os.getpid()
    real = reimport_ahead.Job.read

    def broken(job: reimport_ahead.Job, early: Any = None) -> Any:
        if os.getpid() != parent:  # in the worker
            if how == "dies":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("the worker broke")
        return real(job, early)

    monkeypatch.setattr(reimport_ahead.Job, "read", broken)
    report = import_at(ahead, [note], now=AGAIN)
    assert len(calls) == 1  # taken over here
    assert report.files[0].sections_read is not None
    assert report.as_json() == _reference(note, here)
    assert dump(ahead) == dump(here)


def test_an_answer_read_from_other_stored_sections_is_not_used(
    imported: tuple[Path, Path, Path],
) -> None:
    note, _ahead, _here = imported
    job = reimport_ahead.Job(note, note.read_bytes(), None, b"stale", "[]")
    with reimport_ahead.ReadAhead([job], worker=True) as reads:
        assert reads.forked
        other = reimport_ahead.Job(note, note.read_bytes(), None, b"stored since", "[]")
        assert reads.take(other) is False  # read here, against what is stored now
