"""Printing for people (rich) and for scripts (JSON). Rich is imported on first use, and
wraps lines by `llmcards.linebreak`'s rule (Chinese between characters)."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


@cache
def console() -> Console:
    from rich.console import Console

    from llmcards.linebreak import use_for_rich

    use_for_rich()  # tables wrap Chinese between characters, as the app does
    return Console(highlight=False, soft_wrap=True)


@cache
def err_console() -> Console:
    from rich.console import Console

    from llmcards.linebreak import use_for_rich

    use_for_rich()
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    # Indented for a person at a terminal; compact (C encoder, much faster) for pipes.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=indent, default=str))
    sys.stdout.write("\n")


def shown(text: object) -> str:
    """User text (a front, a deck, a file name) ready for Rich markup: terminal control
    characters made visible (`textsafe`), `[` escaped so it is never read as a tag."""
    from rich.markup import escape

    from llmcards.textsafe import printable

    return escape(printable(str(text)))


def error_line(message: str) -> None:
    """One line on stderr, no traceback: `llmcards: error: …`."""
    import re

    from llmcards.textsafe import printable

    # Only line breaks go: the spaces inside a quoted name are part of it ('a   b').
    text = re.sub(r"\s*[\n\u2028\u2029]\s*", " ", printable(str(message))).strip()
    sys.stderr.write(f"llmcards: error: {text}\n")
