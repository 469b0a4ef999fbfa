"""What every hostile-input test checks, and the small worlds they start from."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.clihelp import Result, llmcards

NOTE = "# 基础\n\n1. Dropout：训练时随机失活部分神经元\n2. LSTM：带门控的循环网络\n"


def make_db(folder: Path, note: str = NOTE, name: str = "c.db") -> Path:
    """A database with the cards of `note` in it."""
    db = folder / name
    notes = folder / f"{name}.md"
    notes.write_text(note, encoding="utf-8")
    done = llmcards("--db", str(db), "import", str(notes))
    assert done.exit_code == 0, done.stderr
    return db


def rows(db: Path) -> list[tuple]:
    """Everything a user would miss: cards, decks and reviews."""
    con = sqlite3.connect(db)
    try:
        return [
            *con.execute("SELECT id, front, back, state, reps, stability FROM card ORDER BY id"),
            *con.execute("SELECT id, name FROM deck ORDER BY id"),
            *con.execute("SELECT * FROM review_log ORDER BY id"),
        ]
    finally:
        con.close()


def assert_one_line_error(result: Result, *needles: str) -> str:
    """Exit ≠ 0, no traceback, exactly one `llmcards: error:` line naming `needles`."""
    assert result.exit_code != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("llmcards: error:"), lines[0]
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]
    return lines[0]


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}
