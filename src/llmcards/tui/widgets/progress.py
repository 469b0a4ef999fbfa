"""The study progress line: a bar of the session done so far, then what is left."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from llmcards.scheduling.types import Counts

BAR_CELLS = 12


def progress_markup(done: int, counts: Counts, room: int | None = None, later: int = 0) -> Content:
    """The line; without the bar when `room` (cells) cannot hold both: the numbers carry
    the meaning, the bar only helps the eye. `later`: learning cards due later today, not
    yet in the learn count (which, as Anki's, counts those due within the learn-ahead
    limit) but still to be studied today: said after it, and the bar is not full."""
    total = done + counts.total + later
    filled = round(BAR_CELLS * done / total) if total else 0
    waiting = f" ({later} later)" if later else ""
    numbers = f"new {counts.new} · learn {counts.learning}{waiting} · due {counts.review}"
    bar = room is None or room >= len(numbers) + BAR_CELLS + 3
    # The numbers carry the meaning; colours only help the eye (as in Anki).
    return Content.from_markup(
        ("▕[$text-success]$filled[/][$text-disabled]$empty[/]▏ " if bar else "")
        + "[$text-primary]new $new[/] · [$text-error]learn $learn[/]$later · [$text-success]due $due[/]",
        filled="█" * filled,
        empty="░" * (BAR_CELLS - filled),
        new=str(counts.new),
        learn=str(counts.learning),
        later=waiting,
        due=str(counts.review),
    )


class StudyProgress(Static):
    DEFAULT_CSS = """
    StudyProgress {
        width: auto;
        height: 1;
    }
    """

    _shown: tuple[int, Counts, int] | None = None

    def show(self, done: int, counts: Counts, later: int = 0) -> None:
        self._shown = (done, counts, later)
        self.update(progress_markup(done, counts, self._room(), later))
        self.call_after_refresh(self.fit)  # the header's width is known once laid out

    def fit(self) -> None:
        """Render again for the width the header has now (after a layout or a resize)."""
        if self._shown is not None:
            done, counts, later = self._shown
            self.update(progress_markup(done, counts, self._room(), later))

    def _room(self) -> int | None:
        parent = self.parent
        width = parent.content_region.width if isinstance(parent, Widget) else 0
        return width or None  # 0: not laid out yet
