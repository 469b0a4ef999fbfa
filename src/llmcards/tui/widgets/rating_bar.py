"""The bottom bar of the study screen: "show answer" before, four ratings after.

Buttons run the same screen actions as the keys, so a click and a key press are one
code path. They never take focus: keys keep going to the study screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button
from textual.widgets.button import ButtonVariant

from llmcards.scheduling.types import AGAIN, EASY, GOOD, HARD, Preview

RATING_LABELS = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
RATING_VARIANTS: dict[int, ButtonVariant] = {
    AGAIN: "error",
    HARD: "warning",
    GOOD: "success",
    EASY: "primary",
}


class _Key(Button, can_focus=False):
    pass


class RevealBar(Horizontal):
    DEFAULT_CSS = """
    RevealBar {
        height: 1;
        align: center middle;
        margin: 0 0 1 0;
        Button { min-width: 24; }
    }
    """

    def compose(self) -> ComposeResult:
        yield _Key(
            "Space  show answer",
            id="reveal",
            action="screen.reveal",
            compact=True,
            variant="primary",
        )

    def set_key(self, key: str) -> None:
        # Content, not str: a str label is markup, and a remapped key may be "[".
        self.query_one("#reveal", Button).label = Content(f"{key}  show answer")


class RatingBar(Horizontal):
    DEFAULT_CSS = """
    RatingBar {
        height: 1;
        margin: 0 0 1 1;
        Button { margin: 0 2 0 0; min-width: 14; }
    }
    """

    def compose(self) -> ComposeResult:
        for rating, name in RATING_LABELS.items():
            yield _Key(
                f"{rating} {name}",
                id=f"rate-{rating}",
                action=f"screen.rate({rating})",
                compact=True,
                variant=RATING_VARIANTS[rating],
                tooltip=f"Rate this card {name}",
            )

    def show_previews(self, previews: tuple[Preview, ...], keys: dict[int, str]) -> None:
        labels = {p.rating: p.label for p in previews}
        for rating, name in RATING_LABELS.items():
            button = self.query_one(f"#rate-{rating}", Button)
            interval = labels.get(rating, "")
            button.label = Content(f"{keys.get(rating, rating)} {name} {interval}".rstrip())
            button.tooltip = (
                f"{name}: next review {interval}" if interval else f"Rate this card {name}"
            )
