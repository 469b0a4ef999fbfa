"""The study screen: question, answer, four ratings, then the end-of-session summary.

All database work goes through `StudyDriver` on worker threads (one at a time); the
screen only draws the `StudyView`s they post back. Every rating names the card on screen,
so it can never land on a card the user has not seen.

Saving takes a moment (each rating is synced to disk before the next card shows: a few
ms, tens on a slow disk), and a write waits while another program (an import in another
terminal) holds the database, tried again until it goes through: a rating is never lost.
A key pressed meanwhile that can only mean one thing is kept and used once the save is
done: Space/Enter (show the next card's answer) and `u` (take back what is being saved).
One that would act on a card not shown yet (a rating, suspend, bury, edit) is not used,
and the screen says so, and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static
from textual.worker import get_current_worker

from llmcards.scheduling.types import AGAIN, EASY, GOOD, HARD
from llmcards.textsafe import printable
from llmcards.tui import heap
from llmcards.tui.answer import link_target, shown_target
from llmcards.tui.editor import edit_source
from llmcards.tui.messages import DatabaseFailed, NothingToUndo, StudyUpdated
from llmcards.tui.study_driver import (
    NOTHING_TO_UNDO,
    UNDO_GONE,
    UNDO_REFUSED,
    StudyDriver,
    StudyView,
    is_busy,
)
from llmcards.tui.widgets.card_view import CardView
from llmcards.tui.widgets.deck_path import DeckPath
from llmcards.tui.widgets.footer import Footer
from llmcards.tui.widgets.progress import StudyProgress
from llmcards.tui.widgets.rating_bar import RatingBar, RevealBar
from llmcards.tui.widgets.summary import SessionSummaryView

if TYPE_CHECKING:
    from llmcards.tui.app import LlmcardsApp

# Anki's default: a card left on screen while the kettle boils counts as one minute.
MAX_ANSWER_MS = 60_000
# A save taking longer than this is waiting for the database: say so.
SLOW_SAVE_SECONDS = 0.4
BUSY_RETRY_SECONDS = 0.5
WAITING = "Saving… the database is busy (another program is writing); your rating is kept and saved when it is free."
KEY_NOT_USED = "Still saving (database busy): that key was not used; press it again."
# What is being saved, for the line that says a key pressed meanwhile was not used.
SAVING = {
    "rate": "the last rating",
    "undo": "the undo",
    "suspend": "the suspend",
    "bury": "the bury",
    "edit": "the edited notes",
}
NO_BROWSER = (
    "No browser can open it here. Copy it from below (it was also sent to the clipboard, "
    "where the terminal allows):"
)
# Keys kept while a save runs, used once it is done (see the module's docstring).
KEPT_WHILE_SAVING = ("reveal", "undo")


def key_not_used(cause: str) -> str:
    what = SAVING.get(cause, "the last change")
    return f"Saving {what}… that key was not used: nothing was done to the next card."


RATING_BINDING_IDS = {
    AGAIN: "study.again",
    HARD: "study.hard",
    GOOD: "study.good",
    EASY: "study.easy",
}


class StudyScreen(Screen[None]):
    if TYPE_CHECKING:  # `self.app` is this app, with its database, settings and clock
        app = getters.app(LlmcardsApp)

    DEFAULT_CSS = """
    StudyScreen {
        #study-header { height: 1; padding: 0 1; background: $panel; }
        #panes { height: 1fr; }
        #deck-path { width: 1fr; margin: 0 1 0 0; text-style: bold; }
        #status { height: auto; max-height: 3; padding: 0 2; color: $text-muted; }
        #status.-whole { max-height: 10; }  /* a link to copy: never cut off */
        #bars { height: auto; }
        RatingBar { display: none; }
        /* Narrow: the deck path on a line of its own (cut from the left), the ratings in
           two rows of two with every label whole (40 columns hold "1 Again 10m"). */
        &.-narrow {
            #study-header { layout: vertical; height: auto; }
            #deck-path { width: 1fr; }
            #status { padding: 0 1; }
            CardView { padding: 0 1; }
            RatingBar {
                layout: grid;
                grid-size: 2;
                grid-gutter: 0 1;
                height: 2;
                margin: 0 1;
                Button { margin: 0; min-width: 0; width: 1fr; }
            }
        }
        &.-short {
            RatingBar { margin: 0 1; }
            RevealBar { margin: 0; }
            SessionSummaryView { padding: 0 1; }
        }
    }
    """

    BINDINGS = [
        Binding(
            "space,enter",
            "reveal",
            "Show answer",
            id="study.reveal",
            tooltip="Show the answer",
        ),
        Binding(
            "1",
            "rate(1)",
            "Again",
            id="study.again",
            show=False,
            tooltip="Forgot it: see it again soon",
        ),
        Binding(
            "2", "rate(2)", "Hard", id="study.hard", show=False, tooltip="Recalled with effort"
        ),
        Binding("3", "rate(3)", "Good", id="study.good", show=False, tooltip="Recalled"),
        Binding("4", "rate(4)", "Easy", id="study.easy", show=False, tooltip="Recalled at once"),
        Binding(
            "space,enter",
            "answer_good",
            "Good",
            id="study.answer_good",
            tooltip="On the answer side: rate Good (as in Anki)",
        ),
        Binding(
            "space,enter",
            "done",
            "Decks",
            id="study.done",
            tooltip="On the end-of-session summary: back to the deck list",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="study.undo",
            tooltip="Take back the last rating, bury or suspend (repeat to go further back)",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="study.edit",
            tooltip="Open the card's note in $EDITOR at its line",
        ),
        Binding(
            "s",
            "suspend",
            "Suspend",
            id="study.suspend",
            tooltip="Never show this card again until unsuspended",
        ),
        Binding("b", "bury", "Bury", id="study.bury", tooltip="Hide this card until tomorrow"),
        Binding(
            "o",
            "open_link",
            "Open link",
            id="study.open_link",
            show=False,
            tooltip="Open the first link or image of the answer in a browser",
        ),
        Binding(
            "t",
            "stats",
            "Stats",
            id="study.stats",
            show=False,
            tooltip="Statistics of the deck being studied",
        ),
        Binding("escape", "back", "Decks", id="study.back", tooltip="Back to the deck list"),
    ]

    def __init__(self, driver: StudyDriver, *, deck: str | None, undo_first: bool = False) -> None:
        """`undo_first`: open by taking back the last step of the app run (`u` on the
        deck list) instead of at the next card."""
        super().__init__()
        self.driver = driver
        self.deck = deck
        self._undo_first = undo_first
        self.view: StudyView | None = None
        self.busy = True  # until the first view arrives
        self.revealed = False
        self.shown_at = time.monotonic()
        self._slow_save: Any = None  # the timer that says a save waits for the database
        self._saving = ""  # what the running save is: "rate", "undo", …
        self._waiting = False  # the save waits for another program's write
        self._kept: str | None = None  # a key pressed during the save, used after it

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="study-header"):
            yield DeckPath(self.deck, id="deck-path")
            yield StudyProgress(id="progress")
        with ContentSwitcher(initial="card", id="panes"):
            yield CardView(id="card")
            yield SessionSummaryView(id="summary")
        yield Static("Loading cards…", id="status", markup=False)
        with Horizontal(id="bars"):
            yield RevealBar()
            yield RatingBar()
        yield Footer()

    def on_resize(self) -> None:
        progress = self.query_one(StudyProgress)
        self.call_after_refresh(progress.fit)  # the bar shows only where it fits

    def on_mount(self) -> None:
        self.query_one(CardView).focus()
        if self._undo_first:
            self._run("undo", self.driver.undo_or_start)
            return
        ready = self.driver.take_ready_view()
        if ready is not None:  # built before Textual started: the first frame has the card
            self._apply(StudyUpdated(ready, cause="start"))
        else:
            self._run("start", self.driver.start)

    # ---------------------------------------------------------------- workers

    @work(thread=True, group="db", exit_on_error=False)
    def _run(self, cause: str, call: Callable[..., StudyView | None], *args: Any) -> None:
        while True:
            try:
                view = call(*args)
                break
            except Exception as exc:
                if not is_busy(exc) or get_current_worker().is_cancelled:
                    self.post_message(DatabaseFailed(cause, exc))
                    return
            # Nothing was written: the same change, for the same card, once more.
            self.app.call_from_thread(self._db_busy)
            time.sleep(BUSY_RETRY_SECONDS)
        if view is None:
            self.post_message(NothingToUndo())
        else:
            self.post_message(StudyUpdated(view, cause=cause))

    def _submit(self, cause: str, call: Callable[..., StudyView | None], *args: Any) -> bool:
        if self.busy:
            self._key_not_used()
            return False
        self.busy = True
        self._saving, self._waiting = cause, False
        self._slow_save = self.set_timer(SLOW_SAVE_SECONDS, self._still_saving)
        self._run(cause, call, *args)
        return True

    def _still_saving(self) -> None:
        if self.busy and self.view is not None:
            self._db_busy()

    def _db_busy(self) -> None:
        """The save waits for another program's write (or has taken long enough to say so)."""
        self._waiting = True
        self._say(WAITING)

    def _key_not_used(self) -> None:
        if self.view is not None:  # not while the first card loads: nothing looked accepted
            text = KEY_NOT_USED if self._waiting else key_not_used(self._saving)
            self._say(text)
            self.notify(text, severity="warning", timeout=4, markup=False)

    def _keep(self, action: str) -> None:
        """A key pressed while a save runs: kept (one) when it is safe, else not used."""
        if self.view is None:
            return  # the first card is loading: nothing looked accepted
        if action in KEPT_WHILE_SAVING and self._kept is None:
            self._kept = action
        else:
            self._key_not_used()

    def _use_kept(self) -> None:
        """After the save, with its view drawn: the key pressed meanwhile."""
        kept, self._kept = self._kept, None
        if kept is None or self.busy or self.view is None:
            return
        if kept == "undo":
            self.action_undo()
        elif self.view.card is not None and not self.revealed:
            self.action_reveal()  # the summary is never left by a key pressed before it showed

    def _idle(self) -> None:
        self.busy = False
        self._waiting = False
        if self._slow_save is not None:
            self._slow_save.stop()
            self._slow_save = None

    def _started(self) -> None:
        heap.settle()
        self.driver.open_store_in_background()

    @on(StudyUpdated)
    def _apply(self, message: StudyUpdated) -> None:
        self._idle()
        opened_to_undo, self._undo_first = self._undo_first, False
        if opened_to_undo and message.view.notice.startswith((UNDO_REFUSED, UNDO_GONE)):
            # `u` on the deck list, and that step cannot be taken back: say so there,
            # rather than open a deck the user did not ask to study.
            from llmcards.tui.screens.home import HomeScreen

            home = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
            self.app.close_study()
            if isinstance(home, HomeScreen):
                home.say(message.view.notice)
            return
        if self.view is None:  # the first card: start-up is over
            self.call_after_refresh(self._started)
        before = self.view.card if self.view is not None else None
        self.view = view = message.view
        self.query_one(StudyProgress).show(view.done, view.counts, view.later)
        said = {
            "undo": "Taken back: this card is shown again.",
            "suspend": "Suspended (u takes it back).",
            "bury": "Buried until tomorrow (u takes it back).",
        }.get(message.cause, "")
        self._say(view.notice or said)
        if view.notice and view.card is None:
            # Said once: under the card, or, when the session summary takes its place,
            # as a toast (one over the card covered half of it at 40x12, for 6 s).
            severity: SeverityLevel = "information" if message.cause == "edit" else "warning"
            self.notify(view.notice, severity=severity, timeout=6, markup=False)
        if self._kept is not None and view.notice:
            self._kept = None  # something unlooked-for happened (see the notice): read it first
        if self._kept is not None:
            self.call_after_refresh(self._use_kept)  # once the new card is on screen
        if view.card is None:
            self._finish(view)
            return
        # After an edit the same card stays on the side it was on, with its new text.
        keep_side = message.cause == "edit" and before is not None and before.id == view.card.id
        revealed = self.revealed and keep_side
        self._show_side(revealed=False, finished=False)
        self.query_one(DeckPath).show(view.card.deck)
        card_view = self.query_one(CardView)
        card_view.show_card(view.card)
        self.query_one(RatingBar).show_previews(view.previews, self._rating_keys())
        self.query_one(RevealBar).set_key(self._key_of("study.reveal", "Space"))
        if revealed:
            self.action_reveal()
        else:
            self.shown_at = time.monotonic()

    def _show_side(self, *, revealed: bool, finished: bool) -> None:
        # Direct `display` switches, not classes on the screen: a class change there
        # restyles the whole card (every Markdown block), far slower than a key press.
        self.revealed = revealed
        self.query_one(RevealBar).display = not revealed and not finished
        self.query_one(RatingBar).display = revealed and not finished
        switcher = self.query_one(ContentSwitcher)
        wanted = "summary" if finished else "card"
        if switcher.current != wanted:
            switcher.current = wanted
        self.refresh_bindings()  # the footer: Space shows the answer, then rates Good

    def _finish(self, view: StudyView) -> None:
        self._show_side(revealed=False, finished=True)
        if view.summary is not None:
            settings = self.app.settings
            from llmcards.tui.keys import bound_keys

            done = bound_keys(self.app, type(self), "study.done")
            keys_shown = {
                # Space and Enter both end it by default; the summary says Enter, as Anki's does.
                "done": "Enter" if "enter" in done else self._key_of("study.done", "Enter"),
                "stats": self._key_of("study.stats", "t"),
                "undo": self._key_of("study.undo", "u"),
            }
            self.query_one(SessionSummaryView).show(
                view.summary,
                self.app.clock(),
                settings.rollover_hour,
                undo=view.undo_left > 0,
                keys_shown=keys_shown,
            )

    @on(NothingToUndo)
    def _nothing_to_undo(self) -> None:
        self._idle()
        self._kept = None
        self.notify(NOTHING_TO_UNDO, severity="warning")

    @on(DatabaseFailed)
    def _failed(self, message: DatabaseFailed) -> None:
        self._idle()
        self._kept = None  # pressed for what came after a save that did not happen
        what = {"edit": "re-import the edited notes"}.get(message.what, message.what)
        text = printable(f"Could not {what}: {message.error}")
        self._say(text)
        self.notify(text, severity="error", timeout=8, markup=False)

    def _say(self, text: str, *, whole: bool = False) -> None:
        """The line under the card; `whole`: up to 10 lines instead of 3 (a link to copy)."""
        status = self.query_one("#status", Static)
        status.update(printable(text))
        status.set_class(whole, "-whole")
        status.display = bool(text)

    # ---------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Space and Enter: "Show answer" on the question side, "Good" on the answer side,
        # back to the decks on the summary (the footer shows the one that applies).
        finished = self.view is not None and self.view.card is None
        if action == "reveal":
            return not self.revealed and not finished
        if action == "answer_good":
            return self.revealed and not finished
        if action == "done":
            return finished
        if action == "rate":
            return self.revealed and not finished  # a rating needs the answer shown
        if action in ("edit", "suspend", "bury", "open_link"):
            return not finished  # the summary has no card to act on: not offered there
        return True

    def palette_check(self, action: str, parameters: tuple[object, ...]) -> bool:
        """What the command palette offers now: what `check_action` allows, and undo only
        with something to undo (the key still says "Nothing to undo")."""
        if action == "undo":
            return self.view is not None and self.view.undo_left > 0
        if action == "open_link":  # the key says why not; the palette lists only what works
            return bool(self.check_action(action, parameters)) and bool(
                self.query_one(CardView).first_link
            )
        return bool(self.check_action(action, parameters))

    def action_reveal(self) -> None:
        if self.view is not None and self.view.card is None:
            self.action_back()
            return
        if self.busy:
            self._keep("reveal")
            return
        if self.view is None or self.revealed:
            return
        self._show_side(revealed=True, finished=False)
        self.query_one(CardView).reveal()

    def action_answer_good(self) -> None:
        if self.busy:
            # Space/Enter again while the rating is saved: meant for the next card, whose
            # answer it shows once it is there (Anki does the same: keys in order).
            self._keep("reveal")
            return
        self.action_rate(GOOD)

    def action_rate(self, rating: int) -> None:
        if self.view is None or self.view.card is None or not self.revealed:
            return
        spent = min(MAX_ANSWER_MS, int((time.monotonic() - self.shown_at) * 1000))
        self._submit("rate", self.driver.rate, self.view.card.id, rating, spent)

    def action_undo(self) -> None:
        if self.busy:
            self._keep("undo")  # takes back what is being saved, once it is
        elif self.view is not None and self.view.undo_left:
            step = self.driver.history.last()
            if step is not None and step.deck != self.deck:
                # Done while studying another deck: take it back there, so the header,
                # the counts and the cards after it are that deck's.
                self.app.undo_in_deck(step.deck)
            else:
                self._submit("undo", self.driver.undo)
        else:
            self.notify(NOTHING_TO_UNDO, severity="warning")

    def action_suspend(self) -> None:
        if self.view is not None and self.view.card is not None:
            self._submit("suspend", self.driver.suspend, self.view.card.id)

    def action_bury(self) -> None:
        if self.view is not None and self.view.card is not None:
            self._submit("bury", self.driver.bury, self.view.card.id)

    def action_done(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        self.app.close_study()

    def action_stats(self) -> None:
        from llmcards.tui.screens.stats import StatsScreen

        app = self.app
        app.push_screen(StatsScreen(app.db, self.driver.deck, app.settings, clock=app.clock))

    def action_open_link(self) -> None:
        url = self.query_one(CardView).first_link
        if url is None:
            self._say("This card has no link to open.")
        elif not self.revealed:
            self._say("The link is in the answer: show it first, then open the link.")
        else:
            self._open(url)

    def _open(self, url: str) -> None:
        """Open a link of the answer; when nothing here can, show it to copy (and hand it
        to the terminal's clipboard: OSC 52, which many terminals take, over SSH too)."""
        if self.app.open_link(url):
            self.notify(printable(f"Opening {url}"), timeout=3, markup=False)
            return
        shown = shown_target(url)
        self.app.copy_to_clipboard(shown)
        self._say(f"{NO_BROWSER}\n{shown}", whole=True)

    def action_edit(self) -> None:
        card = self.view.card if self.view else None
        if self.busy:
            self._key_not_used()
            return
        if card is None:
            return
        if edit_source(self, card.source_path, card.source_line):
            self._submit("edit", self._reimport, card.source_path)

    def _reimport(self, path: str) -> StudyView:
        """On the worker: the edited notes in again, then the queue with their new text."""
        from llmcards.tui.editor import reimport, reimport_summary

        app = self.app
        report = reimport(app.db, path, app.clock())
        return self.driver.reload(reimport_summary(path, report))

    def on_markdown_link_clicked(self, event: Any) -> None:
        # By handler name: importing Markdown here would slow down the first card.
        card = self.view.card if self.view else None
        target = link_target(event.href, Path(card.source_path).parent if card else None)
        if target is not None:
            self._open(target)

    # ---------------------------------------------------------------- keys

    def _key_of(self, binding_id: str, fallback: str) -> str:
        from llmcards.tui.keys import key_display

        return key_display(self.app, type(self), binding_id) or fallback

    def _rating_keys(self) -> dict[int, str]:
        return {
            rating: self._key_of(bid, str(rating)) for rating, bid in RATING_BINDING_IDS.items()
        }
