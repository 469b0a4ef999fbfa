"""`?`: every key of every screen, with the keys remapped in the config file applied, and
the binding ids that remap them."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from llmcards.tui.keys import KeyHelp

NARROW = 70  # below this many columns the help is two columns: keys, then what they do


def keys_table(sections: list[tuple[str, list[KeyHelp]]], *, narrow: bool = False) -> Table:
    """Keys, action, explanation and the binding's id (what `llmcards config keys.<id>`
    remaps) in four columns; when `narrow`, the last three share one wrapped column so
    nothing is cut off."""
    table = Table.grid(padding=(0, 2 if not narrow else 1))
    table.add_column(justify="right", no_wrap=True)
    table.add_column()
    if not narrow:
        table.add_column(style="dim")
        table.add_column(style="dim italic", no_wrap=True)
    for title, rows in sections:
        blank = [""] * (2 if narrow else 4)
        table.add_row("", Text(title, style="bold underline"), *blank[2:])
        for row in rows:
            keys = Text(row.keys, style="bold")
            if narrow:
                what = Text(row.description)
                if row.tooltip:
                    what.append(f" — {row.tooltip}", style="dim")
                what.append(f" · {row.binding_id}", style="dim italic")
                table.add_row(keys, what)
            else:
                table.add_row(keys, Text(row.description), Text(row.tooltip), row.binding_id)
        table.add_row(*blank)
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help-box {
            width: 90%;
            min-width: 28;
            max-width: 110;
            height: 80%;
            border: round $primary;
            border-title-align: center;
            background: $surface;
            padding: 0 1;
        }
        #help-foot { color: $text-muted; margin: 1 0 0 0; }
        &.-short #help-box { height: 100%; }
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
                "Remap a key by the binding's id (on the right): llmcards config keys.<id> KEY,\n"
                "e.g. llmcards config keys.study.good j (llmcards config keys lists them all).\n"
                "Ctrl+P opens the command palette, which lists these actions too. The mouse works as well.",
                id="help-foot",
                markup=False,
            )

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        self.query_one("#help-keys", Static).update(keys_table(self.sections, narrow=narrow))
