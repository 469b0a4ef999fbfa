"""Time `parse_note` on ~12 MB of generated notes (target: ≤ 0.9 s CPU for 100k bullets).

    uv run python bench/bench_parse.py [n_bullets] [--repeat=N] [--profile]

CPU time (`time.process_time`), not wall time: other test suites load the machine.
The floor printed first is pyromark's own event iteration with nothing done per event.
Best of N (default 5): on a loaded machine even CPU time varies by ±30%, the minimum
is the stable number.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_notes import generate_notes
from llmcards.notes import decode_note, parse_note
from llmcards.notes.parser import parse_events


def best_cpu(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str]) -> None:
    args = [a for a in argv[1:] if not a.startswith("--")]
    n_bullets = int(args[0]) if args else 100_000
    repeat = next((int(a.split("=")[1]) for a in argv if a.startswith("--repeat=")), 5)
    text = generate_notes(n_bullets, seed=1)
    data = text.encode()
    floor = best_cpu(lambda: deque(parse_events(text), maxlen=0), repeat)
    decode = best_cpu(lambda: decode_note(data), repeat)
    parse = best_cpu(lambda: parse_note(text, stem="bench"), repeat)
    note = parse_note(text, stem="bench")
    print(
        f"{len(data) / 1e6:.1f} MB, {n_bullets} bullets -> {len(note.cards)} cards, "
        f"{len(note.skipped)} skipped"
    )
    print(
        f"CPU best of {repeat}: pyromark events {floor:.3f} s, decode {decode:.3f} s, "
        f"parse_note {parse:.3f} s"
    )
    if "--profile" in argv:
        profiler = cProfile.Profile()
        profiler.enable()
        parse_note(text, stem="bench")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(22)


if __name__ == "__main__":
    main(sys.argv)
