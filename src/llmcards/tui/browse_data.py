"""The card browser's rows: one query through the store, shaped for the table.

Textual-free, so the screen only calls it on a worker thread and shows the result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from llmcards.cards import DECK_SEP
from llmcards.store.models import NEW, STATE_NAMES
from llmcards.store.queries import list_cards

if TYPE_CHECKING:
    from llmcards.store.db import Store

# A table of thousands of rows is slow to build: the browser shows this many at first and
# as many more each time the cursor reaches the end (reading them all costs little more).
PAGE_ROWS = 500


@dataclass(frozen=True, slots=True)
class BrowseRow:
    id: int
    deck: str
    front: str
    context: str | None
    back: str
    state: str
    is_new: bool
    cloze: bool
    due: datetime | None
    reps: int
    lapses: int
    suspended: bool
    buried: bool  # until the next study day
    source_path: str
    source_line: int

    def with_suspended(self, flag: bool) -> BrowseRow:
        return replace(self, suspended=flag)


@dataclass(frozen=True, slots=True)
class BrowseResult:
    rows: list[BrowseRow]
    total: int  # matches before `limit`


def browse_rows(
    db: Store, *, deck: str | None, search: str, now: datetime, limit: int | None = None
) -> BrowseResult:
    """Cards of `deck` (and below; all decks when None) whose front, answer or context
    contain `search`, case-insensitively; retired cards left out, suspended ones kept."""
    with db.read() as conn:
        found = list_cards(conn, deck=deck, search=search.strip() or None)
    rows = [
        BrowseRow(
            id=r.id,
            deck=r.deck,
            front=r.front,
            context=r.context,
            back=r.back or "",
            state=STATE_NAMES.get(r.state, str(r.state)),
            is_new=r.state == NEW,
            cloze=r.kind == "cloze",
            due=r.due,
            reps=r.reps,
            lapses=r.lapses,
            suspended=bool(r.suspended),
            buried=r.buried(now),
            source_path=r.source_path,
            source_line=r.source_line,
        )
        for r in (found if limit is None else found[:limit])
    ]
    return BrowseResult(rows, len(found))


def short_deck(name: str, browsed: str | None) -> list[str]:
    """The deck's parts as the table shows them: below the browsed deck, its path from
    there; otherwise its last two parts (the root is the same for most cards)."""
    if browsed and name.startswith(browsed + DECK_SEP):
        return name[len(browsed) + len(DECK_SEP) :].split(DECK_SEP)
    return name.split(DECK_SEP)[-2:] if browsed is None else name.split(DECK_SEP)[-1:]
