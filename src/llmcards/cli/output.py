"""Printing for people (rich) and for scripts (JSON). Rich is imported on first use."""

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

    return Console(highlight=False, soft_wrap=True)


@cache
def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def error_line(message: str) -> None:
    """One line on stderr, no traceback: `llmcards: error: …`."""
    text = " ".join(str(message).split())
    sys.stderr.write(f"llmcards: error: {text}\n")
