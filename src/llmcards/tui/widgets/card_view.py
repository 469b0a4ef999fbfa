"""One card: context and front always, the answer (Markdown) once revealed.

The answer is built while the question is on screen, so revealing it only flips a
class: Space shows it at once even for long answers. The Markdown widget (and
markdown-it, and its CSS) first comes in after the first question is painted: none of it
is needed before Space, and all of it used to delay the first card.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.widgets import Rule, Static

from llmcards.notes.math import math_to_unicode
from llmcards.scheduling.types import StudyCard
from llmcards.textsafe import printable
from llmcards.tui.answer import PreparedAnswer, prepare_answer
from llmcards.tui.format import short_url


class CardView(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    CardView {
        height: 1fr;
        padding: 1 2 0 2;
        scrollbar-size-vertical: 1;
        &:focus { background-tint: initial; }
        #context { color: $text-muted; text-style: italic; }
        #front { text-style: bold; margin: 0 0 1 0; }
        #divider { margin: 0; color: $foreground-darken-3; }
        #answer { margin: 1 0 0 0; padding: 0; background: transparent; }
        #answer MarkdownBlock { background: transparent; }
        #links { color: $text-muted; margin: 1 0 1 0; }
        #answer, #divider, #links { display: none; }
    }
    """

    revealed: reactive[bool] = reactive(False, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.prepared: PreparedAnswer = PreparedAnswer("", ())
        self.card: StudyCard | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="context", markup=False)
        yield Static(id="front", markup=False)
        yield Rule(id="divider")
        # #answer (a Markdown widget) is mounted here by the first `_build_answer`.
        yield Static(id="links", markup=False)

    def watch_revealed(self, revealed: bool) -> None:
        # `display` rather than a CSS class: a class change restyles every Markdown
        # block below, and that is most of the time between two cards.
        self.query_one("#divider").display = revealed
        for answer in self.query("#answer"):
            answer.display = revealed
        self.query_one("#links").display = revealed and bool(self.prepared.links)
        if revealed:
            self.call_after_refresh(self._answer_in_sight)

    def _answer_in_sight(self) -> None:
        """On a small terminal the answer may start below the bottom edge: scroll it up
        (the front stays one scroll away), so revealing always shows some answer."""
        divider = self.query_one("#divider")
        if divider.region.y + 2 >= self.content_region.bottom:
            answer = self.query("#answer")
            target = answer.first() if answer else divider
            self.scroll_to_widget(target, top=True, animate=False)

    def show_card(self, card: StudyCard) -> None:
        """Show the question now; build the (hidden) answer right after."""
        self.card = card
        self.revealed = False
        self.scroll_home(animate=False)
        context = self.query_one("#context", Static)
        context.update(printable(math_to_unicode(card.context or "")))
        context.display = bool(card.context)
        self.query_one("#front", Static).update(printable(math_to_unicode(card.front)))
        self.prepared = PreparedAnswer("", ())
        # After the question is painted: the answer is not needed before Space.
        self.call_after_refresh(self._build_answer, card.id)

    def _build_answer(self, card_id: int) -> None:
        if self.card is None or self.card.id != card_id:
            return
        self.prepared = prepare_answer(
            printable(self.card.back), Path(self.card.source_path).parent
        )
        links = self.query_one("#links", Static)
        if self.prepared.links:
            count = len(self.prepared.links)
            which = f"the first of {count} links" if count > 1 else "the link"
            links.update(printable(f"o  open {which} ({short_url(self.prepared.links[0], 40)})"))
        links.display = self.revealed and bool(self.prepared.links)
        from llmcards.tui.widgets.answer_markdown import AnswerMarkdown

        try:
            self.query_one("#answer", AnswerMarkdown).update(self.prepared.markdown)
        except NoMatches:
            answer = AnswerMarkdown(self.prepared.markdown, id="answer", open_links=False)
            answer.display = self.revealed
            self.mount(answer, before="#links")

    def reveal(self) -> None:
        self.revealed = True

    @property
    def first_link(self) -> str | None:
        return self.prepared.links[0] if self.prepared.links else None
