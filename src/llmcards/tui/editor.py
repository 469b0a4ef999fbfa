"""Opening a card's note at its line in the user's editor, from any screen, and bringing
the edit back: the file is re-imported as soon as the editor exits well, so the changed
card shows at once.

The terminal is handed over with `App.suspend`, which resumes the app only when the code
inside it returns normally: everything that can fail is caught inside it, so a missing or
failing editor never leaves the terminal suspended (screen gone, keys echoing raw).
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from llmcards.textsafe import printable

if TYPE_CHECKING:
    from datetime import datetime

    from textual.screen import Screen

    from llmcards.importing.report import ImportReport
    from llmcards.store.db import Store


def editor_command(path: str, line: int, env: Mapping[str, str] | None = None) -> list[str]:
    """`$VISUAL` / `$EDITOR` (may carry its own arguments) with `+LINE FILE`; vi otherwise.

    `+LINE` is understood by vi, vim, nvim, nano, emacs, micro, kak and helix.
    """
    env = os.environ if env is None else env
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    return [*shlex.split(editor), f"+{max(1, line)}", path]


def edit_source(screen: Screen[Any], path: str, line: int) -> bool:
    """Hand the terminal to `$EDITOR` at `path:line`; True when the editor exited well
    (then re-import `path`), False when it did not, the user told why."""
    import subprocess
    from pathlib import Path

    from textual.app import SuspendNotSupported

    def fail(text: str) -> bool:
        screen.notify(printable(text), severity="error", timeout=8, markup=False)
        return False

    if not Path(path).is_file():
        return fail(f"{path} is gone; re-import your notes to update this card.")
    bundled = getattr(screen.app, "bundled_dir", None)
    if bundled is not None and Path(path).resolve().is_relative_to(Path(bundled).resolve()):
        # Those files belong to the installed package: an upgrade would overwrite the edit.
        return fail(
            "This card comes from a bundled starter deck, which llmcards keeps up to date; "
            "to make cards you can edit, write your own notes and import them."
        )
    try:
        command = editor_command(path, line)
    except ValueError as exc:  # an unbalanced quote in $EDITOR
        return fail(f"Cannot read $EDITOR ({exc}); fix it in your shell's settings.")
    if shutil.which(command[0]) is None:
        return fail(f"Editor {command[0]!r} not found; set $EDITOR (e.g. export EDITOR=nano).")
    outcome: int | str
    try:
        with screen.app.suspend():
            try:
                outcome = subprocess.run(command, check=False).returncode
            except OSError as exc:  # caught in here: the app resumes only on a normal exit
                outcome = exc.strerror or str(exc)
    except SuspendNotSupported:
        return fail("This terminal cannot hand over to an editor.")
    if isinstance(outcome, str):
        return fail(f"Could not start {command[0]!r}: {outcome}; check $EDITOR.")
    if outcome != 0:
        return fail(f"{command[0]!r} exited with status {outcome}; the notes were not re-imported.")
    return True


def reimport(db: Store, path: str, now: datetime) -> ImportReport:
    """Import the edited notes file again (blocks: call on a worker thread), through the
    same code as `llmcards import` without --deck: into the root deck it was imported
    under, which a card's deck name alone cannot tell (`--deck LLM::NLP` is one root)."""
    from llmcards.importing.files import import_paths

    return import_paths(db, [path], deck=None, now=now)


def reimport_summary(path: str, report: ImportReport) -> str:
    from pathlib import Path

    from llmcards.tui.screens.import_notes import summary_line

    return printable(f"Re-imported {Path(path).name}: {summary_line(report)}")
