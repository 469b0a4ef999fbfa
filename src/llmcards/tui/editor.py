"""Which command opens a note at a line. Pure: the screen runs it."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping


def editor_command(path: str, line: int, env: Mapping[str, str] | None = None) -> list[str]:
    """`$VISUAL` / `$EDITOR` (may carry its own arguments) with `+LINE FILE`; vi otherwise.

    `+LINE` is understood by vi, vim, nvim, nano, emacs, micro, kak and helix.
    """
    env = os.environ if env is None else env
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    return [*shlex.split(editor), f"+{max(1, line)}", path]
