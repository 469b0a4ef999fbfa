"""`/`: the card browser, like Anki's Browse. Type to filter, arrows to move, the
highlighted card's answer below; `s` suspends, `e` opens its note at the card's line.

Self-contained: `BrowseScreen(db, deck, settings, clock=...)`; every database call runs
on a worker thread and comes back as a Message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey
from textual.worker import get_current_worker

from llmcards import clock as clock_module
from llmcards.cards import CONTEXT_SEP, DECK_SEP
from llmcards.config import Settings
from llmcards.notes.math import math_to_unicode
from llmcards.shorten import card_cells, cut_end, fit_path
from llmcards.textsafe import printable
from llmcards.tui.answer import prepare_answer
from llmcards.tui.browse_data import (
    PAGE_ROWS,
    BrowseResult,
    BrowseRow,
    browse_rows,
    short_deck,
)
from llmcards.tui.editor import edit_source
from llmcards.tui.format import when_due
from llmcards.tui.widgets.answer_markdown import AnswerMarkdown
from llmcards.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from llmcards.store.db import Store

# Typing "attention" should run one query, not nine.
DEBOUNCE_SECONDS = 0.15

COLUMNS = (
    ("deck", "Deck", 14),
    ("front", "Front", 28),
    ("state", "State", 18),
    ("due", "Due", 10),
    ("reps", "Reps", 4),
    ("lapses", "Lapses", 6),
)
FRONT_MIN = 16  # below this the table scrolls sideways rather than squeeze the front
CELL_PADDING = 2  # DataTable pads each cell by one on either side
SCROLLBAR = 2  # the table's scrollbar gutter, kept free so it never forces a horizontal one


def column_widths(width: int) -> dict[str, int]:
    """Widths that fill `width` cells: the front takes what the other columns leave,
    and on a narrow terminal the deck column gives way first."""
    widths = {key: w for key, _label, w in COLUMNS}
    usable = width - SCROLLBAR - CELL_PADDING * len(COLUMNS)
    others = sum(w for key, w in widths.items() if key != "front")
    if usable - others < FRONT_MIN:
        widths["deck"] = max(8, widths["deck"] - (FRONT_MIN - (usable - others)))
        others = sum(w for key, w in widths.items() if key != "front")
    widths["front"] = max(FRONT_MIN, usable - others)
    return widths


class RowsLoaded(Message):
    def __init__(self, result: BrowseResult, search: str) -> None:
        super().__init__()
        self.result = result
        self.search = search


class SuspendSaved(Message):
    def __init__(self, card_id: int, suspended: bool) -> None:
        super().__init__()
        self.card_id = card_id
        self.suspended = suspended


class Reimported(Message):
    """The notes file edited with `e` is imported again."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary


class BrowseFailed(Message):
    def __init__(self, what: str, error: BaseException) -> None:
        super().__init__()
        self.what = what
        self.error = error


def state_text(row: BrowseRow) -> str:
    # Words, not colours: suspended must read as suspended on any theme.
    marks = [word for word, flag in (("suspended", row.suspended), ("buried", row.buried)) if flag]
    return " · ".join([row.state, *marks])


def front_text(row: BrowseRow, width: int | None = None) -> Text:
    """The context first, as the study screen shows it above the question:
    `Rank (r) › Typical ranges`; in `width` cells, keeping what tells cards apart (the
    front before the context, a cloze's blank: `shorten`)."""
    context = printable(math_to_unicode(row.context or ""))
    front = printable(math_to_unicode(row.front))
    if width is not None:
        context, front = card_cells(context, front, width, sep=CONTEXT_SEP, cloze=row.cloze)
    text = Text()
    if context:
        text.append(f"{context}{CONTEXT_SEP}", style="dim")
    text.append(front)
    return text


class BrowseScreen(Screen[None]):
    DEFAULT_CSS = """
    BrowseScreen {
        #browse-search { margin: 0 1; }
        #browse-count { height: 1; padding: 0 2; color: $text-muted; }
        /* The whole width, a scrollbar's room always kept: the columns fill it exactly. */
        #browse-table { height: 1fr; width: 100%; scrollbar-gutter: stable; }
        #browse-answer { height: 40%; border-top: solid $primary; padding: 0 1; }
        #browse-answer.-hidden { display: none; }
        #browse-source { color: $text-muted; padding: 0 1; }
        #browse-error { color: $text-error; padding: 0 2; height: auto; display: none; }
        #browse-error.-shown { display: block; }
        &.-short {
            #browse-search { border: none; height: 1; padding: 0 1; margin: 0; }
            #browse-answer { height: 45%; }
        }
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="browse.back", tooltip="Back to the deck list"),
        Binding(
            "slash",
            "focus_search",
            "Search",
            id="browse.search",
            tooltip="Type to filter fronts, answers and context",
        ),
        Binding(
            "enter",
            "toggle_answer",
            "Answer",
            id="browse.answer",
            priority=True,
            tooltip="Show or hide the highlighted card's answer (from the search box: go to the list)",
        ),
        Binding(
            "down",
            "focus_list",
            "To the list",
            id="browse.list",
            show=False,
            tooltip="From the search box: on to the list of cards",
        ),
        Binding(
            "home",
            "first_row",
            "First",
            id="browse.first",
            show=False,
            priority=True,  # before the table's own Home/End (its first and last column)
            tooltip="To the first card listed",
        ),
        Binding(
            "end",
            "last_row",
            "Last",
            id="browse.last",
            show=False,
            priority=True,  # before the table's own Home/End (its first and last column)
            tooltip="To the last card found (as in Anki's browser; all are listed then)",
        ),
        Binding(
            "s",
            "suspend",
            "Suspend",
            id="browse.suspend",
            tooltip="Suspend the highlighted card, or unsuspend it",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="browse.edit",
            tooltip="Open the card's note in $EDITOR at its line",
        ),
    ]

    def __init__(
        self,
        db: Store,
        deck: str | None,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = clock_module.now,
    ) -> None:
        super().__init__()
        self.db = db
        self.deck = deck
        self.settings = settings
        self.clock = clock
        self.found: list[BrowseRow] = []  # every card the search found
        self.rows: dict[int, BrowseRow] = {}  # those in the table (the first pages)
        self.search_text = ""

    def compose(self) -> ComposeResult:
        where = self.deck.replace(DECK_SEP, " › ") if self.deck else "all decks"
        yield Input(
            placeholder=printable(f"Search {where}: front, answer, context"), id="browse-search"
        )
        yield Static("Loading…", id="browse-count", markup=False)
        yield Static(id="browse-error", markup=False)
        table: DataTable[str | Text] = DataTable(
            id="browse-table", cursor_type="row", zebra_stripes=True
        )
        for key, label, width in COLUMNS:
            table.add_column(label, width=width, key=key)
        yield table
        with VerticalScroll(id="browse-answer"):
            yield AnswerMarkdown(id="browse-markdown")
            yield Static(id="browse-source", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        # Typing is what one does first in a browser (as in Anki): the search box has focus.
        self.query_one(Input).focus()
        self._search("", delay=0)
        # Scrolled to the bottom with the mouse: the next cards too.
        self.watch(self.query_one(DataTable), "scroll_y", lambda _y: self._at_the_end(), init=False)

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        widths = column_widths(self.size.width)
        if all(table.columns[ColumnKey(key)].width == w for key, w in widths.items()):
            return
        for key, width in widths.items():
            table.columns[ColumnKey(key)].width = width
        self._fill_table()

    # ---------------------------------------------------------------- search

    @on(Input.Changed, "#browse-search")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value, delay=DEBOUNCE_SECONDS)

    @work(thread=True, exclusive=True, group="browse-search", exit_on_error=False)
    def _search(self, search: str, delay: float) -> None:
        # The debounce lives in the worker: a newer keystroke cancels this one while it waits.
        if delay:
            time.sleep(delay)
        if get_current_worker().is_cancelled:
            return
        try:
            result = browse_rows(self.db, deck=self.deck, search=search, now=self.clock())
        except Exception as exc:
            self.post_message(BrowseFailed("search the cards", exc))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(RowsLoaded(result, search))

    @on(RowsLoaded)
    def _show_rows(self, message: RowsLoaded) -> None:
        self.found = message.result.rows
        self.search_text = message.search.strip()
        self.rows = {row.id: row for row in self.found[:PAGE_ROWS]}
        self._fill_table()
        self._show_count()
        self._show_answer(self.current_card())

    def _show_count(self) -> None:
        shown, total = len(self.rows), len(self.found)
        if shown < total:
            count = f"{shown:,} of {total:,} shown — more as you move down the list"
        else:
            count = f"{shown:,} card{'s' if shown != 1 else ''}" + (
                f" matching {self.search_text!r}" if self.search_text else ""
            )
        self.query_one("#browse-count", Static).update(count)

    def _show_more(self, rows: int | None = None) -> None:
        """The next page of the cards found (`rows` of them; None: PAGE_ROWS), added under
        the table's last row."""
        if len(self.rows) >= len(self.found):
            return
        table = self.query_one(DataTable)
        now = self.clock()
        widths = column_widths(self.size.width)
        for row in self.found[len(self.rows) : len(self.rows) + (rows or PAGE_ROWS)]:
            self.rows[row.id] = row
            table.add_row(*self._cells(row, now, widths), key=str(row.id))
        self._show_count()

    def _at_the_end(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count and (
            table.cursor_row >= table.row_count - 1 or table.scroll_y >= table.max_scroll_y > 0
        ):
            self._show_more()

    def _fill_table(self) -> None:
        """(Re)build the table from `self.rows`, the highlighted card kept highlighted."""
        table = self.query_one(DataTable)
        before = self.current_card()
        table.clear()  # also makes the table take new column widths
        now = self.clock()
        widths = column_widths(self.size.width)
        for row in self.rows.values():
            table.add_row(*self._cells(row, now, widths), key=str(row.id))
        if before is not None and before.id in self.rows:
            table.move_cursor(row=table.get_row_index(str(before.id)))

    def _cells(
        self, row: BrowseRow, now: datetime, widths: dict[str, int]
    ) -> tuple[str | Text, ...]:
        due = (
            "—"
            if row.is_new or row.due is None
            else when_due(row.due, now, self.settings.rollover_hour)
        )
        # Text, never str: the table reads a str as Rich markup, and decks are user text.
        return (
            # Cut from the left: the sub-deck is what tells two rows apart.
            Text(fit_path([printable(p) for p in short_deck(row.deck, self.deck)], widths["deck"])),
            front_text(row, widths["front"]),
            Text(cut_end(state_text(row), widths["state"])),
            Text(cut_end(due, widths["due"])),
            Text(str(row.reps)),
            Text(str(row.lapses)),
        )

    # ---------------------------------------------------------------- answer panel

    def current_card(self) -> BrowseRow | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.rows.get(int(row_key.value)) if row_key.value is not None else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_answer(self.current_card())
        self._at_the_end()

    def _show_answer(self, row: BrowseRow | None) -> None:
        # As the study screen shows it: math as Unicode, images as links, a huge answer cut.
        shown = prepare_answer(printable(row.back), Path(row.source_path).parent) if row else None
        self.query_one("#browse-markdown", AnswerMarkdown).update(shown.markdown if shown else "")
        source = printable(f"{row.source_path}:{row.source_line}") if row else ""
        self.query_one("#browse-source", Static).update(source)

    def action_toggle_answer(self) -> None:
        if isinstance(self.focused, Input):  # Enter in the search box: on to the list
            self.query_one(DataTable).focus()
            return
        self.query_one("#browse-answer").toggle_class("-hidden")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("first_row", "last_row"):
            return not isinstance(self.focused, Input)  # there: the text's start and end
        return True

    def action_first_row(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        table.move_cursor(row=0)

    def action_last_row(self) -> None:
        table = self.query_one(DataTable)
        self._show_more(len(self.found))  # the rest of them (20,000 rows: ~40 ms)
        table.focus()
        table.move_cursor(row=table.row_count - 1)

    def action_focus_list(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        self.dismiss()

    # ---------------------------------------------------------------- suspend

    def action_suspend(self) -> None:
        row = self.current_card()
        if row is not None:
            self._save_suspended(row.id, not row.suspended)

    @work(thread=True, group="db", exit_on_error=False)
    def _save_suspended(self, card_id: int, flag: bool) -> None:
        from llmcards.scheduling.review import set_suspended

        try:
            set_suspended(self.db, card_id, flag)
        except Exception as exc:
            self.post_message(BrowseFailed("save the suspension", exc))
            return
        self.post_message(SuspendSaved(card_id, flag))

    @on(SuspendSaved)
    def _suspended(self, message: SuspendSaved) -> None:
        row = self.rows.get(message.card_id)
        if row is None:
            return
        row = self.rows[row.id] = row.with_suspended(message.suspended)
        state = cut_end(state_text(row), column_widths(self.size.width)["state"])
        self.query_one(DataTable).update_cell(str(row.id), "state", Text(state))
        self.notify(
            ("Suspended: " if row.suspended else "Unsuspended: ") + printable(row.front),
            timeout=3,
            markup=False,
        )

    @on(BrowseFailed)
    def _failed(self, message: BrowseFailed) -> None:
        error = self.query_one("#browse-error", Static)
        error.update(printable(f"Could not {message.what}: {message.error}"))
        error.add_class("-shown")

    # ---------------------------------------------------------------- edit

    def action_edit(self) -> None:
        row = self.current_card()
        if row is not None and edit_source(self, row.source_path, row.source_line):
            self._reimport(row.source_path)

    @work(thread=True, group="db", exit_on_error=False)
    def _reimport(self, path: str) -> None:
        from llmcards.tui.editor import reimport, reimport_summary

        try:
            report = reimport(self.db, path, self.clock())
        except Exception as exc:
            self.post_message(BrowseFailed("re-import the edited notes", exc))
            return
        self.post_message(Reimported(reimport_summary(path, report)))

    @on(Reimported)
    def _reimported(self, message: Reimported) -> None:
        self.notify(message.summary, timeout=5, markup=False)
        self._search(self.query_one(Input).value, delay=0)
