"""`t`: the stats of a deck (or of all decks), drawn with the same Rich renderables as
`llmcards stats`. The numbers are computed on a worker thread; the screen only shows them.

Self-contained: `StatsScreen(db, deck, settings)` (or `stats=` a precomputed `Stats`),
so the app binds it with one line, e.g. `self.push_screen(StatsScreen(self.db, deck,
self.settings, clock=self.clock))`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static

from llmcards import clock as clock_module
from llmcards.config import Settings
from llmcards.stats.compute import Stats
from llmcards.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from llmcards.store.db import Store


class StatsLoaded(Message):
    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self.stats = stats


class StatsFailed(Message):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class StatsScreen(Screen[None]):
    DEFAULT_CSS = """
    StatsScreen {
        #stats-body { height: 1fr; padding: 0 1; }
        #stats-view { width: auto; }
        LoadingIndicator { height: 3; }
        #stats-error { color: $text-error; padding: 1 2; display: none; }
        &.-failed #stats-error { display: block; }
        &.-ready LoadingIndicator { display: none; }
    }
    """

    BINDINGS = [
        Binding("escape,t", "close", "Back", id="stats.back", tooltip="Back to where you were"),
        Binding(
            "a",
            "toggle_all",
            "Deck / all",
            id="stats.toggle_all",
            tooltip="Switch between the chosen deck and all decks",
        ),
        Binding("r", "reload", "Refresh", id="stats.reload", tooltip="Compute the numbers again"),
    ]

    def __init__(
        self,
        db: Store | None,
        deck: str | None = None,
        settings: Settings | None = None,
        *,
        stats: Stats | None = None,
        clock: Callable[[], datetime] = clock_module.now,
    ) -> None:
        super().__init__()
        self.db = db
        self.deck = deck
        self.chosen_deck = deck
        self.settings = settings or Settings()
        self.clock = clock
        self.stats: Stats | None = stats

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield LoadingIndicator()
            yield Static(id="stats-error", markup=False)
            yield Static(id="stats-view")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats-body").focus()
        if self.stats is not None:
            self._show_stats(self.stats)
        else:
            self._compute()

    @work(thread=True, group="stats", exclusive=True, exit_on_error=False)
    def _compute(self) -> None:
        from llmcards.stats.compute import compute_stats

        if self.db is None:
            return
        try:
            with self.db.read() as conn:
                stats = compute_stats(
                    conn, deck=self.deck, now=self.clock(), settings=self.settings
                )
        except Exception as exc:
            self.post_message(StatsFailed(exc))
            return
        self.post_message(StatsLoaded(stats))

    @on(StatsLoaded)
    def _loaded(self, message: StatsLoaded) -> None:
        self._show_stats(message.stats)

    @on(StatsFailed)
    def _failed(self, message: StatsFailed) -> None:
        self.query_one("#stats-error", Static).update(
            f"Could not compute the stats: {message.error}"
        )
        self.set_class(True, "-failed")
        self.set_class(True, "-ready")

    def _show_stats(self, stats: Stats) -> None:
        from llmcards.stats_view import stats_renderable

        self.stats = stats
        self.sub_title = stats.deck or "all decks"
        self.query_one("#stats-view", Static).update(stats_renderable(stats))
        self.set_class(False, "-failed")
        self.set_class(True, "-ready")

    def action_close(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        if self.db is not None:
            self.set_class(False, "-ready")
            self._compute()

    def action_toggle_all(self) -> None:
        if self.db is None or self.chosen_deck is None:
            self.notify("Showing all decks: open stats from a deck to see only that one.")
            return
        self.deck = None if self.deck else self.chosen_deck
        self.action_reload()
