"""The deck list of the home screen: a collapsible tree with new / learn / due columns.

An OptionList underneath: arrows move, Enter or a click studies, Left/Right (or Space)
fold a deck. Each row is a Rich grid with the same columns as the header line, so the
numbers line up at any width (and Chinese names, two cells a character, too).
"""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from llmcards.textsafe import printable
from llmcards.tui.format import when_due
from llmcards.tui.home_rows import DeckRow

COLUMN_WIDTHS = (6, 7, 6)  # New, Learn, Due


def deck_grid() -> Table:
    grid = Table.grid(expand=True, padding=(0, 0))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for width in COLUMN_WIDTHS:
        grid.add_column(width=width, justify="right", no_wrap=True)
    return grid


def header_row() -> Table:
    grid = deck_grid()
    grid.add_row(
        Text("Deck", style="bold"), *(Text(t, style="bold") for t in ("New", "Learn", "Due"))
    )
    return grid


class DeckTree(OptionList):
    DEFAULT_CSS = """
    DeckTree {
        height: 1fr;
        border: none;
        padding: 0 1;
        /* The scrollbar's cell is kept whether it shows or not, so the numbers stay
           under the header's New / Learn / Due (DeckColumns) in both cases. */
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        background: transparent;
        &:focus { border: none; background-tint: initial; }
    }
    """

    BINDINGS = [
        Binding(
            "enter",
            "select",
            "Study",
            id="home.study",
            tooltip="Study the highlighted deck (with its sub-decks)",
        ),
        Binding(
            "right,l",
            "expand",
            "Unfold",
            id="home.expand",
            show=False,
            tooltip="Show the sub-decks",
        ),
        Binding(
            "left,h",
            "collapse",
            "Fold",
            id="home.collapse",
            show=False,
            tooltip="Hide the sub-decks",
        ),
        Binding(
            "space",
            "toggle_fold",
            "Fold/unfold",
            id="home.toggle",
            tooltip="Fold or unfold the highlighted deck",
        ),
    ]

    class Chosen(Message):
        """A deck was picked for study (Enter or click)."""

        def __init__(self, deck: str) -> None:
            super().__init__()
            self.deck = deck

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: tuple[DeckRow, ...] = ()
        self.folded: set[str] = set()
        self._seen: set[str] = set()
        self.now: datetime | None = None
        self.rollover_hour = 4

    def show(self, rows: tuple[DeckRow, ...], now: datetime, rollover_hour: int) -> None:
        self.now, self.rollover_hour = now, rollover_hour
        has_own = any(not r.bundled for r in rows if r.depth == 0)
        for row in rows:
            # First sight of a deck: the starter decks fold away once the user has their own.
            if row.name not in self._seen and row.bundled and has_own:
                self.folded.add(row.name)
            self._seen.add(row.name)
        self.rows = rows
        self._rebuild()

    def _parents(self) -> set[str]:
        return {r.parent for r in self.rows if r.parent}

    def _visible(self) -> list[DeckRow]:
        return [r for r in self.rows if not any(r.name.startswith(f + "::") for f in self.folded)]

    def _rebuild(self) -> None:
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        parents = self._parents()
        visible = self._visible()
        self.clear_options()
        self.add_options(
            Option(self._prompt(row, row.name in parents), id=row.name) for row in visible
        )
        ids = [r.name for r in visible]
        if ids:
            self.highlighted = ids.index(keep) if keep in ids else 0

    def _prompt(self, row: DeckRow, has_children: bool) -> Table:
        marker = ("▸ " if row.name in self.folded else "▾ ") if has_children else "  "
        name = Text(" " * 2 * row.depth + marker)
        name.append(printable(row.label), style="bold" if row.depth == 0 else "")
        if row.bundled:
            name.append(" (bundled)", style="dim")
        if not row.to_study and row.next_due is not None and self.now is not None:
            name.append(
                f"  next due {when_due(row.next_due, self.now, self.rollover_hour)}",
                style="dim italic",
            )
        elif not row.to_study:
            name.append("  nothing scheduled", style="dim italic")
        grid = deck_grid()
        grid.add_row(name, *(self._number(n) for n in (row.new, row.learning, row.due)))
        return grid

    @staticmethod
    def _number(value: int) -> Text:
        return Text(str(value), style="bold" if value else "dim")

    def highlight_deck(self, name: str) -> bool:
        """Put the cursor on deck `name` (its folded parents unfolded), scrolled into view.
        False when the list has no such deck."""
        if name not in {r.name for r in self.rows}:
            return False
        parts = name.split("::")
        parents = {"::".join(parts[:depth]) for depth in range(1, len(parts))}
        if parents & self.folded:
            self.folded -= parents
            self._rebuild()
        ids = [r.name for r in self._visible()]
        self.highlighted = ids.index(name)
        # Again once laid out: the rows just rebuilt (and a status line that appeared
        # under the list) change what scrolling into view means.
        self.call_after_refresh(self.scroll_to_highlight)
        return True

    @property
    def current_deck(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def action_expand(self) -> None:
        deck = self.current_deck
        if deck in self.folded:
            self.folded.discard(deck)
            self._rebuild()

    def action_collapse(self) -> None:
        deck = self.current_deck
        if deck is None:
            return
        if deck in self._parents() and deck not in self.folded:
            self.folded.add(deck)
            self._rebuild()
        elif "::" in deck:  # on a child: jump to its parent, as file trees do
            parent = deck.rpartition("::")[0]
            ids = [r.name for r in self._visible()]
            self.highlighted = ids.index(parent)

    def action_toggle_fold(self) -> None:
        deck = self.current_deck
        if deck in self.folded:
            self.action_expand()
        else:
            self.action_collapse()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))
