"""Crash drivers shared by the tests and `bench/crash_trials.py`: a real rating loop in a
child process, stopped by SIGKILL (process crash) or frozen by SIGSTOP while its files are
copied (what a disk holds at a power cut, given SQLite's ordered fsyncs)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.test_durability import RATE_LOOP, _check, _make_db


def start_rating_loop(db: Path, round_no: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RATE_LOOP, str(db), str(round_no)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_acknowledged(proc: subprocess.Popen[str], count: int) -> set[int]:
    assert proc.stdout is not None
    seen: set[int] = set()
    for _ in range(count):
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(proc.stderr.read() if proc.stderr else "rating loop died")
        seen.add(int(line))
    return seen


def kill_trial(db: Path, rng: random.Random, round_no: int) -> set[int]:
    """Rate, SIGKILL at a random moment, check; returns the ratings acknowledged."""
    proc = start_rating_loop(db, round_no)
    acknowledged = read_acknowledged(proc, rng.randint(1, 40))
    time.sleep(rng.random() * 0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.stdout is not None
    acknowledged.update(int(x) for x in proc.stdout.read().split())
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    _check(db, acknowledged)
    return acknowledged


def power_cut_trial(db: Path, copy_dir: Path, rng: random.Random, round_no: int) -> tuple[int, int]:
    """Freeze the writer mid-run, copy its files as they are, open the copy.

    Returns (ratings acknowledged before the freeze, ratings found in the copy)."""
    proc = start_rating_loop(db, round_no)
    acknowledged = read_acknowledged(proc, rng.randint(1, 40))
    time.sleep(rng.random() * 0.02)
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        copy = copy_dir / f"cut-{round_no}.db"
        for suffix in ("", "-wal"):  # the -shm index is rebuilt from the WAL on open
            source = Path(f"{db}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{copy}{suffix}")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    with sqlite3.connect(copy) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        logged = {row[0] for row in con.execute("SELECT id FROM review_log")}
    assert acknowledged <= logged, (
        f"acknowledged but missing after the cut: {sorted(acknowledged - logged)[:5]}"
    )
    _check(copy, set())  # every card's reps still matches its log rows
    return len(acknowledged), len(logged)


def fresh_db(path: Path) -> Path:
    _make_db(path)
    return path
