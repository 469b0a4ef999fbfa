"""The home screen: the deck tree with today's counts; Enter (or a click) studies.

On an empty database it first loads the bundled starter decks (on a worker, with a
line saying so), so a new user has something to study at once.

What the screen has to say (first run, import, sync, a failure) goes to one status line
under the deck list, never also to a toast: a toast would repeat it and, on a small
terminal, cover the line and the decks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from llmcards.textsafe import printable
from llmcards.tui.home_rows import HomeData
from llmcards.tui.messages import BundledImported, DatabaseFailed, HomeLoaded
from llmcards.tui.widgets.deck_tree import DeckTree
from llmcards.tui.widgets.footer import Footer
from llmcards.tui.widgets.home_header import DeckColumns, HomeHeader
from llmcards.wording import counted

if TYPE_CHECKING:
    from llmcards.tui.app import LlmcardsApp

EMPTY_STATE = """\
No cards yet.

Cards come from your own Markdown notes: every list item that explains a term
(`LSTM：…`, `- softmax: …`) under a heading becomes a card, and the headings become decks.

    llmcards import ~/notes/learning.md --deck "LLM 学习笔记"
    llmcards import ~/notes/            # a whole folder

Then run `llmcards` again. Your notes stay the source: edit them and import again,
your review history is kept."""

REFRESH_SECONDS = 60  # learning cards come due by the minute


class HomeScreen(Screen[None]):
    if TYPE_CHECKING:  # `self.app` is this app, with its database, settings and clock
        app = getters.app(LlmcardsApp)

    DEFAULT_CSS = """
    HomeScreen {
        #notice { height: auto; padding: 0 2; color: $text-accent; display: none; }
        #notice.-shown { display: block; }
        #notice.-error { color: $text-error; }
        #empty { height: 1fr; padding: 1 2; display: none; }
        &.-empty {
            #empty { display: block; }
            DeckTree, DeckColumns { display: none; }
        }
    }
    """

    BINDINGS = [
        Binding(
            "t", "stats", "Stats", id="home.stats", tooltip="Statistics of the highlighted deck"
        ),
        Binding(
            "i", "import_notes", "Import", id="home.import", tooltip="Import a notes file or folder"
        ),
        Binding(
            "slash",
            "browse",
            "Browse",
            id="home.browse",
            tooltip="Search and manage the cards of the highlighted deck",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="home.undo",
            show=False,
            tooltip="Take back the last rating, bury or suspend of this run and show that card",
        ),
        Binding(
            "y",
            "sync",
            "Sync",
            id="home.sync",
            tooltip="Sync with the Anki sync server you logged in to (llmcards sync login)",
        ),
    ]

    def palette_check(self, action: str, parameters: tuple[object, ...]) -> bool:
        """What the command palette offers now (undo only with something to undo)."""
        if action == "undo":
            return len(self.app.undo_history) > 0
        return bool(self.check_action(action, parameters))

    def action_undo(self) -> None:
        if not self.app.undo_from_home():
            self.say(
                "Nothing to undo: nothing was rated, buried or suspended since llmcards started."
            )

    def action_browse(self) -> None:
        from llmcards.tui.screens.browse import BrowseScreen

        app = self.app
        deck = self.query_one(DeckTree).current_deck
        app.push_screen(BrowseScreen(app.db, deck, app.settings, clock=app.clock))

    def action_stats(self) -> None:
        from llmcards.tui.screens.stats import StatsScreen

        app = self.app
        deck = self.query_one(DeckTree).current_deck
        app.push_screen(StatsScreen(app.db, deck, app.settings, clock=app.clock))

    def action_import_notes(self) -> None:
        from llmcards.tui.screens.import_notes import ImportDone, ImportScreen, into_decks

        def done(result: ImportDone | None) -> None:
            if result is None:
                return
            extra = (
                f" · {result.never_explained} named but never explained"
                if result.never_explained
                else ""
            )
            self.say(f"Imported{into_decks(result.decks)}: {result.summary}{extra}")
            # The deck list, once read again, has its cursor on the deck imported into.
            self._show_deck = result.decks[0] if result.decks else None
            self.reload()

        self.app.push_screen(ImportScreen(), done)

    _syncing = False
    _show_deck: str | None = None  # to highlight once the deck list is read again

    def action_sync(self) -> None:
        if self._syncing:  # one sync at a time: a second would wait on the mirror's lock
            self.notify("Already syncing…", title="Sync", markup=False)
            return
        self._syncing = True
        self.say("Syncing…")
        self._sync()

    @work(thread=True, group="sync", exclusive=True, exit_on_error=False)
    def _sync(self) -> None:
        """Off the UI thread: a sync talks to a server. Failures are one line, as in the CLI."""
        from llmcards.errors import UserError
        from llmcards.exchange.sync_run import run_sync

        app = self.app
        try:
            report = run_sync(app.db, settings=app.settings, now=app.clock())
        except UserError as exc:
            self.app.call_from_thread(self._synced, str(exc), True)
        except Exception as exc:
            self.app.call_from_thread(self._synced, f"sync failed: {exc}", True)
        else:
            self.app.call_from_thread(self._synced, report.summary(), False)

    def _synced(self, text: str, failed: bool) -> None:
        self._syncing = False
        self.say(text, error=failed)
        self.reload()

    def compose(self) -> ComposeResult:
        yield HomeHeader(id="home-header")
        yield DeckColumns()
        yield DeckTree(id="decks")
        yield Static(EMPTY_STATE, id="empty", markup=False)
        yield Static(id="notice", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeckTree).focus()
        self.set_interval(REFRESH_SECONDS, self.reload)

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.app.screen is self:
            self._load()

    @work(thread=True, group="home", exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        app = self.app
        try:
            if app.needs_first_import():
                self.app.call_from_thread(
                    self.say, "Empty database: loading the bundled starter decks…"
                )
                cards, files = app.import_bundled()
                self.post_message(BundledImported(cards, files))
            self.post_message(HomeLoaded(app.load_home()))
        except Exception as exc:
            self.post_message(DatabaseFailed("load the decks", exc))

    def say(self, text: str, *, error: bool = False) -> None:
        notice = self.query_one("#notice", Static)
        notice.update(printable(text))
        notice.set_class(bool(text), "-shown")
        notice.set_class(error, "-error")

    @on(HomeLoaded)
    def _show(self, message: HomeLoaded) -> None:
        data: HomeData = message.data
        self.query_one(HomeHeader).show(data)
        self.set_class(data.empty, "-empty")
        tree = self.query_one(DeckTree)
        tree.show(data.decks, data.now, self.app.settings.rollover_hour)
        if self._show_deck is not None:
            tree.highlight_deck(self._show_deck)
            self._show_deck = None

    @on(BundledImported)
    def _bundled(self, message: BundledImported) -> None:
        # Two short lines, so the command is never split, even 40 columns wide.
        self.say(
            f"First run: loaded the bundled starter decks ({counted(message.cards, 'card')}).\n"
            "Add yours: llmcards import NOTES.md"
        )

    @on(DatabaseFailed)
    def _failed(self, message: DatabaseFailed) -> None:
        self.say(f"Could not {message.what}: {message.error}", error=True)

    @on(DeckTree.Chosen)
    def _study(self, message: DeckTree.Chosen) -> None:
        self.app.open_study(message.deck)
