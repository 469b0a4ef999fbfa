"""The study progress line: a bar of the session done so far, then what is left."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from llmcards.scheduling.types import Counts

BAR_CELLS = 12


def progress_markup(done: int, counts: Counts) -> Content:
    total = done + counts.total
    filled = round(BAR_CELLS * done / total) if total else BAR_CELLS
    # The numbers carry the meaning; colours only help the eye (as in Anki).
    return Content.from_markup(
        "▕[$text-success]$filled[/][$text-disabled]$empty[/]▏ "
        "[$text-primary]new $new[/] · [$text-error]learn $learn[/] · [$text-success]due $due[/]",
        filled="█" * filled,
        empty="░" * (BAR_CELLS - filled),
        new=str(counts.new),
        learn=str(counts.learning),
        due=str(counts.review),
    )


class StudyProgress(Static):
    DEFAULT_CSS = """
    StudyProgress {
        width: auto;
        height: 1;
    }
    """

    def show(self, done: int, counts: Counts) -> None:
        self.update(progress_markup(done, counts))
