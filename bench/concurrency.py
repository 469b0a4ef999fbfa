"""Concurrency soak: an import loop, a study (rating) loop and `llmcards stats`, all on one
database at once for 60 s. No "database is locked" may reach the user; no write is lost.

Usage: uv run python bench/concurrency.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.hardening.crash import fresh_db, start_rating_loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = fresh_db(Path(tmp) / "cards.db")
        notes = Path(tmp) / "notes.md"
        env = {**os.environ, "LLMCARDS_DB": str(db), "LLMCARDS_CONFIG": str(Path(tmp) / "c.toml")}
        rater = start_rating_loop(db, 0)
        deadline = time.monotonic() + opts.seconds
        imports = stats = failures = 0
        errors: list[str] = []
        while time.monotonic() < deadline:
            notes.write_text(
                "".join(f"{k}. 概念{k}：第 {imports} 版的解释\n" for k in range(1, 301)),
                encoding="utf-8",
            )
            for args in (["import", str(notes), "--json"], ["stats", "--json"]):
                done = subprocess.run(
                    [sys.executable, "-m", "llmcards", *args],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    failures += 1
                    errors.append(
                        done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"
                    )
                elif args[0] == "import":
                    imports += 1
                else:
                    stats += 1
        alive = rater.poll() is None
        rater.kill()
        out, err = rater.communicate()
        acknowledged = {int(x) for x in out.split()}
        with sqlite3.connect(db) as con:
            logged = {row[0] for row in con.execute("SELECT id FROM review_log")}
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            answers = con.execute(
                "SELECT COUNT(*) FROM card WHERE back LIKE ? AND retired = 0",
                (f"第 {imports - 1} 版%",),
            ).fetchone()[0]
    print(
        f"{opts.seconds:.0f} s: {imports} imports, {stats} stats runs, {len(acknowledged)} ratings"
    )
    print(f"command failures: {failures} {errors[:3] if errors else ''}")
    print(f"rating loop alive at the end: {alive}; 'locked' in its errors: {'locked' in err}")
    print(f"acknowledged ratings lost: {len(acknowledged - logged)}; integrity_check: {integrity}")
    print(f"cards carrying the last import's answers: {answers}/300")
    ok = (
        failures == 0
        and alive
        and not (acknowledged - logged)
        and integrity == "ok"
        and answers == 300
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
