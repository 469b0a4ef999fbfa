"""What the home screen draws: plain values, built by `tui.data` on a worker thread.
Kept apart from `tui.data` so widgets can name them without loading the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from llmcards.cards import DECK_SEP


@dataclass(frozen=True, slots=True)
class DeckRow:
    name: str  # full path, "Root::Sub"
    new: int
    learning: int
    due: int
    next_due: datetime | None = None  # filled in only when there is nothing to study now
    bundled: bool = False

    @property
    def label(self) -> str:
        return self.name.rsplit(DECK_SEP, 1)[-1]

    @property
    def depth(self) -> int:
        return self.name.count(DECK_SEP)

    @property
    def parent(self) -> str:
        return self.name.rpartition(DECK_SEP)[0]

    @property
    def to_study(self) -> int:
        return self.new + self.learning + self.due


@dataclass(frozen=True, slots=True)
class HomeData:
    now: datetime
    decks: tuple[DeckRow, ...]
    streak: int
    rollover_hour: int = 4

    @property
    def due_today(self) -> int:
        """Reviews due today over the root decks: the Due column's total, so the header
        and the table never disagree (learning cards are the Learn column's)."""
        return sum(d.due for d in self.decks if d.depth == 0)

    @property
    def empty(self) -> bool:
        return not self.decks
