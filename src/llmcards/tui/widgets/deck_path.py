"""The study header's deck path: one line, cut from the left so the most specific part
(the sub-deck being studied) stays in sight: `… › CH.0 - 从兴趣出发…` (`shorten.fit_path`)."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from llmcards.cards import DECK_SEP
from llmcards.shorten import fit_path
from llmcards.textsafe import printable

ALL_DECKS = "All decks"


class DeckPath(Widget):
    DEFAULT_CSS = """
    DeckPath {
        height: 1;
    }
    """

    def __init__(self, deck: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts: list[str] = []
        self.show(deck)

    def show(self, deck: str | None) -> None:
        """`deck`: a full deck name (`Root::Sub`), or None for all decks."""
        parts = [printable(part) for part in deck.split(DECK_SEP)] if deck else [ALL_DECKS]
        if parts != self.parts:
            self.parts = parts
            self.refresh()

    def render(self) -> Content:
        # Drawn for the width it has now: a resize draws it again, cut anew.
        return Content(fit_path(self.parts, self.content_size.width))
