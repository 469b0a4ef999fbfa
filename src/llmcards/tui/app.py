"""The Textual app: built by `create_app` from explicit arguments (tests never touch
$HOME), run by `run_app` for `llmcards` and `llmcards study`.

The app owns the database handle and hands Textual-free helpers (`data`, `StudyDriver`)
to the screens, which call them on worker threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.actions import parse as parse_action
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen

from llmcards import clock as clock_module
from llmcards.config import Settings
from llmcards.scheduling.undo import UndoHistory
from llmcards.tui import linebreak
from llmcards.tui.keys import bindings_of, key_help
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.screens.study import StudyScreen
from llmcards.tui.study_driver import StudyDriver
from llmcards.tui.widgets.deck_tree import DeckTree

if TYPE_CHECKING:
    from llmcards.store.db import Store

Clock = Callable[[], datetime]


class LlmcardsApp(App[None]):
    TITLE = "llmcards"
    # Screens get -narrow / -short below these sizes and lay themselves out to fit (down
    # to 40×12: wrapped header, ratings in two rows, borderless inputs). 66: four rating
    # buttons with the longest intervals ("4 Easy 10.5mo") and their gaps need that much.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (66, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]
    BINDINGS = [
        Binding(
            "question_mark", "help", "Help", id="app.help", tooltip="Every key, on every screen"
        ),
        Binding(
            "q",
            "quit",
            "Quit",
            id="app.quit",
            tooltip="Quit (a rating being saved is finished first)",
        ),
    ]

    def __init__(
        self,
        *,
        db: Store,
        deck: str | None,
        settings: Settings,
        clock: Clock,
        bundled_dir: Path | None,
        first_driver: StudyDriver | None = None,
        backup_later: Path | None = None,
    ) -> None:
        super().__init__()
        linebreak.install()  # Chinese lines break between characters, not only at spaces
        self.db = db
        self._backup_later = backup_later
        self.start_deck = deck
        self.settings = settings
        self.clock = clock
        self.bundled_dir = bundled_dir
        self._first_import_tried = False
        self._first_driver: StudyDriver | None = first_driver
        # What `u` takes back, on any screen: every study session of this run adds to it.
        self.undo_history = first_driver.history if first_driver is not None else UndoHistory()
        if deck is not None and first_driver is None:
            self._first_driver = self._new_driver(deck)
            self._first_driver.warm_up_in_background()

    # ------------------------------------------------------------ lifecycle

    def get_default_screen(self) -> Screen[None]:
        if self.start_deck is not None:
            # Straight to the study screen: the deck list (a query over every card)
            # is built only if the user goes back to it, never before the first card.
            return super().get_default_screen()
        return HomeScreen()

    def on_mount(self) -> None:
        if self._backup_later is not None:
            from llmcards.store.db import take_daily_backup

            path = self._backup_later
            self.run_worker(
                lambda: take_daily_backup(path), thread=True, group="backup", exit_on_error=False
            )
        if self.settings.keys:
            self.set_keymap(dict(self.settings.keys))
        if self.start_deck is not None:
            self.open_study(self.start_deck)

    def on_unmount(self) -> None:
        self.db.close()

    async def action_quit(self) -> None:
        # A rating on its way to disk is finished, never cut off.
        for worker in list(self.workers):
            if worker.group == "db" and worker.is_running:
                await worker.wait()
        self.exit()

    # ------------------------------------------------------------ screens

    def _new_driver(self, deck: str | None) -> StudyDriver:
        return StudyDriver(
            self.db,
            deck=deck,
            settings=self.settings,
            clock=self.clock,
            history=self.undo_history,
        )

    def open_study(self, deck: str | None, *, undo: bool = False) -> None:
        """Study `deck` (None: all decks); with `undo`, first take back the last step of
        this run and show that card."""
        driver, self._first_driver = self._first_driver or self._new_driver(deck), None
        self.push_screen(StudyScreen(driver, deck=deck, undo_first=undo))

    def undo_in_deck(self, deck: str | None) -> None:
        """From a study screen: study `deck` instead, with the last step of this run (done
        while studying it) taken back."""
        self.switch_screen(StudyScreen(self._new_driver(deck), deck=deck, undo_first=True))

    def undo_from_home(self) -> bool:
        """`u` on the deck list: back to studying the deck of the last step of this run,
        with that step taken back. False when there is nothing to undo."""
        step = self.undo_history.last()
        if step is None:
            return False
        self.open_study(step.deck, undo=True)
        return True

    def close_study(self) -> None:
        """Back from the study screen to the deck list (built now when the app
        started on a deck)."""
        if len(self.screen_stack) > 1 and isinstance(self.screen_stack[-2], HomeScreen):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def open_link(self, url: str) -> bool:
        """Open `url` (a web page, or the file: URL of a file beside the notes) in this
        machine's browser or viewer. False when nothing could: no browser is known here
        (over SSH, in a bare container), so the caller shows the link to copy instead.
        (Textual's `open_url` gives no answer, and said "Opening" while nothing happened.)"""
        driver = self._driver
        if driver is not None and driver.is_web:
            self.open_url(url)  # served to a browser (textual-serve): that browser opens it
            return True
        import webbrowser

        try:
            return bool(webbrowser.open(url))
        except Exception:  # a $BROWSER that fails to start
            return False

    def action_help(self) -> None:
        from llmcards.tui.screens.browse import BrowseScreen
        from llmcards.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        study = ("Study", key_help(self, [StudyScreen]))
        home = ("Decks", key_help(self, [DeckTree, HomeScreen]))
        everywhere = ("Everywhere", key_help(self, [LlmcardsApp]))
        sections = [study, home] if isinstance(self.screen, StudyScreen) else [home, study]
        if isinstance(self.screen, BrowseScreen):
            sections.insert(0, ("Browse", key_help(self, [BrowseScreen])))
        self.push_screen(HelpScreen([*sections, everywhere]))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: Textual's own commands (its "Keys" panel replaced by this app's
        help screen, which Esc closes), then the keys of this screen that work right now
        (a screen's `palette_check`, else its `check_action`, says which)."""
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command
        yield SystemCommand(
            "Keys", "Every key, on every screen, and how to remap it", self.action_help
        )
        classes: list[type] = [type(screen)]
        if isinstance(screen, HomeScreen):
            classes.insert(0, DeckTree)
        for node_class in classes:
            if not bindings_of(node_class):
                continue
            target = screen.query_one(DeckTree) if node_class is DeckTree else screen
            check = getattr(target, "palette_check", target.check_action)
            for row in key_help(self, [node_class]):
                _namespace, name, parameters = parse_action(row.action)
                if not check(name, parameters):
                    continue  # it would do nothing here and now
                # The palette reads titles as markup: a key such as "/" must not close a tag.
                yield SystemCommand(
                    escape(f"{row.description}  [{row.keys}]"),
                    escape(row.tooltip or row.description),
                    partial(self.call_later, target.run_action, row.action),
                )

    # ------------------------------------------------------------ data (worker threads)

    def needs_first_import(self) -> bool:
        from llmcards.store.reads import database_is_empty

        if self._first_import_tried or self.bundled_dir is None or not self.bundled_dir.is_dir():
            return False
        with self.db.read() as conn:
            empty = database_is_empty(conn)
        self._first_import_tried = True
        return empty

    def import_bundled(self) -> tuple[int, int]:
        from llmcards.importing.files import import_paths

        assert self.bundled_dir is not None
        report = import_paths(self.db, [self.bundled_dir], now=self.clock())
        return report.total("new"), len(report.files)

    def load_home(self):
        from llmcards.tui.data import load_home

        with self.db.read() as conn:
            return load_home(
                conn, self.clock(), self.settings.rollover_hour, self.bundled_dir, self.settings
            )


def create_app(
    *,
    db_path: Path,
    deck: str | None = None,
    settings: Settings | None = None,
    now: Clock | datetime | None = None,
    bundled_dir: Path | None = None,
    db: Store | None = None,
    first_driver: StudyDriver | None = None,
) -> LlmcardsApp:
    """The app for the database at `db_path`; opening `deck` (full path or its last
    parts) straight away when given. `now` freezes or replaces the clock (tests).
    `db` and `first_driver` hand over what the CLI already opened and warmed up."""
    from llmcards.paths import bundled_decks_dir

    if isinstance(now, datetime):
        frozen = clock_module.ensure_utc(now)

        def clock() -> datetime:
            return frozen

    else:
        clock = now or clock_module.now
    backup_later = None
    if db is None:
        from llmcards.store.db import open_db
        from llmcards.store.queries import resolve_deck

        # The day's backup copies the whole file (0.6 s at 1M reviews): it is taken once
        # the app runs, not before its first screen (as `study --deck` does, store.deferred).
        db = open_db(db_path, daily_backup=False, background_checkpoints=True)
        backup_later = db.path
        try:
            if deck is not None:
                with db.read() as conn:
                    deck = resolve_deck(conn, deck)
        except BaseException:
            db.close()
            raise
    return LlmcardsApp(
        db=db,
        deck=deck,
        settings=settings or Settings(),
        clock=clock,
        bundled_dir=bundled_dir if bundled_dir is not None else bundled_decks_dir(),
        first_driver=first_driver,
        backup_later=backup_later,
    )


def run_app(
    db_path: Path,
    deck: str | None = None,
    settings: Settings | None = None,
    *,
    db: Store | None = None,
    first_driver: StudyDriver | None = None,
) -> None:
    """Run the study app in this terminal until the user quits."""
    if settings is None:
        from llmcards.config import load_settings

        settings = load_settings()
    app = create_app(
        db_path=db_path, deck=deck, settings=settings, db=db, first_driver=first_driver
    )
    app.run()
