"""The home screen's top lines: app name, date, what is due, the streak; then column titles."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from llmcards.tui.format import long_date
from llmcards.tui.home_rows import HomeData
from llmcards.tui.widgets.deck_tree import header_row


def header_line(data: HomeData) -> RenderableType:
    facts = [long_date(data.now, data.rollover_hour), f"{data.due_today} due"]
    if data.streak:
        facts.append(f"{data.streak}-day streak")
    return _HeaderLine(" · ".join(facts))


class _HeaderLine:
    """The app's name on the left and the day's facts on the right; where both do not fit
    (40 columns and a streak), the facts alone, rather than a cut `llmca…` against them."""

    NAME = "llmcards"

    def __init__(self, facts: str) -> None:
        self.facts = facts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if cell_len(self.NAME) + 2 + cell_len(self.facts) > options.max_width:
            yield Text(self.facts, justify="right", no_wrap=True, overflow="ellipsis")
            return
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(Text(self.NAME, style="bold"), Text(self.facts))
        yield grid


class HomeHeader(Static):
    DEFAULT_CSS = """
    HomeHeader {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    """

    def show(self, data: HomeData) -> None:
        self.update(header_line(data))


class DeckColumns(Static):
    DEFAULT_CSS = """
    DeckColumns {
        height: 1;
        /* left: the deck list's own padding (1) plus the cell where its highlight
           starts; right: its padding (1) and its scrollbar's cell (kept even when
           it does not show) */
        padding: 0 2;
        margin: 1 0 0 0;
        color: $text-muted;
    }
    """

    def on_mount(self) -> None:
        self.update(header_row())
