"""Messages that worker threads post back to the screens (the only way results of
database work reach the UI)."""

from __future__ import annotations

from textual.message import Message

from llmcards.tui.home_rows import HomeData
from llmcards.tui.study_driver import StudyView


class HomeLoaded(Message):
    def __init__(self, data: HomeData) -> None:
        super().__init__()
        self.data = data


class BundledImported(Message):
    """The first-run import of the bundled decks finished."""

    def __init__(self, cards: int, files: int) -> None:
        super().__init__()
        self.cards = cards
        self.files = files


class StudyUpdated(Message):
    """The study session moved on (start, rating, undo, suspend, bury)."""

    def __init__(self, view: StudyView, *, cause: str) -> None:
        super().__init__()
        self.view = view
        self.cause = cause  # "start" | "rate" | "undo" | "suspend" | "bury" | "edit"


class NothingToUndo(Message):
    pass


class DatabaseFailed(Message):
    """A worker could not finish its database work; the screen says so in one line."""

    def __init__(self, what: str, error: BaseException) -> None:
        super().__init__()
        self.what = what
        self.error = error
