"""Crash-safety run: 100 SIGKILL trials and 100 power-cut copies of a live database.

Usage: uv run python bench/crash_trials.py [--trials 100]
Each trial rates cards through the real code path in a child process and stops it at a
random moment; afterwards PRAGMA integrity_check must be ok and every acknowledged rating
must be in the review log. Prints the tally.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.hardening.crash import fresh_db, kill_trial, power_cut_trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_db(Path(tmp) / "cards.db")
        acknowledged = 0
        for trial in range(opts.trials):
            acknowledged += len(kill_trial(db, rng, trial % 300))
        print(
            f"SIGKILL trials: {opts.trials} passed (integrity ok, {acknowledged} acknowledged ratings all kept)"
        )
        cut_db = fresh_db(Path(tmp) / "cut.db")
        kept = 0
        for trial in range(opts.trials):
            acknowledged_n, _found = power_cut_trial(cut_db, Path(tmp), rng, trial % 300)
            kept += acknowledged_n
            for leftover in Path(tmp).glob("cut-*"):
                leftover.unlink()
        print(
            f"power-cut copies: {opts.trials} passed (integrity ok, {kept} acknowledged ratings all present)"
        )
    print(f"total time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
