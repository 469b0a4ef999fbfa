"""Identity benchmark: the cases where matching drafts to stored cards could go quadratic.

Usage: uv run python bench/bench_identity.py [--fronts 10000]
Prints, through the real CLI: the first import of one heading holding N bullets with the
same front (every uid told apart by a counter), its unchanged and one-answer-edited
re-imports, and a re-import after a lead-in gave all N cards a new context (all N pass
through pairing). Before identity lookups by hash, the first import of 10,000 equal fronts
took ~41 s on a 2-core machine; the target is a few seconds, growing linearly.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchkit import env_for, run_llmcards


def equal_fronts(n: int, *, lead_in: bool = False, edited: int | None = None) -> str:
    lines = ["# 例子集", ""]
    if lead_in:
        lines += ["下面是同名的例子：", ""]
    for i in range(n):
        answer = "改过的答案" if i == edited else f"第 {i} 个答案"
        lines.append(f"- 例子：{answer}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fronts", type=int, default=10_000)
    n = parser.parse_args().fronts
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        notes = folder / "same.md"
        env = env_for(folder / "bench.db", folder)
        steps = [
            (f"import {n:,} equal fronts", equal_fronts(n)),
            ("re-import, unchanged", None),
            ("re-import, one answer edited", equal_fronts(n, edited=n // 2)),
            ("re-import, all given a lead-in context", equal_fronts(n, lead_in=True)),
        ]
        print(f"{'what':45} {'seconds':>8} {'cpu':>8}")
        for what, text in steps:
            if text is not None:
                notes.write_text(text, encoding="utf-8")
            child = run_llmcards(["import", str(notes), "--json"], env)
            print(f"{what:45} {child.wall:8.3f} {child.cpu:8.3f}")


if __name__ == "__main__":
    main()
