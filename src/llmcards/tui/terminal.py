"""Whether the study app can run here. Textual-free: checked before anything is opened.

Textual reads keys from standard input, draws on standard error and takes the window's
size from standard output. Without a terminal on all three (a script, a cron job,
`llmcards < /dev/null`, `llmcards > log.txt`) it would wait for keys that never come, or
draw an 80×24 screen into a larger window.
"""

from __future__ import annotations

import sys

from llmcards.errors import UserError


def not_terminals() -> list[str]:
    """The standard streams the app needs that are not a terminal."""
    streams = (("input", sys.__stdin__), ("output", sys.__stdout__), ("error", sys.__stderr__))
    return [name for name, stream in streams if stream is None or not stream.isatty()]


def has_terminal() -> bool:
    return not not_terminals()


def require_terminal() -> None:
    if has_terminal():
        return
    missing = not_terminals()
    if missing:
        which = " and ".join(
            [", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing
        )
        raise UserError(
            f"the study app needs a terminal (standard {which} {'is' if len(missing) == 1 else 'are'}"
            " not one); run `llmcards` in a terminal, or use `llmcards due`, `llmcards cards`"
            " and `llmcards rate` from scripts"
        )
