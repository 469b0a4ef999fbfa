"""Import benchmark: 100k concept bullets (~10 MB of notes) through the real CLI path.

Usage: uv run python bench/bench_import.py [--bullets 100000]
Prints: import time, unchanged re-import time, re-import after editing one answer and
after editing 1,000 answers,
`llmcards cards --json` on all cards, `llmcards --help`, and peak memory of the import.
Targets (2-core machine): import ≤ 2.5 s, unchanged re-import ≤ 0.3 s, one answer edited
≤ 1.0 s, 1,000 answers edited ≤ 1.2 s,
cards --json ≤ 2 s, --help ≤ 0.3 s.

A large import parses in a worker process (`llmcards.importing.parse_ahead`): its CPU time is
counted in the CPU column, and the peak memory is the larger of the two processes'.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import Row, env_for, row, run_llmcards
from gen_notes import generate_notes


def timed(args: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS in KB and CPU seconds of one fresh `llmcards ARGS`."""
    child = run_llmcards(args, env)
    return child.wall, int(child.peak_mb * 1024), child.cpu


def measure(notes: Path, folder: Path, bullets: int, *, with_help: bool = True) -> list[Row]:
    """Import `notes` into a new database in `folder`, re-import it unchanged and with one
    answer edited (the file is edited in place), list every card, show --help."""
    env = env_for(folder / "bench.db", folder)
    size_mb = notes.stat().st_size / 1e6
    first, peak, first_cpu = timed(["import", str(notes), "--json"], env)
    again, _, again_cpu = timed(["import", str(notes), "--json"], env)
    text = notes.read_text(encoding="utf-8")
    # The first definition's answer (the first `：` of the notes starts a link-only item,
    # which stays passed over however it is edited).
    notes.write_text(re.sub("：(?!https?:)", "：（已修改）", text, count=1), encoding="utf-8")
    edited, _, edited_cpu = timed(["import", str(notes), "--json"], env)
    # 1,000 answers edited, spread over the file (every answer after a `：` that is
    # followed by text, taken in steps so the edits reach the end of the notes).
    text = notes.read_text(encoding="utf-8")
    starts = [m.end() for m in re.finditer("：(?!https?:)", text)]
    step = max(1, len(starts) // 1000)
    marks = set(starts[::step][:1000])
    pieces, last = [], 0
    for at in sorted(marks):
        pieces += [text[last:at], "（又改）"]
        last = at
    notes.write_text("".join(pieces) + text[last:], encoding="utf-8")
    many, _, many_cpu = timed(["import", str(notes), "--json"], env)
    listings = sorted(timed(["cards", "--json"], env) for _ in range(3))
    listing, _, listing_cpu = listings[1]
    rows = [
        row(f"import {bullets:,} bullets ({size_mb:.1f} MB)", first, "s", 2.5, first_cpu),
        row("re-import, unchanged", again, "s", 0.3, again_cpu),
        row("re-import, one answer edited", edited, "s", 1.0, edited_cpu),
        row(f"re-import, {len(marks):,} answers edited", many, "s", 1.2, many_cpu),
        row("`llmcards cards --json` (all cards, median of 3)", listing, "s", 2.0, listing_cpu),
        row("peak memory of the first import", peak / 1024, "MB"),
    ]
    if with_help:  # bench/run takes it from cold_start instead
        help_time, _, help_cpu = sorted(timed(["--help"], env) for _ in range(5))[2]
        rows.insert(4, row("`llmcards --help` (median of 5)", help_time, "s", 0.3, help_cpu))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bullets", type=int, default=100_000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "learning.md"
        notes.write_text(generate_notes(opts.bullets, seed=1), encoding="utf-8")
        rows = measure(notes, Path(tmp), opts.bullets)
    print(f"{'what':50} {'seconds':>8} {'cpu':>8} {'target':>8}")
    for what, value, unit, target, _, cpu in rows:
        if unit != "s":
            print(f"{what:50} {value:8.0f} {unit}")
            continue
        goal = f"≤ {target}" if target else ""
        print(f"{what:50} {value:8.3f} {cpu or 0:8.3f} {goal:>8}")


if __name__ == "__main__":
    main()
