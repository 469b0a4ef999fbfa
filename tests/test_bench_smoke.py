"""`bench/run` must keep working: a quick run of its smallest groups prints every row
with a number in it (it never checks the numbers against targets: tests time nothing)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "bench" / "run.py"
MEASURED = re.compile(r"^\d+(\.\d+)? (s|ms|MB)( \(CPU \d+\.\d+ s\))?$")

pytestmark = pytest.mark.slow


def bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # TMPDIR keeps the generated data under tmp_path; the bench gives every command its own db and config.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, str(RUN), "--quick", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_quick_import_run_prints_each_figure_with_its_target(tmp_path: Path) -> None:
    done = bench(tmp_path, "--only", "import")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "quick size: 10,000 bullets" in lines[0]
    assert [cell.strip() for cell in lines[1].split("|")] == [
        "group",
        "what",
        "measured",
        "target",
        "ok",
    ]
    rows = {
        cells[1]: cells for cells in ([c.strip() for c in line.split("|")] for line in lines[3:])
    }
    assert list(rows) == [
        "import 10,000 bullets (1.2 MB)",
        "re-import, unchanged",
        "re-import, one answer edited",
        "re-import, 1,000 answers edited",
        "`llmcards cards --json` (all cards, median of 3)",
        "peak memory of the first import",
    ]
    for group, what, measured, target, ok in rows.values():
        assert group == "import"
        assert MEASURED.match(measured), f"{what}: {measured!r}"
        assert ok in (("yes", "NO") if target else ("",)), f"{what}: target {target!r}, ok {ok!r}"
    assert rows["import 10,000 bullets (1.2 MB)"][3] == "≤ 2.5 s"
    assert rows["re-import, unchanged"][3] == "≤ 0.3 s"
    assert rows["re-import, one answer edited"][3] == "≤ 1 s"
    assert rows["re-import, 1,000 answers edited"][3] == "≤ 1.2 s"
    assert rows["peak memory of the first import"][2].endswith(" MB")
    assert (
        float(rows["peak memory of the first import"][2].split()[0]) > 10
    )  # a Python process, really measured
    assert not list(tmp_path.glob("llmcards-bench-*")), "the generated data is removed afterwards"


def test_markdown_table_of_the_cold_start_group(tmp_path: Path) -> None:
    done = bench(tmp_path, "--only", "cold", "--markdown")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Measured ") and "load average" in lines[0]
    table = lines[lines.index("| what | measured | target | ok |") :]
    assert table[1] == "| --- | --- | --- | --- |"
    help_row = next(line for line in table if line.startswith("| llmcards --help"))
    _, _what, measured, target, ok, _ = (cell.strip() for cell in help_row.split("|"))
    assert MEASURED.match(measured) and target == "≤ 0.3 s" and ok in ("yes", "**no**")


def test_unknown_group_is_refused(tmp_path: Path) -> None:
    done = bench(tmp_path, "--only", "import,warp")
    assert done.returncode == 2
    assert "unknown group warp" in done.stderr
