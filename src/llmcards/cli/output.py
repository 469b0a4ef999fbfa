"""Printing for people (rich) and for scripts (JSON). Rich is imported on first use, and
wraps lines by `llmcards.linebreak`'s rule (Chinese between characters)."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from llmcards.errors import UserError

if TYPE_CHECKING:
    from collections.abc import Iterable

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


class GuardedStdout:
    """`sys.stdout` while a command runs. A write that fails says it was standard output
    (a full disk, a closed stream): left alone, "No space left" read as the database's
    disk being full. A reader that went away (`| head`, EPIPE) stays a BrokenPipeError:
    the command then ends quietly, as good command-line tools do. `stream` None: Python
    found standard output closed (`>&-`) and set `sys.stdout` to None."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:
            raise _closed()
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _failed(exc) from None

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _failed(exc) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _failed(exc: OSError) -> UserError:
    import os

    why = os.strerror(exc.errno) if exc.errno else str(exc)
    return UserError(f"cannot write to standard output ({why[:1].lower()}{why[1:]})")


def _closed() -> UserError:
    return UserError("cannot write to standard output (it is closed)")
