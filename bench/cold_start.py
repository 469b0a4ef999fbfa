"""Cold start of commands that do not show the TUI: wall time of fresh processes.

Usage: uv run python bench/cold_start.py [--runs 7]
Prints the median of several runs for each command (target: `llmcards --help` ≤ 0.3 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import Row, env_for, row, run_llmcards

COMMANDS = {
    "llmcards --help": ["--help"],
    "llmcards --version": ["--version"],
    "llmcards decks --json (small db)": ["decks", "--json"],
    "llmcards due (small db)": ["due"],
}
TARGETS = {"llmcards --help": 0.3}


def median_seconds(args: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "llmcards", *args], env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(folder: Path, runs: int = 7) -> list[Row]:
    """Median wall (and CPU) of fresh processes for each of COMMANDS, on a small database in `folder`."""
    env = env_for(folder / "c.db", folder)
    run_llmcards(["decks"], env)  # creates the database (and its first backup) outside the timings
    rows = [row("`python -c pass` (the interpreter alone)", median_seconds_python(env, runs), "s")]
    for label, args in COMMANDS.items():
        children = sorted(
            (run_llmcards(args, env) for _ in range(runs)), key=lambda child: child.wall
        )
        middle = children[len(children) // 2]
        rows.append(
            row(f"{label} (median of {runs})", middle.wall, "s", TARGETS.get(label), middle.cpu)
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "LLMCARDS_DB": str(Path(tmp) / "c.db"),
            "LLMCARDS_CONFIG": str(Path(tmp) / "c.toml"),
        }
        subprocess.run(
            [sys.executable, "-m", "llmcards", "decks"], env=env, capture_output=True, check=True
        )
        baseline = median_seconds_python(env, opts.runs)
        print(f"{'python -c pass (interpreter alone)':40} {baseline:6.3f} s")
        for label, args in COMMANDS.items():
            print(f"{label:40} {median_seconds(args, env, opts.runs):6.3f} s")


def median_seconds_python(env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
