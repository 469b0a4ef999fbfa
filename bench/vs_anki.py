"""llmcards' import against Anki's own importer, on the same cards.

Usage: uv run python bench/vs_anki.py [--bullets 100000] [--runs 5]

The notes come from gen_notes.generate_notes. `llmcards export csv` writes the cards they
make, and Anki's Rust backend (`anki`, a dev dependency) imports that CSV into a fresh
collection (`Collection.import_csv`): the strongest peer doing the same job on the same
cards. The two run in alternating fresh processes (A B A B …) so that a change in the
machine's load hits both alike; medians are printed, with the ratios. CPU time counts
every process the command waited for (llmcards' parse worker included); the peak memory is
the largest process's.

Targets (issue: "import faster than Anki's own importer"): CPU ratio ≤ 1.0, wall ratio ≤ 0.8
on a quiet machine, llmcards' peak memory ≤ 198 MB.
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
from benchkit import Child, Row, env_for, row, run_llmcards
from gen_notes import generate_notes

# Runs in a fresh interpreter: only Anki's import of the CSV is timed, as a user of Anki
# would wait for File › Import (the collection is created in the same process, as there).
ANKI_IMPORT = """
import sys
from anki.collection import Collection, ImportCsvRequest
col = Collection(sys.argv[1])
metadata = col.get_csv_metadata(sys.argv[2], None)
log = col.import_csv(ImportCsvRequest(path=sys.argv[2], metadata=metadata))
print(len(log.log.new))
col.close()
"""


def run_anki(collection: Path, csv_path: Path) -> Child:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", ANKI_IMPORT, str(collection), str(csv_path)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"Anki's CSV import failed:\n{stderr}")
    return Child(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, stderr)


def measure(notes: Path, folder: Path, runs: int) -> list[Row]:
    """Alternate fresh llmcards imports of `notes` with fresh Anki imports of the same cards."""
    reference = folder / "reference.db"
    csv_path = folder / "cards.csv"
    run_llmcards(["import", str(notes)], env_for(reference, folder))
    run_llmcards(["export", "csv", str(csv_path)], env_for(reference, folder))
    ours: list[Child] = []
    theirs: list[Child] = []
    for attempt in range(runs):
        db = folder / f"ours-{attempt}.db"
        ours.append(run_llmcards(["import", str(notes)], env_for(db, folder)))
        theirs.append(run_anki(folder / f"anki-{attempt}.anki2", csv_path))
    cards = int(theirs[0].stdout.strip() or 0)

    def median(children: list[Child], field: str) -> float:
        return statistics.median(getattr(child, field) for child in children)

    wall_ours, wall_anki = median(ours, "wall"), median(theirs, "wall")
    cpu_ours, cpu_anki = median(ours, "cpu"), median(theirs, "cpu")
    return [
        row(f"import, llmcards ({cards:,} cards)", wall_ours, "s", cpu=cpu_ours),
        row("import, Anki's CSV importer (same cards)", wall_anki, "s", cpu=cpu_anki),
        row("CPU time, llmcards ÷ Anki", cpu_ours / cpu_anki, "×", target=1.0),
        row("wall time, llmcards ÷ Anki (quiet machine)", wall_ours / wall_anki, "×", target=0.8),
        row("peak memory, llmcards import", median(ours, "peak_mb"), "MB", target=198),
        row("· peak memory, Anki import", median(theirs, "peak_mb"), "MB"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bullets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="pairs of runs (medians of these)")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        notes = folder / "learning.md"
        notes.write_text(generate_notes(opts.bullets, seed=1), encoding="utf-8")
        for r in measure(notes, folder, opts.runs):
            cpu = "" if r.cpu is None else f"  (CPU {r.cpu:.2f} s)"
            target = "" if r.target is None else f"  target ≤ {r.target:g}"
            verdict = "" if r.met is None else ("  ok" if r.met else "  NOT MET")
            print(f"{r.what:48} {r.value:8.2f} {r.unit}{cpu}{target}{verdict}")


if __name__ == "__main__":
    main()
