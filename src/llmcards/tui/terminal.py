"""Whether the study app can run here. Textual-free: checked before anything is opened.

Textual reads keys from standard input and draws on standard error. Without a terminal
on both (a script, a cron job, `llmcards < /dev/null`) it would draw escape codes into a
file and wait for keys that never come.
"""

from __future__ import annotations

import sys

from llmcards.errors import UserError


def has_terminal() -> bool:
    streams = (sys.__stdin__, sys.__stderr__)
    return all(stream is not None and stream.isatty() for stream in streams)


def require_terminal() -> None:
    if not has_terminal():
        raise UserError(
            "the study app needs a terminal (standard input and standard error are not one); "
            "run `llmcards` in a terminal, or use `llmcards due`, `llmcards cards` and "
            "`llmcards rate` from scripts"
        )
