"""How a daily limit that holds cards back is told, the same in the app's summary and in
`llmcards due`: which limit, what waits behind it, and the setting that raises it."""

from __future__ import annotations

import shlex

from llmcards.cards import DECK_SEP
from llmcards.config import MAX_DAILY, dotted
from llmcards.scheduling.types import LimitReached
from llmcards.wording import counted


def limit_key(limit: LimitReached) -> str:
    """The `llmcards config` key that sets this limit."""
    name = "new_per_day" if limit.kind == "new" else "reviews_per_day"
    return dotted(("deck_limits", limit.deck, name)) if limit.own else name


def limit_lines(limit: LimitReached) -> str:
    """Which limit stops the study, what waits behind it, and how to study more (two lines)."""
    new = limit.kind == "new"
    what = "New-card" if new else "Review"
    of_deck = f" for {limit.deck.replace(DECK_SEP, ' › ')}" if limit.own else ""
    waiting = counted(limit.waiting, "new card" if new else "review")
    raised = min(MAX_DAILY, limit.per_day + limit.waiting)
    return (
        f"{what} limit reached: {limit.per_day} a day{of_deck} ({limit_key(limit)}); "
        f"{waiting} {'wait' if limit.waiting != 1 else 'waits'} for tomorrow.\n"
        f"To study more today, raise it: llmcards config {shlex.quote(limit_key(limit))} {raised}"
    )
