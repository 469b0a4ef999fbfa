"""Time `parse_note` on ~10 MB of generated notes (target: well under 1.5 s).

    uv run python bench/bench_parse.py [n_bullets] [--profile]
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_notes import generate_notes  # noqa: E402

from llmcards.notes import decode_note, parse_note  # noqa: E402


def main(argv: list[str]) -> None:
    args = [a for a in argv[1:] if not a.startswith("--")]
    n_bullets = int(args[0]) if args else 100_000
    text = generate_notes(n_bullets, seed=1)
    data = text.encode()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        note = parse_note(decode_note(data).text, stem="bench")
        best = min(best, time.perf_counter() - started)
    print(f"{len(data) / 1e6:.1f} MB, {n_bullets} bullets -> {len(note.cards)} cards, "
          f"{len(note.skipped)} skipped; decode+parse best of 3: {best:.3f} s")
    if "--profile" in argv:
        profiler = cProfile.Profile()
        profiler.enable()
        parse_note(text, stem="bench")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(18)


if __name__ == "__main__":
    main(sys.argv)
