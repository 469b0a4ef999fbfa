"""Root decks stored as llmcards spelled them before it spelled deck names as Anki does
(`cards.normal_deck`): `C++ :: STL` from a front matter title, `a::::b ` from a --deck.

A file imported under such a root gets the new spelling as its root when it is imported
again. Cards are matched within their root, so the old root is renamed first: the
import then finds and updates its cards (history kept) instead of making them again.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, or_, select, update

from llmcards.cards import DECK_SEP, normal_deck
from llmcards.store.models import CARD, DECK
from llmcards.store.sources import store_query
from llmcards.store.unchanged import roots_of


def respell_root(conn: Connection, path: str, root: str) -> None:
    """Before the file at `path` (resolved) is stored under `root`: each root it was
    stored under that is `root` spelled otherwise becomes `root`, with all its cards,
    decks and imported files (other files of that root get the same spelling when
    imported again)."""
    for old in roots_of(store_query(conn), path):
        if old != root and normal_deck(old) == root:
            _rename_root(conn, old, root)


def _rename_root(conn: Connection, old: str, new: str) -> None:
    conn.execute(update(CARD).where(CARD.c.root == old).values(root=new))
    decks = conn.execute(
        select(DECK.c.id, DECK.c.name).where(
            or_(DECK.c.name == old, DECK.c.name.startswith(old + DECK_SEP, autoescape=True))
        )
    ).all()
    for deck_id, name in decks:
        respelled = new + name[len(old) :]
        taken = conn.execute(select(DECK.c.id).where(DECK.c.name == respelled)).scalar()
        if taken is None:
            conn.execute(update(DECK).where(DECK.c.id == deck_id).values(name=respelled))
        else:  # the deck exists under the new spelling too: one deck, as Anki would make it
            conn.execute(update(CARD).where(CARD.c.deck_id == deck_id).values(deck_id=taken))
            conn.execute(delete(DECK).where(DECK.c.id == deck_id))
    # A file recorded under both spellings keeps one record (the import rewrites it).
    conn.exec_driver_sql("UPDATE OR REPLACE source SET root = ? WHERE root = ?", (new, old))
