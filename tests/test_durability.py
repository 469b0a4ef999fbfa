"""kill -9 at any moment loses no rating already reported done; two processes share a database.

Each test runs real processes against a real file: a loop of ratings through
`scheduling.review.rate_card` (the path the study app and `llmcards rate` share), or the
`llmcards rate` command itself, SIGKILLed at random moments.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from llmcards.cards import CardDraft
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file

pytestmark = pytest.mark.slow

CARDS = 30

# Rates cards round-robin, one minute apart in simulated time, and prints each review-log
# id only after rate_card returned (that is: after the commit).
RATE_LOOP = f"""
import sys
from datetime import datetime, timedelta, timezone
from llmcards.config import Settings
from llmcards.scheduling.rating import Rater
from llmcards.scheduling.review import rate_card
from llmcards.store.db import open_db

db = open_db(__import__("pathlib").Path(sys.argv[1]), background_checkpoints=sys.argv[3:] == ["app"])
settings = Settings()
rater = Rater(settings)
start = datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc) + timedelta(days=int(sys.argv[2]))
for i in range(100_000):
    outcome = rate_card(db, 1 + i % {CARDS}, 1 + i % 4, now=start + timedelta(minutes=i), duration_ms=i,
                        settings=settings, rater=rater)
    print(outcome.review_log_id, flush=True)
"""


def _make_db(path: Path) -> None:
    db = open_db(path)
    now = __import__("llmcards.clock", fromlist=["now"]).now()
    drafts = [
        CardDraft(deck=("LLM", "NLP"), front=f"term {i}", back=f"answer {i}", line=i + 1)
        for i in range(CARDS)
    ]
    with db.write() as conn:
        sync_file(conn, root="LLM", source_path="notes.md", drafts=drafts, now=now)
    db.close()


def _check(path: Path, reported: set[int]) -> None:
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        logged = {row[0] for row in con.execute("SELECT id FROM review_log")}
        assert reported <= logged, f"reported but lost: {sorted(reported - logged)[:5]}"
        # A card and its log row are written together: reps always equals its log rows.
        mismatched = con.execute(
            "SELECT card.id, card.reps, COUNT(review_log.id) FROM card "
            "LEFT JOIN review_log ON review_log.card_id = card.id GROUP BY card.id "
            "HAVING card.reps != COUNT(review_log.id)"
        ).fetchall()
        assert mismatched == []


@pytest.mark.parametrize("opened_by", ["command", "app"])
def test_kill_9_during_a_loop_of_ratings_loses_nothing_reported(
    tmp_path: Path, opened_by: str
) -> None:
    # "app": as the study app opens it, the log copied back by a thread of its own
    # (store.checkpoints), so a kill also lands inside those copies.
    path = tmp_path / "cards.db"
    _make_db(path)
    rng = random.Random(20261122)
    reported: set[int] = set()
    for round_no in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", RATE_LOOP, str(path), str(round_no), opened_by],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        wanted = rng.randint(5, 60)  # ratings to let through before a random extra delay
        for _ in range(wanted):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            reported.add(int(line))
        time.sleep(rng.random() * 0.02)  # land anywhere inside the next transaction
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reported.update(int(line) for line in proc.stdout.read().split())  # printed before the kill
        proc.stdout.close()
        proc.stderr.close() if proc.stderr else None
        _check(path, reported)
    assert len(reported) >= 20


def test_kill_9_of_llmcards_rate_loses_no_rating_whose_command_returned(tmp_path: Path) -> None:
    path = tmp_path / "cards.db"
    _make_db(path)
    env = {**os.environ, "LLMCARDS_DB": str(path), "LLMCARDS_NOW": "2026-11-22T09:00:00+08:00"}
    rng = random.Random(7)
    returned, full_run = 0, 1.0
    for attempt in range(4):
        command = [sys.executable, "-m", "llmcards", "rate", str(1 + attempt), "good"]
        if attempt % 2 == 0:  # let it finish, and time it
            start = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
            full_run = time.perf_counter() - start
            assert done.returncode == 0, done.stderr
            returned += 1
        else:  # kill it late in its run: around where it opens the database and commits
            proc = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(full_run * rng.uniform(0.6, 1.0))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        with sqlite3.connect(path) as con:
            logged = con.execute("SELECT card_id FROM review_log").fetchall()
        assert {(1 + a,) for a in range(0, attempt + 1, 2)} <= set(logged)
        _check(path, set())
    assert returned == 2


# Re-imports one file over and over, each time with a different answer, as a user might
# run `llmcards import` in another terminal while studying.
IMPORT_LOOP = """
import sys
from pathlib import Path
from llmcards.cards import CardDraft
from llmcards.clock import now
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file

db = open_db(Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    drafts = [CardDraft(deck=("LLM", "CV"), front=f"cv {k}", back=f"answer {k} v{i}", line=k + 1) for k in range(200)]
    with db.write() as conn:
        sync_file(conn, root="LLM", source_path="cv.md", drafts=drafts, now=now())
print("imported", flush=True)
"""


def test_studying_while_importing_never_fails_with_database_locked(tmp_path: Path) -> None:
    path = tmp_path / "cards.db"
    _make_db(path)
    rater = subprocess.Popen(
        [sys.executable, "-c", RATE_LOOP, str(path), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    importers = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORT_LOOP, str(path), "25"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for importer in importers:
            out, err = importer.communicate(timeout=120)
            assert importer.returncode == 0 and out.strip() == "imported", err
        assert rater.poll() is None, (
            rater.stderr.read() if rater.stderr else ""
        )  # still rating, no crash
        # SQLite's busy handler is not fair: on a loaded machine two importers can keep the
        # rater waiting most of the time. What matters is that it waited instead of failing,
        # and goes on rating once they are done.
        time.sleep(1.0)
    finally:
        rater.kill()
        out, err = rater.communicate()
    assert "locked" not in err and len(out.split()) > 20
    _check(path, {int(x) for x in out.split()})
