"""Benchmark: `llmcards sync` of 10,000 cards and 100,000 reviews against a local server.

Run: `uv run python bench/bench_sync.py [--cards N] [--reviews M]`. Starts Anki's own
sync server (`python -m anki.syncserver`) on 127.0.0.1 with a temp base folder, builds
a database like `bench_export`'s (rows written directly), logs in, then times in this
process: the first sync (every note, card and review into the mirror, then the upload),
an incremental one after 100 ratings, and one with nothing new.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import Row, row

USER, PASSWORD = "bench", "bench"


def start_server(base: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(
        os.environ,
        SYNC_USER1=f"{USER}:{PASSWORD}",
        SYNC_BASE=str(base),
        SYNC_HOST="127.0.0.1",
        SYNC_PORT=str(port),
        RUST_LOG="error",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "anki.syncserver"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit("the Anki sync server did not start") from None
            time.sleep(0.05)


def _timed(label: str, work: Callable[[], Any]) -> tuple[Row, Any]:
    began, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    return row(label, seconds, "s", cpu=cpu), result


def measure(folder: Path, cards: int = 10_000, reviews: int = 100_000) -> list[Row]:
    import bench_export
    from llmcards.config import Settings
    from llmcards.exchange.anki_mirror import login
    from llmcards.exchange.sync_login import save_login, sync_folder
    from llmcards.exchange.sync_run import run_sync
    from llmcards.scheduling.rating import Rater
    from llmcards.scheduling.review import rate_card
    from llmcards.store.db import open_db

    path = folder / "sync.db"
    now = datetime.now(UTC)
    bench_export.build(path, cards, reviews, now)
    server, endpoint = start_server(folder / "server")
    try:
        save_login(sync_folder(path), login(USER, PASSWORD, endpoint))
        settings = Settings()
        db = open_db(path, daily_backup=False)
        first_row, first = _timed(
            f"first sync, {cards:,} cards, {reviews:,} reviews (in process)",
            lambda: run_sync(db, settings=settings, now=datetime.now(UTC)),
        )
        rater = Rater(settings)
        with db.read() as conn:
            ids = [r[0] for r in conn.exec_driver_sql("select id from card limit 100")]
        for card_id in ids:
            rate_card(db, card_id, 3, now=datetime.now(UTC), settings=settings, rater=rater)
        again_row, again = _timed(
            "incremental sync after 100 ratings",
            lambda: run_sync(db, settings=settings, now=datetime.now(UTC)),
        )
        idle_row, idle = _timed(
            "sync with nothing new", lambda: run_sync(db, settings=settings, now=datetime.now(UTC))
        )
        db.close()
    finally:
        server.terminate()
        server.wait(10)
    assert first.pushed.reviews == reviews, first
    assert again.pushed.reviews == 100, again
    assert not idle.changed, idle
    return [first_row, again_row, idle_row]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--reviews", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llmcards-bench-sync-") as folder:
        for result in measure(Path(folder), args.cards, args.reviews):
            cpu = f" (CPU {result.cpu:.2f} s)" if result.cpu is not None else ""
            print(f"{result.what}: {result.value:.2f} {result.unit}{cpu}")


if __name__ == "__main__":
    main()
