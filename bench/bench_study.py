"""Study benchmark: 100k cards and 1M review-log rows, through the StudySession API.

Usage: uv run python bench/bench_study.py [--cards 100000] [--reviews 1000000] [--ratings 400] [--db PATH]
Prints: time to build the database; time to the first card (opening the database,
building today's queue, the first card and its previews), both in this process and in a
fresh process (imports included); and rate → next card (commit + next card + its
previews) median / p99 over a few hundred ratings.
Targets (2-core machine): first card ≤ 0.6 s incl. opening the db; rate → next card
≤ 16 ms median, ≤ 50 ms p99.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import Row, p99, row

NOW = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)  # 09:30 at UTC+8
NOW_ENV = "2026-11-22T09:30:00+08:00"
DECKS = [f"Bench::Topic {d:02}" for d in range(10)]
FILES_PER_DECK = 10


def stamp(moment: datetime) -> str:
    """The text SQLAlchemy stores for a UTC datetime in SQLite (naive UTC, microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, n_cards: int, n_reviews: int) -> None:
    from llmcards.store.db import open_db

    rng = random.Random(42)
    db = open_db(path)
    created = stamp(NOW - timedelta(days=400))
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO deck (name) VALUES (?)", [("Bench",)] + [(d,) for d in DECKS]
        )
        deck_ids: dict[str, int] = dict(
            conn.exec_driver_sql("SELECT name, id FROM deck").fetchall()
        )
        cards = []
        review_ids = []
        for i in range(n_cards):
            deck = DECKS[i % len(DECKS)]
            kind_roll = rng.random()
            uid = f"{i:016x}"
            if kind_roll < 0.40:  # new
                sched: tuple[object, ...] = (0, None, None, None, None, None, 0, 0)
            elif kind_roll < 0.995:  # review, due from a month ago to a year ahead
                due = NOW + timedelta(days=rng.uniform(-30, 365))
                last = due - timedelta(days=rng.uniform(1, 120))
                sched = (
                    2,
                    None,
                    rng.uniform(1, 300),
                    rng.uniform(1, 10),
                    stamp(due),
                    stamp(last),
                    rng.randint(1, 30),
                    rng.randint(0, 3),
                )
                review_ids.append(i + 1)
            else:  # learning / relearning, due within the day
                due = NOW + timedelta(minutes=rng.uniform(-600, 600))
                sched = (
                    rng.choice((1, 3)),
                    0,
                    rng.uniform(0.5, 5),
                    rng.uniform(1, 10),
                    stamp(due),
                    stamp(due - timedelta(minutes=10)),
                    1,
                    0,
                )
            cards.append(
                (
                    uid,
                    uid,
                    deck_ids[deck],
                    "Bench",
                    "",
                    f"concept {i}",
                    f"answer {i} " * 8,
                    "basic",
                    0,
                    "",
                    "",
                    f"{deck}/file{(i // len(DECKS)) % FILES_PER_DECK}.md",
                    i,
                    i,
                    created,
                    created,
                    0,
                    0,
                    "",
                    *sched,
                )
            )
        conn.exec_driver_sql(
            "INSERT INTO card (uid, note_uid, deck_id, root, context, front, back, kind, cloze_ord, cloze_text,"
            " heading_path, source_path, source_line, position, created_at, updated_at, retired, suspended, tags,"
            " state, step, stability, difficulty, due, last_review, reps, lapses)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            cards,
        )
        logs = []
        for j in range(n_reviews):
            card_id = review_ids[j % len(review_ids)]
            when = (
                NOW - timedelta(days=rng.uniform(0, 700))
                if j % 2000
                else NOW - timedelta(hours=rng.uniform(0, 5))
            )
            logs.append(
                (
                    card_id,
                    rng.randint(1, 4),
                    stamp(when),
                    rng.randint(1000, 20000),
                    2,
                    2,
                    10.0,
                    12.0,
                    5.0,
                    5.1,
                    None,
                    None,
                    "{}",
                )
            )
        conn.exec_driver_sql(
            "INSERT INTO review_log (card_id, rating, reviewed_at, duration_ms, state_before, state_after,"
            " stability_before, stability_after, difficulty_before, difficulty_after, due_before, due_after, card_before)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            logs,
        )
    with db.write() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.close()


FIRST_CARD = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from llmcards.config import Settings
from llmcards.scheduling.session import StudySession
from llmcards.store.db import open_db
t1 = time.perf_counter()
db = open_db(Path(sys.argv[1]))
session = StudySession(db, settings=Settings(new_per_day=100, reviews_per_day=1000))
card = session.current()
session.previews()
t2 = time.perf_counter()
assert card is not None
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
"""


def measure(path: Path, ratings: int, say=print) -> list[Row]:
    """First card (in this process and in fresh ones) and rate → next card through the
    StudySession API on the database at `path` (built by `build`); rates up to `ratings`
    cards in it. `say` gets the lines that are context rather than figures."""
    import os

    from llmcards.config import Settings
    from llmcards.scheduling.session import StudySession
    from llmcards.store.db import open_db

    os.environ["LLMCARDS_NOW"] = NOW_ENV
    settings = Settings(new_per_day=100, reviews_per_day=1000)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        db = open_db(path)
        session = StudySession(db, settings=settings)
        first = session.current()
        session.previews()
        runs.append(time.perf_counter() - start)
        db.close()
    assert first is not None
    fresh = [
        subprocess.run(
            [sys.executable, "-c", FIRST_CARD, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        ).stdout.split()
        for _ in range(3)
    ]
    imports = statistics.median(float(f[0]) for f in fresh)
    work = statistics.median(float(f[1]) for f in fresh)

    db = open_db(path)
    moment = [NOW]

    def clock() -> datetime:
        return moment[0]

    session = StudySession(db, settings=settings, clock=clock)
    counts = session.counts()
    say(f"queue: {counts.new} new, {counts.learning} learning, {counts.review} review")
    rng = random.Random(1)
    times, rated = [], 0
    while rated < ratings and session.current() is not None:
        rating = rng.choices((1, 2, 3, 4), weights=(10, 10, 70, 10))[0]
        start = time.perf_counter()
        session.rate(rating, 5000)
        session.current()
        session.previews()
        times.append(time.perf_counter() - start)
        moment[0] += timedelta(seconds=8)
        rated += 1
    start = time.perf_counter()
    session.undo()
    undo = time.perf_counter() - start
    db.close()
    return [
        row(
            "first card, StudySession in process (open db + queue + card + previews), median of 5",
            statistics.median(runs) * 1000,
            "ms",
        ),
        row("first card, StudySession in a fresh process: imports", imports * 1000, "ms"),
        row(
            "first card, StudySession in a fresh process: open db + queue + card", work * 1000, "ms"
        ),
        row(
            f"rate → next card, StudySession (commit + next + previews), median of {len(times)}",
            statistics.median(times) * 1000,
            "ms",
        ),
        row(f"rate → next card, StudySession, p99 of {len(times)}", p99(times) * 1000, "ms"),
        row("undo (rebuilds the queue)", undo * 1000, "ms"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=400)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            start = time.perf_counter()
            build(path, args.cards, args.reviews)
            print(
                f"build {args.cards:,} cards + {args.reviews:,} review rows: {time.perf_counter() - start:.1f} s"
            )
        for what, value, unit, *_ in measure(path, args.ratings):
            print(f"{what}: {value:.1f} {unit}")
        print(
            "targets: first card ≤ 600 ms (on screen: bench_tui.py); rate → next card ≤ 16 ms median, ≤ 50 ms p99"
        )


if __name__ == "__main__":
    main()
