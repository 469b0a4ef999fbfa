"""`i` on the home screen: import notes without leaving the app.

The import runs on a worker thread through the same code as `llmcards import`; the
result comes back as one summary line (what was made, what was passed over).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from llmcards.cards import DECK_SEP
from llmcards.textsafe import printable

if TYPE_CHECKING:
    from llmcards.importing.report import ImportReport
    from llmcards.tui.app import LlmcardsApp


@dataclass(frozen=True, slots=True)
class ImportDone:
    summary: str
    never_explained: int
    decks: tuple[str, ...] = ()  # the root decks the files went into, in order


def root_decks(report: ImportReport) -> tuple[str, ...]:
    """The decks an import filled (one per root), in the order of its files."""
    return tuple(dict.fromkeys(f.root for f in report.files if f.root))


def into_decks(decks: tuple[str, ...]) -> str:
    """ "into LLM 学习笔记" (or "into A, B and 2 more decks")."""
    if not decks:
        return ""
    shown = ", ".join(d.replace(DECK_SEP, " › ") for d in decks[:2])
    more = f" and {len(decks) - 2} more decks" if len(decks) > 2 else ""
    return f" into {shown}{more}"


def summary_line(report: ImportReport) -> str:
    """What an import did, in one line (the dialog and a re-import after `e` say it)."""
    return (
        f"{report.total('new')} new, {report.total('updated')} updated, "
        f"{report.total('unchanged')} unchanged, {report.total('retired')} retired, "
        f"{len(report.skipped)} passed over"
    ) + _kept_history(report)


def _kept_history(report: ImportReport) -> str:
    """Fronts that changed but kept their card and history, as `llmcards import` lists them."""
    kept = [(old, new) for file in report.files for old, new in file.kept]
    if not kept:
        return ""
    shown = ", ".join(f"{old} → {new}" for old, new in kept[:3])
    return f" · kept history: {shown}" + (f" (+{len(kept) - 3} more)" if len(kept) > 3 else "")


def typed_paths(text: str) -> list[str]:
    """The paths typed in the dialog, `~` expanded. A path with spaces works as typed
    (`~/my notes/a.md`), quoted or with backslashes (as a shell or a drag-and-drop
    writes it); several paths are separated by spaces. Raises ValueError on an unclosed
    quote."""
    text = text.strip()
    if not text:
        return []
    whole = Path(text).expanduser()
    if whole.exists():
        return [str(whole)]
    return [str(Path(p).expanduser()) for p in shlex.split(text)]


class ImportScreen(ModalScreen[ImportDone | None]):
    if TYPE_CHECKING:  # `self.app` is this app, with its database, settings and clock
        app = getters.app(LlmcardsApp)

    DEFAULT_CSS = """
    ImportScreen {
        align: center middle;
        #import-box {
            width: 80%;
            max-width: 100;
            height: auto;
            border: round $primary;
            border-title-align: center;
            background: $surface;
            padding: 1 2;
        }
        Input { margin: 0 0 1 0; }
        #import-result { color: $text-muted; height: auto; }
        #import-result.-error { color: $text-error; }
        #import-box { max-height: 100%; overflow-y: auto; }
        &.-narrow #import-box { width: 100%; padding: 0 1; }
        &.-short {
            #import-box { padding: 0 1; }
            Input { border: none; height: 1; padding: 0 1; margin: 0 0 1 0; }
        }
    }
    """

    BINDINGS = [
        Binding(
            "escape",
            "dismiss_none",
            "Cancel",
            id="import.cancel",
            tooltip="Close without importing",
        )
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box") as box:
            box.border_title = "Import notes"
            yield Label("Notes file(s) or folder:")
            yield Input(placeholder="~/notes/learning.md", id="import-paths")
            yield Label("Root deck (optional):")
            # Reads as a hint, not as a value: an empty field passes no deck at all.
            yield Input(
                placeholder="empty: as remembered, or from the file's title or name",
                id="import-deck",
            )
            yield Static(
                "Enter imports · Tab to the root deck · Esc cancels. "
                "Re-importing keeps your review history.",
                id="import-result",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#import-paths", Input).focus()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        # Enter imports from either field: the root deck is optional (Tab reaches it).
        if self._importing:
            return
        try:
            paths = typed_paths(self.query_one("#import-paths", Input).value)
        except ValueError as exc:
            self._show(f"Cannot read the paths: {exc}", error=True)
            return
        if not paths:
            self._show("Type the path of a notes file or folder first.", error=True)
            return
        deck = self.query_one("#import-deck", Input).value.strip() or None
        self._importing = True
        self._show("Importing…", error=False)
        self._import(paths, deck)

    _importing = False

    def _show(self, text: str, *, error: bool) -> None:
        result = self.query_one("#import-result", Static)
        result.update(printable(text))
        result.set_class(error, "-error")

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def _import(self, paths: list[str], deck: str | None) -> None:
        from llmcards.errors import UserError
        from llmcards.importing.files import import_paths

        app = self.app
        try:
            report = import_paths(app.db, paths, deck=deck, now=app.clock())
        except UserError as exc:
            app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:
            app.call_from_thread(self._failed, f"Import failed: {exc}")
            return
        terms = sum(1 for _f, s in report.skipped if s.category == "term")
        done = ImportDone(summary_line(report), terms, root_decks(report))
        app.call_from_thread(self.dismiss, done)

    def _failed(self, text: str) -> None:
        self._importing = False
        self._show(text, error=True)
