"""Import benchmark: 100k concept bullets (~10 MB of notes) through the real CLI path.

Usage: uv run python bench/bench_import.py [--bullets 100000]
Prints: import time, unchanged re-import time, re-import after editing one answer,
`llmcards cards --json` on all cards, `llmcards --help`, and peak memory of the import.
Targets (2-core machine): import ≤ 2.5 s, unchanged re-import ≤ 0.5 s,
cards --json ≤ 2 s, --help ≤ 0.3 s.
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
from gen_notes import generate_notes  # noqa: E402

PEAK_RSS = (
    "import resource, runpy, sys; sys.argv = sys.argv[1:];"
    "exec('try:\\n runpy.run_module(\"llmcards\", run_name=\"__main__\")\\nexcept SystemExit: pass');"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, "llmcards", *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"llmcards {' '.join(args)} failed:\n{done.stderr}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bullets", type=int, default=100_000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "learning.md"
        notes.write_text(generate_notes(opts.bullets, seed=1), encoding="utf-8")
        env = {**os.environ, "LLMCARDS_DB": str(Path(tmp) / "bench.db"), "LLMCARDS_CONFIG": str(Path(tmp) / "c.toml")}
        size_mb = notes.stat().st_size / 1e6
        first, peak = timed(["import", str(notes), "--json"], env)
        again, _ = timed(["import", str(notes), "--json"], env)
        text = notes.read_text(encoding="utf-8")
        notes.write_text(text.replace("：", "：（已修改）", 1), encoding="utf-8")
        edited, _ = timed(["import", str(notes), "--json"], env)
        listing = statistics.median(timed(["cards", "--json"], env)[0] for _ in range(3))
        help_time = statistics.median(timed(["--help"], env)[0] for _ in range(5))
    rows = [
        (f"import {opts.bullets:,} bullets ({size_mb:.1f} MB)", first, 2.5),
        ("re-import, unchanged", again, 0.5),
        ("re-import, one answer edited", edited, None),
        ("cards --json (all cards)", listing, 2.0),
        ("llmcards --help", help_time, 0.3),
    ]
    print(f"{'what':45} {'seconds':>8} {'target':>8}")
    for label, seconds, target in rows:
        goal = f"≤ {target}" if target else ""
        print(f"{label:45} {seconds:8.3f} {goal:>8}")
    print(f"{'peak memory of the first import':45} {peak / 1024:8.0f} MB")


if __name__ == "__main__":
    main()
