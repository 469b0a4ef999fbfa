"""Anki's AGPL library stays optional: one module imports it, and only when a sync runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "llmcards"
IMPORTS_ANKI = re.compile(r"^\s*(from anki[.\s]|import anki\b)", re.MULTILINE)


def test_only_the_mirror_module_imports_anki() -> None:
    importers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if IMPORTS_ANKI.search(path.read_text(encoding="utf-8"))
    )
    assert importers == ["exchange/anki_mirror.py"]


def test_loading_sync_code_does_not_load_anki() -> None:
    code = (
        "import sys\n"
        "import llmcards.cli.main, llmcards.cli.sync_cmd, llmcards.exchange.sync_run\n"
        "import llmcards.tui.screens.home\n"
        "print(sorted(m for m in sys.modules if m == 'anki' or m.startswith('anki.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
