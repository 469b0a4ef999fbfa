"""What the benchmark scripts share: one result row, and timing a fresh `llmcards` process.

A row is one figure the project claims (or a breakdown of one), with its target beside it.
Fresh processes run as `python -m llmcards …` with this interpreter, not `uv run`, whose
own start-up is not ours; `os.wait4` gives each child's own CPU time and peak RSS.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


class Row(NamedTuple):
    what: str
    value: float
    unit: str  # "s", "ms" or "MB"
    target: float | None  # an upper bound in `unit`; None for a breakdown figure
    met: bool | None  # None when there is no target
    cpu: float | None = None  # CPU seconds (user + system), where the figure has one


def row(
    what: str, value: float, unit: str, target: float | None = None, cpu: float | None = None
) -> Row:
    return Row(what, value, unit, target, None if target is None else value <= target, cpu)


@dataclass(frozen=True)
class Child:
    wall: float  # seconds, process start to exit, as the user waits
    cpu: float  # seconds of user + system CPU, the child and the children it waited for
    peak_mb: float  # peak resident set size
    stdout: str
    stderr: str


def run_llmcards(args: list[str], env: dict[str, str]) -> Child:
    """Run `python -m llmcards ARGS` to the end; a failure stops the benchmark with its stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "llmcards", *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"llmcards {' '.join(args)} failed ({proc.returncode}):\n{stderr}")
    return Child(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, stderr)


def env_for(db: Path, folder: Path, now: str | None = None) -> dict[str, str]:
    """The environment of a benchmark command: its own database and config, never $HOME's."""
    env = {
        **os.environ,
        "LLMCARDS_DB": str(db),
        "LLMCARDS_CONFIG": str(folder / "bench-config.toml"),
    }
    if now is not None:
        env["LLMCARDS_NOW"] = now
    return env


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
