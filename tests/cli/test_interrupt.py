"""Ctrl-C: one line on stderr, exit 130, no traceback, and an import stopped before its
commit leaves the database exactly as it was (its transaction rolls back)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.clihelp import llmcards

NOTE = """\
# 正则化

1. Dropout：训练时随机让一部分神经元失活
2. 权重衰减：在损失函数中加入权重的平方和
"""


def big_note(answer: str = "答案") -> str:
    """60,000 cards: an import of them takes a second or two, time to interrupt it."""
    return "\n".join(
        f"# H{h}\n" + "\n".join(f"{i + 1}. 术语{h}_{i}：{answer} {i}" for i in range(300))
        for h in range(200)
    )


def backs(db: Path) -> dict[str, str]:
    """Every card's front and answer, as `llmcards cards --json` shows them."""
    done = llmcards("--db", str(db), "cards", "--json")
    assert done.exit_code == 0, done.stderr
    return {card["front"]: card["back"] for card in done.json()}


@dataclass
class CtrlC:
    armed: bool = True


@pytest.fixture
def ctrl_c_in_card_writes() -> Iterator[CtrlC]:
    """While armed, a KeyboardInterrupt right after any statement that writes cards,
    where a Ctrl-C lands most often: SQLAlchemy then invalidates (closes) the connection."""
    ctrl_c = CtrlC()

    def interrupt(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        writes_cards = statement.lstrip().upper().startswith(("INSERT INTO CARD ", "UPDATE CARD "))
        if ctrl_c.armed and writes_cards:
            raise KeyboardInterrupt

    event.listen(Engine, "after_cursor_execute", interrupt)
    try:
        yield ctrl_c
    finally:
        event.remove(Engine, "after_cursor_execute", interrupt)


def test_ctrl_c_while_a_first_import_writes_imports_nothing(
    tmp_path: Path, ctrl_c_in_card_writes: CtrlC
) -> None:
    notes = tmp_path / "regularization.md"
    notes.write_text(NOTE, encoding="utf-8")
    db = tmp_path / "c.db"
    done = llmcards("--db", str(db), "import", str(notes))
    assert (done.exit_code, done.stdout) == (130, "")
    assert done.stderr == "llmcards: interrupted; nothing was imported\n"
    ctrl_c_in_card_writes.armed = False
    assert backs(db) == {}


def test_ctrl_c_while_a_re_import_writes_keeps_the_cards_as_they_were(
    tmp_path: Path, ctrl_c_in_card_writes: CtrlC
) -> None:
    notes = tmp_path / "regularization.md"
    notes.write_text(NOTE, encoding="utf-8")
    db = tmp_path / "c.db"
    ctrl_c_in_card_writes.armed = False
    assert llmcards("--db", str(db), "import", str(notes)).exit_code == 0
    before = backs(db)
    ctrl_c_in_card_writes.armed = True
    notes.write_text(NOTE.replace("失活", "失活，减少共适应"), encoding="utf-8")
    done = llmcards("--db", str(db), "import", str(notes))
    assert (done.exit_code, done.stdout) == (130, "")
    assert done.stderr == "llmcards: interrupted; nothing was imported\n"
    ctrl_c_in_card_writes.armed = False
    assert backs(db) == before


def test_ctrl_c_after_the_import_was_saved_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcards.store.db import Database

    notes = tmp_path / "regularization.md"
    notes.write_text(NOTE, encoding="utf-8")
    db = tmp_path / "c.db"
    close = Database.close

    def interrupted_close(self: Database) -> None:  # the commit is behind us here
        close(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(Database, "close", interrupted_close)
    done = llmcards("--db", str(db), "import", str(notes))
    monkeypatch.setattr(Database, "close", close)
    assert done.exit_code == 130
    assert done.stderr.startswith("llmcards: interrupted after the import was saved;")
    assert set(backs(db)) == {"Dropout", "权重衰减"}


def test_ctrl_c_in_any_command_is_one_line_and_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcards import config

    def interrupted(*_args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(config, "load_settings", interrupted)
    for command in ("decks", "due", "stats", "config"):
        done = llmcards("--db", str(tmp_path / "c.db"), command)
        assert (done.exit_code, done.stdout, done.stderr) == (130, "", "llmcards: interrupted\n")


# A real Ctrl-C in a terminal: SIGINT to the whole process group (the parse worker too).


def holds_the_write_lock(db: Path) -> bool:
    """Whether another process has a write transaction open on `db` (never creates it)."""
    try:
        con = sqlite3.connect(db.as_uri() + "?mode=rw", uri=True, timeout=0, isolation_level=None)
    except sqlite3.OperationalError:
        return False  # not there yet
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    else:
        con.execute("ROLLBACK")
        return False
    finally:
        con.close()


def ctrl_c_once_writing(db: Path, notes: Path, *, fresh: bool) -> subprocess.CompletedProcess[str]:
    """`llmcards import notes`, and Ctrl-C as soon as its transaction is open (for a new
    database: once its schema is in, so that it is the import's transaction). The process
    group is stopped while SIGINT is sent, so the import cannot commit meanwhile."""
    wal = db.with_name(db.name + "-wal")
    process = subprocess.Popen(
        [sys.executable, "-m", "llmcards", "--db", str(db), "import", str(notes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (
            (not fresh or (wal.exists() and wal.stat().st_size > 0)) and holds_the_write_lock(db)
        ):
            assert process.poll() is None, "the import ended before it could be interrupted"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.002)
        os.killpg(process.pid, signal.SIGSTOP)
        os.killpg(process.pid, signal.SIGINT)
        os.killpg(process.pid, signal.SIGCONT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def intact(db: Path) -> bool:
    with sqlite3.connect(db.as_uri() + "?mode=ro", uri=True) as con:
        return con.execute("PRAGMA quick_check").fetchall() == [("ok",)]


def test_a_real_ctrl_c_during_a_first_import(tmp_path: Path) -> None:
    notes = tmp_path / "big.md"
    notes.write_text(big_note(), encoding="utf-8")
    db = tmp_path / "c.db"
    done = ctrl_c_once_writing(db, notes, fresh=True)
    assert (done.returncode, done.stdout) == (130, ""), done.stderr
    assert done.stderr == "llmcards: interrupted; nothing was imported\n"
    assert intact(db) and backs(db) == {}


def test_a_real_ctrl_c_during_a_re_import(tmp_path: Path) -> None:
    notes = tmp_path / "big.md"
    notes.write_text(big_note(), encoding="utf-8")
    db = tmp_path / "c.db"
    first = llmcards("--db", str(db), "import", str(notes), "--json")
    assert first.exit_code == 0 and first.json()["new"] == 60_000
    before = backs(db)
    notes.write_text(big_note("另一个答案"), encoding="utf-8")  # every card changes
    done = ctrl_c_once_writing(db, notes, fresh=False)
    assert (done.returncode, done.stdout) == (130, ""), done.stderr
    assert done.stderr == "llmcards: interrupted; nothing was imported\n"
    assert intact(db) and backs(db) == before
    # and the next import goes through, once
    again = llmcards("--db", str(db), "import", str(notes), "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["updated"] == 60_000
