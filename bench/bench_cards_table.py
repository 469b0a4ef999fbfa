"""`llmcards cards` (the table) against `llmcards cards --json` on a large collection.

Usage: uv run python bench/bench_cards_table.py [--bullets 20000]
Prints the wall and CPU time of each as a fresh process writing to a pipe. Target: the
table in under a second (it was 11.7 s for 13.5k cards as a Rich table).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import env_for, row, run_llmcards
from gen_notes import main as generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bullets", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        notes, db = folder / "notes.md", folder / "bench.db"
        generate(["gen_notes", str(args.bullets), str(notes)])
        env = env_for(db, folder)
        run_llmcards(["import", str(notes), "--deck", "Bench"], env)
        table = run_llmcards(["cards"], env)
        cards = len(table.stdout.splitlines()) - 2
        as_json = run_llmcards(["cards", "--json"], env)
        for result in (
            row(
                f"`llmcards cards`, {cards:,} cards (table, to a pipe)",
                table.wall,
                "s",
                1.0,
                table.cpu,
            ),
            row(f"`llmcards cards --json`, {cards:,} cards", as_json.wall, "s", cpu=as_json.cpu),
        ):
            verdict = "" if result.met is None else ("  OK" if result.met else "  TOO SLOW")
            print(f"{result.what}: {result.value:.2f} s wall, {result.cpu:.2f} s CPU{verdict}")


if __name__ == "__main__":
    main()
