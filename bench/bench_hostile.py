"""Timings of the denial-of-service inputs from issue 16, at growing sizes.

Each case doubles its size a few times and prints the time and the time per unit; a
linear algorithm keeps the last column flat, a quadratic one doubles it at each step.
Run: `.venv/bin/python bench/bench_hostile.py [--quick]`. Prints numbers only; nothing
here is a pass/fail test (the behaviour is tested in tests/hostile/).

- cloze: `{{c1::` repeated n times with no `}}` (the old pattern took ~3 min at 2,000),
  and n closed deletions sharing one number, parsed by `notes.parse_note`;
- equal fronts: one notes file with n bullets of the same front, imported into a fresh
  database, then re-imported with every answer edited, so each card is looked up among n
  equal fronts (`llmcards import`, run in this process after a warm-up; 10,000 took 47 s);
- deep decks: `llmcards decks --json` on a database whose deck path is d levels deep
  (1,000 levels took 17 s; depth is now capped at `cards.MAX_DECK_DEPTH`).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from llmcards.cards import MAX_DECK_DEPTH
from llmcards.cli.main import run
from llmcards.notes import parse_note


def _best(seconds: Callable[[], float], repeat: int = 3) -> float:
    return min(seconds() for _ in range(repeat))


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _llmcards(args: list[str], env: dict[str, str]) -> float:
    """Seconds `llmcards ARGS` takes in this process (imports paid by a warm-up run), so
    start-up noise does not hide the work."""
    os.environ.update(env)
    sys.argv = ["llmcards", *args]
    start = time.perf_counter()
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()) as err,
    ):
        try:
            run()
        except SystemExit as exc:
            if exc.code:
                raise SystemExit(err.getvalue()) from None
    return time.perf_counter() - start


def _report(case: str, unit: str, rows: list[tuple[int, float]]) -> None:
    print(f"\n{case}")
    print(f"{unit:>12} | {'seconds':>9} | {'µs per ' + unit:>16}")
    for size, seconds in rows:
        print(f"{size:>12,} | {seconds:>9.4f} | {seconds / size * 1e6:>16.2f}")


def cloze_cases(sizes: list[int]) -> None:
    unclosed = [
        (n, _best(partial(_timed, partial(parse_note, "开放：" + "{{c1::" * n + "\n"))))
        for n in sizes
    ]
    _report("cloze: `{{c1::` × n, never closed", "opening", unclosed)
    closed = [
        (
            n,
            _best(
                partial(
                    _timed,
                    partial(parse_note, " ".join(f"{{{{c1::词{i}}}}}" for i in range(n)) + "\n"),
                )
            ),
        )
        for n in sizes
    ]
    _report("cloze: n deletions of c1 in one paragraph", "deletion", closed)


def equal_fronts(sizes: list[int], env: dict[str, str], folder: Path) -> None:
    rows, edited = [], []
    for n in sizes:
        notes = folder / f"equal-{n}.md"
        notes.write_text("".join(f"- 同名：答案{i}\n" for i in range(n)), encoding="utf-8")
        db = folder / f"equal-{n}.db"
        first = _llmcards(["--db", str(db), "import", str(notes)], env)
        # every answer edited: each card must be found again among n equal fronts
        notes.write_text("".join(f"- 同名：答案{i} 改\n" for i in range(n)), encoding="utf-8")
        again = _llmcards(["--db", str(db), "import", str(notes)], env)
        rows.append((n, first))
        edited.append((n, again))
    _report("equal fronts: n bullets with one front, imported", "card", rows)
    _report("equal fronts: the same file re-imported with every answer edited", "card", edited)


def deep_decks(depths: list[int], env: dict[str, str], folder: Path) -> None:
    rows = []
    notes = folder / "deep.md"
    notes.write_text("- 术语：答案\n", encoding="utf-8")
    for depth in depths:
        db = folder / f"deep-{depth}.db"
        deck = "::".join(f"层{i}" for i in range(depth))
        _llmcards(["--db", str(db), "import", str(notes), "--deck", deck], env)
        seconds = _best(partial(_llmcards, ["--db", str(db), "decks", "--json"], env))
        rows.append((depth, seconds))
    _report("deep decks: `decks --json`, one card d levels deep", "level", rows)


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory(prefix="llmcards-bench-hostile-") as work:
        folder = Path(work)
        env = {**os.environ, "LLMCARDS_CONFIG": str(folder / "config.toml")}
        env.pop("LLMCARDS_DB", None)
        _llmcards(["--db", str(folder / "warm.db"), "decks", "--json"], env)  # imports
        cloze_cases([1000, 2000, 4000] if quick else [2000, 4000, 8000, 16000, 32000])
        equal_fronts([250, 500, 1000] if quick else [1000, 2000, 4000, 8000], env, folder)
        depths = [d for d in (4, 8, 16, 32) if d <= MAX_DECK_DEPTH]
        deep_decks(depths[:2] if quick else depths, env, folder)


if __name__ == "__main__":
    main()
