"""`?`: every key of every screen, with the keys remapped in the config file applied."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from llmcards.tui.keys import KeyHelp


def keys_table(sections: list[tuple[str, list[KeyHelp]]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", no_wrap=True)
    table.add_column()
    table.add_column(style="dim")
    for title, rows in sections:
        table.add_row("", Text(title, style="bold underline"), "")
        for row in rows:
            table.add_row(Text(row.keys, style="bold"), Text(row.description), Text(row.tooltip))
        table.add_row("", "", "")
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help-box {
            width: 90%;
            max-width: 110;
            height: 80%;
            border: round $primary;
            border-title-align: center;
            background: $surface;
            padding: 0 1;
        }
        #help-foot { color: $text-muted; margin: 1 0 0 0; }
    }
    """

    BINDINGS = [
        Binding(
            "escape,question_mark,q",
            "dismiss",
            "Close help",
            id="help.close",
            tooltip="Close this screen",
        ),
    ]

    def __init__(self, sections: list[tuple[str, list[KeyHelp]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            yield Static(keys_table(self.sections), id="help-keys")
            yield Static(
                "Remap any key in the config file, by the binding's id, e.g.\n"
                '    [keys]\n    "study.good" = "j"\n'
                "Ctrl+P opens the command palette, which lists these actions too. The mouse works as well.",
                id="help-foot",
                markup=False,
            )
