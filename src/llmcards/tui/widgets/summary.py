"""End of a session: what was done, and when the next cards come."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content
from textual.widgets import Static

from llmcards.scheduling.types import SessionSummary
from llmcards.tui.format import duration, when_due


def summary_content(summary: SessionSummary, now: datetime, rollover_hour: int) -> Content:
    if summary.cards:
        head = f"Done for today — {summary.cards} card{'s' if summary.cards != 1 else ''} in {duration(summary.seconds)}"
        ratings = (
            f"Again {summary.again} ({summary.again_rate:.0%}) · Hard {summary.hard} · "
            f"Good {summary.good} · Easy {summary.easy}"
        )
    else:
        head = "Nothing to study here right now"
        ratings = ""
    if summary.next_due is not None:
        count = (
            f", {summary.next_due_count} card{'s' if summary.next_due_count != 1 else ''}"
            if summary.next_due_count
            else ""
        )
        upcoming = f"Next due: {when_due(summary.next_due, now, rollover_hour)}{count}"
    else:
        upcoming = "No cards scheduled yet"
    return Content.assemble(
        (head, "bold"),
        "\n\n",
        ratings,
        "\n" if ratings else "",
        upcoming,
        "\n\n",
        ("Enter", "bold"),
        " back to decks   ",
        ("t", "bold"),
        " stats   ",
        ("u", "bold"),
        " undo the last rating",
    )


class SessionSummaryView(Static):
    DEFAULT_CSS = """
    SessionSummaryView {
        height: 1fr;
        padding: 2 4;
    }
    """

    def show(self, summary: SessionSummary, now: datetime, rollover_hour: int) -> None:
        self.update(summary_content(summary, now, rollover_hour))
