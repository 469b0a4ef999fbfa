"""End of a session: what was done, and when the next cards come. As Anki's
"Congratulations" screen: done for now when learning cards come back later today, and
which daily limit holds cards back, with the setting that raises it."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from llmcards.scheduling.limit_text import limit_lines
from llmcards.scheduling.types import SessionSummary
from llmcards.tui.format import duration, when_due


def _cards(count: int, what: str = "card") -> str:
    return f"{count} {what}{'s' if count != 1 else ''}"


# The keys the summary names, as bound by default (the screen passes remapped ones).
SUMMARY_KEYS = {"done": "Enter", "stats": "t", "undo": "u"}


def summary_content(
    summary: SessionSummary,
    now: datetime,
    rollover_hour: int,
    *,
    undo: bool = True,
    keys_shown: dict[str, str] | None = None,
) -> Content:
    """`undo`: whether `u` has something to take back (only then is it offered).
    `keys_shown`: the keys in effect for "done", "stats" and "undo" (default SUMMARY_KEYS)."""
    shown = {**SUMMARY_KEYS, **(keys_shown or {})}
    later = summary.learning_later
    if summary.cards:
        done = "Done for now" if later else "Done for today"
        head = f"{done} — {_cards(summary.cards)} in {duration(summary.seconds)}"
        ratings = (
            f"Again {summary.again} ({summary.again_rate:.0%}) · Hard {summary.hard} · "
            f"Good {summary.good} · Easy {summary.easy}"
        )
    else:
        head = "Nothing to study here right now"
        ratings = ""
    if later and summary.next_learning is not None:
        upcoming = (
            f"Next learning card: {when_due(summary.next_learning, now, rollover_hour)}"
            f" ({_cards(later, 'learning card')} later today)"
        )
    elif summary.next_due is not None:
        count = f", {_cards(summary.next_due_count)}" if summary.next_due_count else ""
        upcoming = f"Next due: {when_due(summary.next_due, now, rollover_hour)}{count}"
    else:
        upcoming = "No cards scheduled yet"
    limits = "".join(f"\n\n{limit_lines(limit)}" for limit in summary.limits)
    keys: list[str | tuple[str, str]] = [(shown["done"], "bold"), " back to decks   "]
    keys += [(shown["stats"], "bold"), " stats"]
    if undo:
        keys += ["   ", (shown["undo"], "bold"), " undo"]
    return Content.assemble(
        (head, "bold"),
        "\n\n",
        ratings,
        "\n" if ratings else "",
        upcoming,
        limits,
        "\n\n",
        *keys,
    )


class SessionSummaryView(Static):
    DEFAULT_CSS = """
    SessionSummaryView {
        height: 1fr;
        padding: 2 4;
    }
    """

    def show(
        self,
        summary: SessionSummary,
        now: datetime,
        rollover_hour: int,
        *,
        undo: bool = True,
        keys_shown: dict[str, str] | None = None,
    ) -> None:
        self.update(summary_content(summary, now, rollover_hour, undo=undo, keys_shown=keys_shown))
