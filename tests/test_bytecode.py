"""Start-up cost: bytecode is compiled once and kept, not on every `uv run`.

uv's `compile-bytecode` recompiles the whole environment on each `uv run` (~0.5 s and a
"Bytecode compiled … files" line); llmcards keeps the bytecode of what it imports in its
own environment instead, even under PYTHONDONTWRITEBYTECODE (see llmcards/__init__.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_uv_does_not_recompile_the_environment_on_every_run() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert not settings.get("tool", {}).get("uv", {}).get("compile-bytecode", False)


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="needs a virtual environment")
def test_the_first_run_keeps_the_bytecode_of_what_it_imports(tmp_path: Path) -> None:
    package = tmp_path / "imported_later"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(tmp_path)}
    env.pop("PYTHONPYCACHEPREFIX", None)
    code = "import llmcards, imported_later, sys; print(sys.dont_write_bytecode)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
    assert list((package / "__pycache__").glob("__init__.*.pyc"))  # a second run reads it
