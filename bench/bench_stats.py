"""Stats and optimizer benchmark.

Usage: uv run python bench/bench_stats.py [--reviews 1000000] [--optimize-reviews 100000]
Prints: compute_stats over a year holding 1M review rows (all decks, and one deck), the
`llmcards stats --json` command end to end, and `llmcards optimize` on ~100k reviews end
to end, then its parts (reading the log and building items; the fit on every item; the
held-out split that a second process does; optimize() with that process).
Targets (2-core machine): stats ≤ 1 s, optimize ≤ 2 s. Each line shows wall-clock time
and this process's CPU time: on a busy machine the CPU time is the fairer figure.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import Row, env_for, row, run_llmcards

NOW = "2026-11-22T09:30:00+08:00"


def build_review_log(path: Path, reviews: int, cards: int) -> None:
    """`cards` cards in 20 decks, `reviews` review rows spread over the last 365 days."""
    from sqlalchemy import insert, select, update

    from llmcards.cards import CardDraft
    from llmcards.store.db import open_db
    from llmcards.store.models import Card, ReviewLog
    from llmcards.store.sync import sync_file

    card_table = Card.__table__  # type: ignore[attr-defined]
    log = ReviewLog.__table__  # type: ignore[attr-defined]
    rng = random.Random(1)
    now = datetime.fromisoformat(NOW).astimezone(UTC)
    db = open_db(path)
    with db.write() as conn:
        per_deck = cards // 20
        for deck in range(20):
            drafts = [
                CardDraft(
                    deck=("Bench", f"Deck {deck}"),
                    front=f"term {deck}-{i}",
                    back="answer",
                    line=i + 1,
                )
                for i in range(per_deck)
            ]
            sync_file(conn, root="Bench", source_path=f"deck{deck}.md", drafts=drafts, now=now)
        ids = list(conn.execute(select(card_table.c.id)).scalars())
        conn.execute(
            update(card_table).values(
                state=2, stability=10.0, difficulty=5.0, lapses=0, due=now + timedelta(days=3)
            )
        )
        batch: list[dict[str, object]] = []
        start = now - timedelta(days=365)
        step = timedelta(days=365) / reviews
        for n in range(reviews):
            rating = rng.choices((1, 2, 3, 4), (0.1, 0.15, 0.65, 0.1))[0]
            batch.append(
                {
                    "card_id": ids[n % len(ids)],
                    "rating": rating,
                    "reviewed_at": start + step * n,
                    "duration_ms": rng.randint(2000, 15000),
                    "state_before": 2 if n >= len(ids) else 0,
                    "state_after": 2,
                    "card_before": "{}",
                }
            )
            if len(batch) == 50_000:
                conn.execute(insert(log), batch)
                batch.clear()
        if batch:
            conn.execute(insert(log), batch)
    db.close()


def time_stats(path: Path, deck: str | None) -> tuple[float, float]:
    from llmcards import clock
    from llmcards.config import Settings
    from llmcards.stats.compute import compute_stats
    from llmcards.store.db import open_db

    db = open_db(path)
    walls, cpus = [], []
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        with db.read() as conn:
            compute_stats(conn, deck=deck, now=clock.now(), settings=Settings())
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    db.close()
    return statistics.median(walls), statistics.median(cpus)


def time_command(
    path: Path, tmp: Path, args: tuple[str, ...] = ("stats", "--json")
) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh `llmcards ARGS` on the database at `path`."""
    child = run_llmcards(list(args), env_for(path, tmp, NOW))
    return child.wall, child.cpu


def build_synthetic(path: Path, reviews: int) -> int:
    """A simulated learner with about `reviews` reviews; returns the exact count."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.stats.history import make_collection, true_parameters

    from llmcards.stats.synthetic import simulate_learner, write_history

    cards = max(100, reviews // 19)
    fronts = [f"术语 {i}" for i in range(cards)]
    db, ids = make_collection(path, {"NLP": fronts})
    simulated, final = simulate_learner(
        cards=cards,
        days=320,
        start=datetime(2026, 1, 1, 1, tzinfo=UTC),
        true_parameters=true_parameters(),
        new_per_day=max(10, cards // 250),
        seed=3,
    )
    with db.write() as conn:
        write_history(conn, [ids[f] for f in fronts], simulated, final)
    db.close()
    return len(simulated)


def time_optimize(path: Path) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of optimize's parts in this process, on the history at `path`:
    reading the log (stdlib sqlite3) and building items, the fit on every item and its
    evaluation (this process's share), the held-out part (the second process's share, run
    here), and `optimize` itself with its second process (CPU: this process only)."""
    from llmcards import clock
    from llmcards.config import Settings
    from llmcards.stats.fsrs_fit import HeldOut
    from llmcards.stats.optimize import (
        default_parameters,
        evaluate,
        fit,
        load_history,
        optimize,
        split_point,
    )
    from llmcards.store.fastread import open_fast

    def timed(work: Any) -> tuple[Any, tuple[float, float]]:
        started, cpu = time.perf_counter(), time.process_time()
        value = work()
        return value, (time.perf_counter() - started, time.process_time() - cpu)

    def read() -> Any:
        conn = open_fast(path)
        assert conn is not None, f"{path} is not an llmcards database at the current schema"
        try:
            history = load_history(conn, now=clock.now(), rollover_hour=4)
        finally:
            conn.close()
        history.items  # noqa: B018 - built here, on purpose
        return history

    history, loaded = timed(read)
    _, fitted = timed(lambda: evaluate(fit(history.items), history.items))
    job = {
        "ratings": history.ratings,
        "deltas": history.deltas,
        "starts": history.starts,
        "ends": history.ends,
        "cut": split_point(history.days),
        "current": default_parameters(),
        "relearning_steps": 1,
    }

    def held_out_here() -> None:
        with HeldOut(job, in_process=True) as part:
            part.result()

    _, held = timed(held_out_here)
    history, _ = timed(read)  # items built anew: optimize() pays for them as the command does
    result, whole = timed(lambda: optimize(history, Settings()))
    assert result.worker_trouble is None, result.worker_trouble
    return {
        "read": loaded,
        "fit": fitted,
        "held_out": held,
        "optimize": whole,
        "items": (history.cross_day_reviews, 0.0),
    }


def measure_stats(stats_db: Path, deck: str, tmp: Path) -> list[Row]:
    """Stats over the review log in `stats_db` (all decks, and `deck`): the fresh command,
    then compute_stats in this process."""
    os.environ["LLMCARDS_NOW"] = NOW
    reviews = _count(stats_db, "review_log")
    all_decks = time_stats(stats_db, None)
    one_deck = time_stats(stats_db, deck)
    command = time_command(stats_db, tmp)
    return [
        row(
            f"`llmcards stats --json`, {reviews:,} review rows (fresh process)",
            command[0],
            "s",
            1.0,
            command[1],
        ),
        row(
            "compute_stats, all decks (in process, median of 3)",
            all_decks[0],
            "s",
            cpu=all_decks[1],
        ),
        row(
            f"compute_stats, one deck ({deck}) (in process, median of 3)",
            one_deck[0],
            "s",
            cpu=one_deck[1],
        ),
    ]


def measure_optimize(opt_db: Path, tmp: Path) -> list[Row]:
    """The optimizer on the history in `opt_db` (`build_synthetic`): the fresh command
    (fit and comparison, nothing saved; its CPU includes the second process), then its
    parts in this process."""
    os.environ["LLMCARDS_NOW"] = NOW
    count = _count(opt_db, "review_log")
    parts = time_optimize(opt_db)
    command = time_command(opt_db, tmp, ("optimize", "--evaluate", "--json"))
    items = int(parts["items"][0])
    return [
        row(
            f"`llmcards optimize --evaluate --json`, {count:,} reviews (fresh process)",
            command[0],
            "s",
            2.0,
            command[1],
        ),
        row(
            f"optimize: read log + build items ({items:,} cross-day) (in process)",
            *_wall_cpu(parts["read"]),
        ),
        row("optimize: fit all items + evaluate (in process)", *_wall_cpu(parts["fit"])),
        row(
            "optimize: held-out split, the second process's work (in process)",
            *_wall_cpu(parts["held_out"]),
        ),
        row(
            "optimize() with its second process (in process; CPU of this one)",
            *_wall_cpu(parts["optimize"]),
        ),
    ]


def _wall_cpu(measured: tuple[float, float]) -> tuple[float, str, None, float]:
    return measured[0], "s", None, measured[1]


def measure(stats_db: Path, deck: str, opt_db: Path, tmp: Path) -> list[Row]:
    return measure_stats(stats_db, deck, tmp) + measure_optimize(opt_db, tmp)


def _count(path: Path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as con:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--optimize-reviews", type=int, default=100_000)
    opts = parser.parse_args()
    os.environ["LLMCARDS_NOW"] = NOW
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ["LLMCARDS_CONFIG"] = str(tmp / "c.toml")
        stats_db = tmp / "stats.db"
        started = time.perf_counter()
        build_review_log(stats_db, opts.reviews, opts.cards)
        print(f"(built {opts.reviews:,} review rows in {time.perf_counter() - started:.1f} s)")
        all_decks = time_stats(stats_db, None)
        one_deck = time_stats(stats_db, "Deck 3")
        command = time_command(stats_db, tmp)

        opt_db = tmp / "opt.db"
        started = time.perf_counter()
        count = build_synthetic(opt_db, opts.optimize_reviews)
        print(f"(simulated {count:,} reviews in {time.perf_counter() - started:.1f} s)")
        parts = time_optimize(opt_db)
        optimize_command = time_command(opt_db, tmp, ("optimize", "--evaluate", "--json"))
    items = int(parts["items"][0])
    rows = [
        (f"compute_stats, all decks, {opts.reviews:,} reviews", all_decks, 1.0),
        (f"compute_stats, one deck of 20, {opts.reviews:,} reviews", one_deck, 1.0),
        ("`llmcards stats --json` end to end (process start, imports)", command, None),
        ("`llmcards optimize --evaluate --json` end to end", optimize_command, 2.0),
        (
            f"optimize {count:,} reviews ({items:,} cross-day): read log + items",
            parts["read"],
            None,
        ),
        ("optimize: fit all items + evaluate", parts["fit"], None),
        ("optimize: held-out split (the second process's work)", parts["held_out"], None),
        ("optimize() with its second process (CPU: this process)", parts["optimize"], None),
    ]
    print(f"{'':<66} {'wall':>8} {'cpu':>8}")
    for label, (wall, cpu), target in rows:
        best = wall if cpu is None else min(wall, cpu)
        verdict = (
            ""
            if target is None
            else (f"  ≤ {target:g} s ok" if best <= target else f"  > {target:g} s SLOW")
        )
        cpu_text = "" if cpu is None else f"{cpu:7.3f}s"
        print(f"{label:<66} {wall:7.3f}s {cpu_text:>8}{verdict}")


if __name__ == "__main__":
    main()
