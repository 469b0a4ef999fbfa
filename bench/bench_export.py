"""Benchmark: `.apkg` export of 100k cards with 1M reviews (target: ≤ 10 s).

Run: `uv run python bench/bench_export.py [--cards N] [--reviews M]`. Builds a throwaway
database in a temp folder (rows written directly, schema from the real migrations), then
times `export_apkg` end to end: reading, converting, writing SQLite, zipping.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import Row, env_for, row, run_llmcards
from llmcards.config import Settings
from llmcards.exchange.apkg_export import export_apkg
from llmcards.store.db import open_db


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, cards: int, reviews: int, now: datetime) -> None:
    db = open_db(path)
    rng = random.Random(7)
    decks = [f"LLM 学习笔记::主题{i}::子题{j}" for i in range(20) for j in range(5)]
    with db.write() as conn:
        conn.exec_driver_sql("insert into deck (name) values (?)", [(d,) for d in decks])
        deck_ids = [r[0] for r in conn.exec_driver_sql("select id from deck order by id")]
        created = _stamp(now - timedelta(days=400))
        rows = []
        per_card = reviews // cards
        for i in range(cards):
            reviewed = per_card > 0
            last = now - timedelta(days=rng.randint(1, 30))
            due = last + timedelta(days=rng.randint(1, 60))
            rows.append(
                (
                    f"u{i:08x}",
                    f"u{i:08x}",
                    deck_ids[i % len(deck_ids)],
                    "LLM 学习笔记",
                    "",
                    f"概念 {i}：注意力 `softmax(QK^T)`",
                    f"**答案** {i}\n\n- 要点一\n- 要点二",
                    "basic",
                    0,
                    "",
                    "",
                    "/notes/big.md",
                    i,
                    i,
                    created,
                    created,
                    0,
                    0,
                    "",
                    2 if reviewed else 0,
                    None,
                    rng.uniform(1, 80) if reviewed else None,
                    rng.uniform(1, 10) if reviewed else None,
                    _stamp(due) if reviewed else None,
                    _stamp(last) if reviewed else None,
                    per_card,
                    0,
                )
            )
        conn.exec_driver_sql(
            "insert into card (uid, note_uid, deck_id, root, context, front, back, kind, cloze_ord,"
            " cloze_text, heading_path, source_path, source_line, position, created_at, updated_at,"
            " retired, suspended, tags, state, step, stability, difficulty, due, last_review, reps, lapses)"
            " values (" + ",".join("?" * 27) + ")",
            rows,
        )
        card_ids = [r[0] for r in conn.exec_driver_sql("select id from card order by id")]
        start = now - timedelta(days=365)
        batch = []
        for n in range(reviews):
            at = start + timedelta(seconds=n * 31)
            batch.append(
                (
                    card_ids[n % len(card_ids)],
                    rng.choice((1, 3, 3, 3, 4)),
                    _stamp(at),
                    5000,
                    2,
                    2,
                    3.0,
                    5.0,
                    5.0,
                    5.0,
                    None,
                    _stamp(at + timedelta(days=5)),
                    "{}",
                )
            )
            if len(batch) == 100_000:
                _reviews(conn, batch)
        _reviews(conn, batch)
    db.close()


def _reviews(conn, batch: list[tuple]) -> None:
    if not batch:
        return
    conn.exec_driver_sql(
        "insert into review_log (card_id, rating, reviewed_at, duration_ms, state_before, state_after,"
        " stability_before, stability_after, difficulty_before, difficulty_after, due_before, due_after,"
        " card_before) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        batch,
    )
    batch.clear()


def measure(db_path: Path, folder: Path) -> list[Row]:
    """Export the database at `db_path` to .apkg in `folder`: `export_apkg` in this process
    (wall and CPU), then `llmcards export anki` as a fresh process."""
    db = open_db(db_path)
    out = folder / "bench.apkg"
    began, cpu = time.perf_counter(), time.process_time()
    summary = export_apkg(db, out, settings=Settings(), now=datetime.now(UTC))
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    db.close()
    size = out.stat().st_size / 2**20
    out.unlink()
    child = run_llmcards(["export", "anki", str(out), "--json"], env_for(db_path, folder))
    out.unlink()
    what = f"{summary.cards:,} cards, {summary.reviews:,} reviews → {size:.0f} MiB .apkg"
    return [
        row(f"`llmcards export anki`, {what} (fresh process)", child.wall, "s", 10.0, child.cpu),
        row("export_apkg (in process; CPU of this process only)", seconds, "s", cpu=cpu),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse (or build once) this database")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        db_path = args.db or Path(folder) / "bench.db"
        if not db_path.exists():
            began = time.perf_counter()
            build(db_path, args.cards, args.reviews, now)
            print(
                f"built {args.cards:,} cards / {args.reviews:,} reviews in {time.perf_counter() - began:.1f} s"
            )
        db = open_db(db_path)
        out = Path(folder) / "bench.apkg"
        began, cpu = time.perf_counter(), time.process_time()
        summary = export_apkg(db, out, settings=Settings(), now=now)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        db.close()
        size = out.stat().st_size / 2**20
        print(
            f"export: {summary.cards:,} cards, {summary.reviews:,} reviews -> {size:.1f} MiB "
            f"in {seconds:.2f} s wall, {cpu:.2f} s CPU (target <= 10 s: {'OK' if seconds <= 10 else 'TOO SLOW'})"
        )


if __name__ == "__main__":
    main()
