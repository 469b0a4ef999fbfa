"""One benchmark command: every performance figure the project claims, with its target.

    bench/run                      # full size: 100k bullets / 100k cards + 1M review rows (a few minutes)
    bench/run --quick              # 10k cards + 100k review rows: a smoke run
    bench/run --only import,tui    # some groups only (import vs_anki cold study tui stats optimize export sync)
    bench/run --markdown           # the table as Markdown (the README's Performance table)

The data is generated once into a temporary folder (notes by gen_notes.generate_notes,
cards and review log by bench_study.build, an optimizer history by
bench_stats.build_synthetic), then each group runs the `measure()` of its bench script.
Headline figures are wall time of fresh `python -m llmcards …` processes, as a user waits
for them (CPU time beside it: on a loaded machine it is the steadier number); the other
rows break a figure down. Progress goes to stderr, the table to stdout. Missed targets
are reported, not fatal: the exit status is 0 unless a measurement itself failed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchkit import Row  # noqa: E402

GROUPS = ("import", "vs_anki", "cold", "study", "tui", "stats", "optimize", "export", "sync")


@dataclass(frozen=True)
class Size:
    bullets: int
    cards: int
    reviews: int
    optimize_reviews: int
    study_ratings: int
    tui_ratings: int
    tmux_runs: int
    cold_runs: int
    vs_anki_runs: int = 5


FULL = Size(
    100_000,
    100_000,
    1_000_000,
    100_000,
    study_ratings=400,
    tui_ratings=300,
    tmux_runs=5,
    cold_runs=7,
)
QUICK = Size(
    10_000,
    10_000,
    100_000,
    10_000,
    study_ratings=100,
    tui_ratings=50,
    tmux_runs=3,
    cold_runs=3,
    vs_anki_runs=2,
)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Data:
    """The shared data, each piece built on first use and only once."""

    def __init__(self, folder: Path, size: Size) -> None:
        self.folder = folder
        self.size = size

    @cached_property
    def notes(self) -> Path:
        from gen_notes import generate_notes

        path = self.folder / "notes" / "learning.md"
        path.parent.mkdir()
        with _step(f"generating notes with {self.size.bullets:,} bullets"):
            path.write_text(generate_notes(self.size.bullets, seed=1), encoding="utf-8")
        return path

    @cached_property
    def study_db(self) -> Path:
        import bench_study

        path = self.folder / "data" / "study.db"
        path.parent.mkdir(exist_ok=True)
        with _step(f"building {self.size.cards:,} cards + {self.size.reviews:,} review rows"):
            bench_study.build(path, self.size.cards, self.size.reviews)
        return path

    @cached_property
    def optimize_db(self) -> Path:
        import bench_stats

        path = self.folder / "data" / "optimize.db"
        path.parent.mkdir(exist_ok=True)
        with _step(f"simulating a learner with ~{self.size.optimize_reviews:,} reviews"):
            bench_stats.build_synthetic(path, self.size.optimize_reviews)
        return path

    def study_copy(self, name: str) -> Path:
        """A copy of the study database for a group that rates cards, so that no group
        sees another's ratings. Same folder: today's daily backup already exists there."""
        source = self.study_db
        target = source.with_name(f"{name}.db")
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        return target

    def workdir(self, name: str) -> Path:
        path = self.folder / name
        path.mkdir(exist_ok=True)
        return path


class _step:
    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        self.started = time.perf_counter()
        say(f"  {self.what} …")

    def __exit__(self, *exc: object) -> None:
        say(f"  {self.what}: {time.perf_counter() - self.started:.1f} s")


def group_import(data: Data) -> list[Row]:
    import bench_import

    folder = data.workdir("import")
    notes = folder / data.notes.name  # bench_import edits the file it imports
    shutil.copyfile(data.notes, notes)
    return bench_import.measure(notes, folder, data.size.bullets, with_help=False)


def group_vs_anki(data: Data) -> list[Row]:
    import vs_anki

    return vs_anki.measure(data.notes, data.workdir("vs_anki"), data.size.vs_anki_runs)


def group_cold(data: Data) -> list[Row]:
    import cold_start

    return cold_start.measure(data.workdir("cold"), runs=data.size.cold_runs)


def group_study(data: Data) -> list[Row]:
    import bench_study

    return bench_study.measure(data.study_copy("study-session"), data.size.study_ratings, say=say)


def group_tui(data: Data) -> list[Row]:
    import bench_tui

    if shutil.which("tmux") is None:
        say(
            "  tui: tmux is not installed: first card on screen and the app's memory are not measured"
        )
    return bench_tui.measure(
        data.study_copy("study-tui"), data.size.tui_ratings, runs=data.size.tmux_runs
    )


def group_stats(data: Data) -> list[Row]:
    import bench_stats

    return bench_stats.measure_stats(data.study_db, "Bench::Topic 03", data.workdir("stats"))


def group_optimize(data: Data) -> list[Row]:
    import bench_stats

    return bench_stats.measure_optimize(data.optimize_db, data.workdir("optimize"))


def group_export(data: Data) -> list[Row]:
    import bench_export

    return bench_export.measure(data.study_db, data.workdir("export"))


def group_sync(data: Data) -> list[Row]:
    import bench_sync

    # The size at every run size: 10k cards and 100k reviews, a local server.
    return bench_sync.measure(data.workdir("sync"))


MEASURES: dict[str, Callable[[Data], list[Row]]] = {
    "import": group_import,
    "vs_anki": group_vs_anki,
    "cold": group_cold,
    "study": group_study,
    "tui": group_tui,
    "stats": group_stats,
    "optimize": group_optimize,
    "export": group_export,
    "sync": group_sync,
}


def value_text(row: Row) -> str:
    digits = 0 if row.unit == "MB" else 1 if row.unit == "ms" else 2 if row.value >= 1 else 3
    text = f"{row.value:.{digits}f} {row.unit}"
    if row.cpu is not None:
        text += f" (CPU {row.cpu:.{digits if row.unit == 's' else 3}f} s)"
    return text


def target_text(row: Row) -> str:
    return "" if row.target is None else f"≤ {row.target:g} {row.unit}"


def ok_text(row: Row) -> str:
    return "" if row.met is None else "yes" if row.met else "NO"


def plain_table(rows: list[tuple[str, Row]]) -> str:
    cells = [("group", "what", "measured", "target", "ok")]
    cells += [(group, r.what, value_text(r), target_text(r), ok_text(r)) for group, r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(5)]
    lines = [
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip()
        for line in cells
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(rows: list[tuple[str, Row]]) -> str:
    lines = ["| what | measured | target | ok |", "| --- | --- | --- | --- |"]
    for _, r in rows:
        ok = "" if r.met is None else "yes" if r.met else "**no**"
        what = (r.what if r.target is not None else f"· {r.what}").replace("|", "\\|")
        lines.append(f"| {what} | {value_text(r)} | {target_text(r)} | {ok} |")
    return "\n".join(lines)


def load_average() -> str:
    return (
        " ".join(Path("/proc/loadavg").read_text().split()[:3])
        if Path("/proc/loadavg").exists()
        else "?"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="10k cards + 100k review rows (a smoke run)"
    )
    parser.add_argument(
        "--only", default=",".join(GROUPS), help=f"comma-separated groups of: {' '.join(GROUPS)}"
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    opts = parser.parse_args(argv)
    groups = [g.strip() for g in opts.only.split(",") if g.strip()]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        parser.error(f"unknown group {', '.join(unknown) or '(none)'}; groups: {' '.join(GROUPS)}")
    size = QUICK if opts.quick else FULL

    began, load_before = time.perf_counter(), load_average()
    rows: list[tuple[str, Row]] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="llmcards-bench-") as folder:
        data = Data(Path(folder), size)
        for group in groups:
            say(f"[{group}]")
            started = time.perf_counter()
            try:
                rows += [(group, r) for r in MEASURES[group](data)]
            except Exception:  # one broken group must not hide the others' figures
                failed.append(group)
                say(traceback.format_exc())
            say(f"[{group}] {time.perf_counter() - started:.0f} s")

    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    context = (
        f"{stamp}; {os.cpu_count()} CPUs; Python {platform.python_version()}; "
        f"load average {load_before} before, {load_average()} after; "
        f"{'quick' if opts.quick else 'full'} size: {size.bullets:,} bullets, {size.cards:,} cards + "
        f"{size.reviews:,} review rows, {size.optimize_reviews:,} reviews to optimize; "
        f"{time.perf_counter() - began:.0f} s in all"
    )
    if opts.markdown:
        print(f"Measured {context}. Rows marked · break a figure down.\n")
        print(markdown_table(rows))
    else:
        print(context)
        print(plain_table(rows))
    if failed:
        print(f"not measured (the measurement failed, see stderr): {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
