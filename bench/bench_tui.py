"""TUI benchmark: 100k cards + 1M review rows (built by bench_study.build).

Usage: uv run python bench/bench_tui.py [--cards 100000] [--reviews 1000000] [--ratings 300]
                                        [--db PATH] [--screenshot-only]
Prints:
  * process start → first card on screen: the real `llmcards --db … study` in a 100x30
    tmux pane, polled until the card's front is visible (median of 5, after a warm-up
    run that also takes the daily backup);
  * rate → next card rendered, in-process: with Pilot (key press to the new front, Pilot's
    idle waits included) and with the key handed to the driver (to the first frame painted
    with the new front), median / p99;
and saves docs/study-screen.svg (+ .png via rsvg-convert) from the bundled starter decks.
  * the study app's peak memory (VmHWM) after its first card and 20 ratings in tmux;
Targets: first card ≤ 0.6 s; rate → next card ≤ 16 ms median, ≤ 50 ms p99; memory ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_study import NOW, NOW_ENV, build  # noqa: E402
from benchkit import Row, p99, row  # noqa: E402

DOCS = HERE.parent / "docs"


# A private tmux server: other suites' tmux sessions (or their kill-server) never meet ours.
TMUX = ["tmux", "-L", f"bench-tui-{os.getpid()}"]


def _open_in_tmux(db: Path) -> tuple[str, float]:
    """Start the real `llmcards study` in a 100x30 tmux pane; the session name and the
    seconds from process start to the first card's front on screen."""
    name = f"bench-tui-{uuid.uuid4().hex[:8]}"
    command = f"exec env LLMCARDS_NOW={NOW_ENV} {shlex.quote(sys.executable)} -m llmcards --db {shlex.quote(str(db))} study --deck Bench"
    for _attempt in range(
        3
    ):  # a new tmux server now and then exits at once ("server exited unexpectedly")
        start = time.perf_counter()
        started = subprocess.run(
            [*TMUX, "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command],
            capture_output=True,
            text=True,
        )
        if started.returncode == 0:
            break
        time.sleep(0.5)
    else:
        raise RuntimeError(f"tmux new-session failed: {started.stderr.strip()}")
    try:
        while True:
            pane = subprocess.run(
                [*TMUX, "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if "concept " in pane:
                return name, time.perf_counter() - start
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"no card after 30 s:\n{pane}")
            time.sleep(0.002)
    except BaseException:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)
        raise


def take_days_backup(db: Path) -> float | None:
    """Seconds taken by today's backup of `db`, taken now as the first open of the day
    would (None: there was one already). The app takes it in the background once it runs,
    so a pane killed at its first card never finishes it, and the runs after it would
    share the machine with that copy (before, the in-process run paid for all of it)."""
    from llmcards.store.backup import daily_backup_if_due

    start = time.perf_counter()
    made = daily_backup_if_due(db)
    return time.perf_counter() - start if made is not None else None


def mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.0f} MB"


def first_card_in_tmux(db: Path, runs: int = 5) -> list[float]:
    if shutil.which("tmux") is None:
        print("first card: skipped (needs tmux)")
        return []
    times = []
    for run in range(runs + 1):
        name, elapsed = _open_in_tmux(db)
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)
        if run:  # the first run is a warm-up: page cache, bytecode
            times.append(elapsed)
    return times


def tui_peak_memory(db: Path, ratings: int = 20) -> float | None:
    """Peak RSS (VmHWM, MB) of the real study app after its first card and `ratings`
    ratings typed into the pane; None without tmux."""
    if shutil.which("tmux") is None:
        return None
    name, _ = _open_in_tmux(db)
    try:
        pid = subprocess.run(
            [*TMUX, "display-message", "-p", "-t", name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for i in range(ratings):
            subprocess.run([*TMUX, "send-keys", "-t", name, "Space"], check=True)
            time.sleep(0.05)
            subprocess.run([*TMUX, "send-keys", "-t", name, "3" if i % 5 else "4"], check=True)
            time.sleep(0.1)
        time.sleep(0.5)
        status = Path(f"/proc/{pid}/status").read_text()
        if "llmcards" not in Path(f"/proc/{pid}/cmdline").read_text():
            raise RuntimeError(f"pane process {pid} is not llmcards")
        return (
            next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
            / 1024
        )
    finally:
        subprocess.run([*TMUX, "kill-session", "-t", name], capture_output=True)


async def rate_latencies(
    db: Path, ratings: int, *, direct: bool = False
) -> tuple[float, list[float]]:
    """Milliseconds from a rating key to the next card rendered, over `ratings` ratings.

    With Pilot's `press` (direct=False) each figure includes Pilot's own waits for an idle
    process: `wait_for_idle` sleeps at least 20 ms, twice per key. direct=True hands the
    key to the driver as a terminal would and stops the clock at the first frame the app
    paints (post_display_hook) once the new front is in it."""
    from textual import events
    from textual.widgets import Static

    from llmcards.config import Settings
    from llmcards.tui.app import create_app

    def front(app) -> str:
        return str(app.screen.query_one("#front", Static).render())

    settings = Settings(new_per_day=100, reviews_per_day=1000)
    start = time.perf_counter()
    app = create_app(
        db_path=db, deck="Bench", settings=settings, now=NOW, bundled_dir=Path("/nonexistent")
    )
    latencies: list[float] = []
    waiting: dict[str, object] = {}
    painted = app.post_display_hook

    def on_frame() -> None:  # runs on the event loop, right after a frame is written
        if (
            waiting
            and "at" not in waiting
            and app.screen.query("#front")
            and front(app) != waiting["before"]
        ):
            waiting["at"] = time.perf_counter()
            waiting["seen"].set()  # type: ignore[attr-defined]
        painted()

    app.post_display_hook = on_frame  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        while "concept" not in front(app) if app.screen.query("#front") else True:
            await pilot.pause(0.001)
            if time.perf_counter() - start > 60:
                raise RuntimeError(f"no card after 60 s (is there anything due in {db}?)")
        first = time.perf_counter() - start
        for i in range(ratings):
            await pilot.press("space")
            key = "3" if i % 5 else "4"
            before = front(app)
            if direct:
                waiting.update(before=before, seen=asyncio.Event())
                t0 = time.perf_counter()
                app._driver.send_message(events.Key(key, key))  # type: ignore[union-attr]
                await asyncio.wait_for(waiting["seen"].wait(), 10)  # type: ignore[attr-defined]
                latencies.append((waiting["at"] - t0) * 1000)  # type: ignore[operator]
                waiting.clear()
                continue
            t0 = time.perf_counter()
            await pilot.press(key)
            while front(app) == before:
                await pilot.pause(0)
            await pilot.pause(0)  # the frame with the new card
            latencies.append((time.perf_counter() - t0) * 1000)
    return first, latencies


async def screenshot() -> Path:
    from llmcards.config import Settings
    from llmcards.importing.files import import_paths
    from llmcards.paths import bundled_decks_dir
    from llmcards.store.db import open_db
    from llmcards.tui.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shot.db"
        db = open_db(path)
        import_paths(db, [bundled_decks_dir() / "03_sequence_models.md"], now=NOW)
        db.close()
        app = create_app(
            db_path=path,
            deck="入门：序列模型与参数量::LSTM",
            settings=Settings(fuzz=False),
            now=NOW,
            bundled_dir=Path("/nonexistent"),
        )
        async with app.run_test(size=(100, 30)) as pilot:
            while not app.screen.query("#front") or getattr(app.screen, "view", None) is None:
                await pilot.pause(0.01)
            await pilot.press("space", "3")
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            await pilot.press("space", "3")
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            await pilot.press("space")
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            DOCS.mkdir(exist_ok=True)
            svg = DOCS / "study-screen.svg"
            app.save_screenshot(filename=svg.name, path=str(DOCS))
    if shutil.which("rsvg-convert"):
        # xml:space keeps the leading no-break spaces librsvg would otherwise drop.
        fixed = svg.read_text(encoding="utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1)
        with tempfile.NamedTemporaryFile(
            "w", suffix=".svg", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(fixed)
        subprocess.run(
            ["rsvg-convert", "-z", "1.5", handle.name, "-o", str(svg.with_suffix(".png"))],
            check=True,
        )
        os.unlink(handle.name)
    return svg


def measure(db: Path, ratings: int, runs: int = 5) -> list[Row]:
    """First card on screen (real process in tmux), rate → next card rendered (Pilot) and
    the app's peak memory, on the database at `db` (built by `build`; ratings are saved in it)."""
    os.environ["LLMCARDS_NOW"] = NOW_ENV
    rows = []
    backup = take_days_backup(db)
    times = first_card_in_tmux(db, runs)
    if times:
        rows.append(
            row(
                f"process start → first card on screen (tmux, median of {len(times)})",
                statistics.median(times),
                "s",
                0.6,
            )
        )
    first, lat = asyncio.run(rate_latencies(db, ratings, direct=True))
    _, pilot = asyncio.run(rate_latencies(db, max(20, ratings // 5)))
    rows += [
        row("in-process create_app → first card (headless)", first, "s"),
        *(
            []
            if backup is None
            else [row(f"first open of the day: backup of the {mb(db)} database", backup, "s")]
        ),
        row(
            f"rate key → next card painted, median of {len(lat)}", statistics.median(lat), "ms", 16
        ),
        row(f"rate key → next card painted, p99 of {len(lat)}", p99(lat), "ms", 50),
        row(
            f"rate → next card with Pilot.press (+ its ≥ 40 ms idle waits), median of {len(pilot)}",
            statistics.median(pilot),
            "ms",
        ),
    ]
    peak = tui_peak_memory(db)
    if peak is not None:
        rows.append(row("study app peak memory (VmHWM, first card + 20 ratings)", peak, "MB", 200))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=300)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--screenshot-only", action="store_true")
    args = parser.parse_args()
    os.environ["LLMCARDS_NOW"] = NOW_ENV

    if not args.screenshot_only:
        with tempfile.TemporaryDirectory() as tmp:
            path = args.db or Path(tmp) / "bench.db"
            if not path.exists():
                start = time.perf_counter()
                build(path, args.cards, args.reviews)
                print(
                    f"build {args.cards:,} cards + {args.reviews:,} review rows: {time.perf_counter() - start:.1f} s"
                )
            backup = take_days_backup(path)
            if backup is not None:
                print(f"first open of the day: backup of the database: {backup:.3f} s")
            times = first_card_in_tmux(path)
            if times:
                print(
                    f"process start → first card on screen (tmux, real binary): median {statistics.median(times):.3f} s"
                    f"  [{', '.join(f'{t:.3f}' for t in times)}]   target ≤ 0.6 s"
                )
            first, lat = asyncio.run(rate_latencies(path, args.ratings))
            lat.sort()
            print(f"in-process create_app → first card (Pilot): {first:.3f} s")
            print(
                f"rate → next card rendered (Pilot, {len(lat)} ratings): median {statistics.median(lat):.1f} ms,"
                f" p99 {p99(lat):.1f} ms, max {lat[-1]:.1f} ms   (Pilot's own idle waits included)"
            )
            _, lat = asyncio.run(rate_latencies(path, args.ratings, direct=True))
            lat.sort()
            print(
                f"rate key → next card painted (key to the driver, first frame with the new card, {len(lat)} ratings):"
                f" median {statistics.median(lat):.1f} ms, p99 {p99(lat):.1f} ms, max {lat[-1]:.1f} ms   target ≤ 16 / ≤ 50 ms"
            )
            peak = tui_peak_memory(path)
            if peak is not None:
                print(
                    f"study app peak memory (VmHWM after first card + 20 ratings): {peak:.0f} MB   target ≤ 200 MB"
                )
    svg = asyncio.run(screenshot())
    print(f"screenshot: {svg} (+ .png)")


if __name__ == "__main__":
    main()
