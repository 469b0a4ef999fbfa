"""Read-side queries: decks, cards, and the card shape scripts see in `--json`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, CursorResult, or_, select

from llmcards.cards import DECK_SEP, find_deck
from llmcards.store import card_list
from llmcards.store.card_list import ListedCard
from llmcards.store.deck_counts import DECK_CARDS_SQL, DeckCount, rolled_up
from llmcards.store.models import CARD, DECK


def resolve_deck(conn: Connection, name: str) -> str:
    """A deck's full name from what the user typed: the full path, or its last parts."""
    return find_deck(conn.execute(select(DECK.c.name)).scalars(), name)


def deck_filter(full_name: str) -> Any:
    """Cards in this deck or below it."""
    return or_(
        DECK.c.name == full_name, DECK.c.name.startswith(full_name + DECK_SEP, autoescape=True)
    )


CARD_COLUMNS = (
    CARD.c.id,
    DECK.c.name.label("deck"),
    CARD.c.front,
    CARD.c.back,
    CARD.c.kind,
    CARD.c.context,
    CARD.c.source_path,
    CARD.c.source_line,
    CARD.c.state,
    CARD.c.due,
    CARD.c.reps,
    CARD.c.lapses,
    CARD.c.suspended,
    CARD.c.retired,
)


def inserted_id(result: CursorResult[Any]) -> int:
    """The id SQLite gave the row an INSERT just wrote."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


# The columns a rating reads beside CARD_COLUMNS (for rating previews).
SCHEDULE_COLUMNS = (CARD.c.step, CARD.c.stability, CARD.c.difficulty, CARD.c.last_review)


def select_cards(*extra: Any) -> Any:
    return select(*CARD_COLUMNS, *extra).join(DECK, DECK.c.id == CARD.c.deck_id)


def list_cards(
    conn: Connection,
    *,
    deck: str | None = None,
    search: str | None = None,
    state: str | None = None,
    due_ids: Collection[int] | None = None,
) -> list[ListedCard]:
    """`card_list.list_cards` through SQLAlchemy, `deck` as the user typed it."""
    from llmcards.store.sources import store_query

    return card_list.list_cards(
        store_query(conn),
        deck=resolve_deck(conn, deck) if deck else None,
        search=search,
        state=state,
        due_ids=due_ids,
    )


def deck_counts(conn: Connection) -> list[DeckCount]:
    """Each deck with the cards in it and below it (not retired): `deck_counts.rolled_up`."""
    return rolled_up(conn.exec_driver_sql(DECK_CARDS_SQL).all())


def still_active(conn: Connection, card_ids: list[int]) -> set[int]:
    """Those of `card_ids` that are not retired."""
    from llmcards.store.bulk import MAX_VARIABLES

    found: set[int] = set()
    for start in range(0, len(card_ids), MAX_VARIABLES):
        chunk = card_ids[start : start + MAX_VARIABLES]
        found.update(
            conn.execute(
                select(CARD.c.id).where(CARD.c.id.in_(chunk), CARD.c.retired.is_(False))
            ).scalars()
        )
    return found
