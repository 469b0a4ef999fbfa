"""Opening a card's note at its line in the user's editor, from any screen."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen


def editor_command(path: str, line: int, env: Mapping[str, str] | None = None) -> list[str]:
    """`$VISUAL` / `$EDITOR` (may carry its own arguments) with `+LINE FILE`; vi otherwise.

    `+LINE` is understood by vi, vim, nvim, nano, emacs, micro, kak and helix.
    """
    env = os.environ if env is None else env
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    return [*shlex.split(editor), f"+{max(1, line)}", path]


def edit_source(screen: Screen[Any], path: str, line: int) -> None:
    """Hand the terminal to `$EDITOR` at `path:line`, then tell the user how edits arrive."""
    import subprocess
    from pathlib import Path

    from textual.app import SuspendNotSupported

    if not Path(path).is_file():
        screen.notify(
            f"{path} is gone; re-import your notes to update this card.", severity="error"
        )
        return
    command = editor_command(path, line)
    try:
        with screen.app.suspend():
            subprocess.run(command, check=False)
    except SuspendNotSupported:
        screen.notify("This terminal cannot hand over to an editor.", severity="error")
    except FileNotFoundError:
        screen.notify(f"Editor {command[0]!r} not found; set $EDITOR.", severity="error")
    else:
        screen.notify("Run `llmcards import` to bring your edits into the cards.", timeout=5)
