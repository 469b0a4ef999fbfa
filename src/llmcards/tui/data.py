"""What the home screen shows, read from the database in one go. No Textual here:
these functions run on worker threads and hand back plain values."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from llmcards.cards import DECK_SEP
from llmcards.config import Settings
from llmcards.scheduling.deck_list import limited_counts
from llmcards.scheduling.queue_sql import SqlQueueReads
from llmcards.stats.streak import study_streak
from llmcards.store.queries import deck_counts
from llmcards.store.reads import next_due_by_deck, roots_under
from llmcards.tui.home_rows import DeckRow, HomeData

if TYPE_CHECKING:
    from llmcards.store.db import Connection


def load_home(
    conn: Connection,
    now: datetime,
    rollover_hour: int,
    bundled_dir: Path | None = None,
    settings: Settings | None = None,
) -> HomeData:
    counts = limited_counts(
        SqlQueueReads(conn), deck_counts(conn), now=now, settings=settings or Settings()
    )
    idle = [c.name for c in counts if not (c.new or c.learning or c.due)]
    next_due = next_due_by_deck(conn, idle, now) if idle else {}
    bundled = roots_under(conn, bundled_dir) if bundled_dir else set()
    rows = tuple(
        DeckRow(
            name=c.name,
            new=c.new,
            learning=c.learning,
            due=c.due,
            next_due=next_due.get(c.name),
            bundled=DECK_SEP not in c.name and c.name in bundled,
        )
        for c in counts
    )
    return HomeData(
        now=now,
        decks=rows,
        streak=study_streak(conn, now, rollover_hour),
        rollover_hour=rollover_hour,
    )
