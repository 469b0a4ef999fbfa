"""The layering a newcomer reads in the folder names is enforced, not hoped for."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

CORE = (
    "cards",
    "notes",
    "store",
    "scheduling",
    "exchange",
    "stats",
    "importing",
    "config",
    "clock",
    "paths",
    "errors",
)
SRC = Path(__file__).resolve().parents[1] / "src" / "llmcards"


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _core_modules() -> list[str]:
    names = []
    for top in CORE:
        package = SRC / top
        if package.is_dir():
            names += [
                "llmcards."
                + ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
                for p in package.rglob("*.py")
            ]
        else:
            names.append(f"llmcards.{top}")
    return sorted(names)


def test_core_packages_import_neither_textual_nor_typer() -> None:
    modules = _core_modules()
    out = _python(
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(k for k in ('textual', 'typer', 'click') if k in sys.modules)))"
    )
    assert json.loads(out) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["cards", "--json"],
        ["decks", "--json"],
        ["import", "--dry-run", "{notes}"],
        ["config", "keys.study.good", "j"],  # checked against the app's keys without Textual
    ],
    ids=["help", "cards", "decks", "import", "config-keys"],
)
def test_commands_without_the_tui_never_import_textual(args: list[str], tmp_path: Path) -> None:
    notes = tmp_path / "n.md"
    notes.write_text("- Dropout：训练时随机失活部分神经元\n", encoding="utf-8")
    argv = ["llmcards", "--db", str(tmp_path / "c.db"), *[a.format(notes=notes) for a in args]]
    out = _python(
        "import io, sys, contextlib\n"
        f"sys.argv = {argv!r}\n"
        "from llmcards.cli.main import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        run()\n    except SystemExit:\n        pass\n"
        "print('textual' in sys.modules)"
    )
    assert out.strip() == "False"


def test_study_shows_its_first_card_before_loading_the_store(tmp_path: Path) -> None:
    # SQLAlchemy + SQLModel cost more than the rest of start-up: `study --deck` reads its
    # first card with the stdlib and the TUI modules it loads must not pull them in; nor
    # does reading the settings (the file's, and the database's own FSRS parameters)
    # pull in pydantic.
    from datetime import datetime

    from llmcards.cards import CardDraft
    from llmcards.store.db import open_db
    from llmcards.store.sync import sync_file

    path = tmp_path / "c.db"
    db = open_db(path)
    with db.write() as conn:
        drafts = [
            CardDraft(deck=("深度学习",), front="Dropout", back="训练时随机失活部分神经元", line=1)
        ]
        sync_file(conn, root="深度学习", source_path="n.md", drafts=drafts, now=datetime.now(UTC))
    db.close()
    out = _python(
        "import sys\n"
        "from llmcards.cli.state import STATE\n"
        f"STATE.db_option = {str(path)!r}\n"
        "from llmcards.cli.study import _fast_start\n"
        # as `study` reads them: the file's, with the database's fitted FSRS parameters
        "db, full, driver = _fast_start('深度学习', STATE.settings())\n"
        "import llmcards.tui.app, llmcards.tui.screens.study\n"
        "print(driver.take_ready_view().card.front)\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic') if m in sys.modules))"
    )
    assert out.split("\n")[:2] == ["Dropout", "[]"]


def test_import_contracts_hold() -> None:
    """The import-linter contracts in pyproject.toml (what `.ci/run` checks with
    `lint-imports`): cli/tui leave SQL to the store, the store stays below scheduling
    and exchange, and the core never imports Textual or Typer, not even indirectly."""
    from importlinter.cli import lint_imports

    root = Path(__file__).resolve().parents[1]
    assert lint_imports(str(root / "pyproject.toml"), no_cache=True, no_logo=True) == 0
