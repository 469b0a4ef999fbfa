"""Textual's Footer, without the widgets it leaves behind each time it is rebuilt."""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """The key bar. The study screen's changes with each side of each card, and Textual
    rebuilds it each time: every key widget it makes watches the footer's `compact`,
    and Textual forgets a watcher whose widget is gone only when `compact` changes,
    which it never does here. Without this, each rating left ~16 widgets (~2,000
    objects) alive for good: after a few hundred ratings every full garbage collection
    took 0.2-0.4 s, a visible hitch between two cards."""

    async def recompose(self) -> None:
        await super().recompose()
        # Announce `compact` again (same value): Textual then drops the watchers of
        # key widgets that were removed.
        self.mutate_reactive(TextualFooter.compact)
