"""Read-side queries: decks, cards, and the card shape scripts see in `--json`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from llmcards.cards import DECK_SEP, find_deck
from llmcards.errors import UserError
from llmcards.store.models import NEW, REVIEW, STATE_NAMES, Card, Deck

CARD = Card.__table__  # type: ignore[attr-defined]
DECK = Deck.__table__  # type: ignore[attr-defined]

CARD_STATES = ("new", "learning", "review", "relearning", "due", "suspended", "retired", "all")


def resolve_deck(conn: Connection, name: str) -> str:
    """A deck's full name from what the user typed: the full path, or its last parts."""
    return find_deck(conn.execute(select(DECK.c.name)).scalars(), name)


def deck_filter(full_name: str) -> Any:
    """Cards in this deck or below it."""
    return or_(
        DECK.c.name == full_name, DECK.c.name.startswith(full_name + DECK_SEP, autoescape=True)
    )


def card_json(row: Any) -> dict[str, object]:
    return {
        "id": row.id,
        "deck": row.deck,
        "front": row.front,
        "back": row.back,
        "kind": row.kind,
        "context": row.context,
        "source": f"{row.source_path}:{row.source_line}",
        "state": STATE_NAMES.get(row.state, str(row.state)),
        "due": row.due.isoformat() if row.due is not None else None,
        "reps": row.reps,
        "lapses": row.lapses,
        "suspended": bool(row.suspended),
        "retired": bool(row.retired),
    }


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


def select_cards() -> Any:
    return select(*CARD_COLUMNS).join(DECK, DECK.c.id == CARD.c.deck_id)


def list_cards(
    conn: Connection,
    *,
    deck: str | None = None,
    search: str | None = None,
    state: str | None = None,
    now: datetime | None = None,
    day_end: datetime | None = None,
) -> list[Any]:
    query = select_cards()
    if deck:
        query = query.where(deck_filter(resolve_deck(conn, deck)))
    if search:
        # autoescape: `%` and `_` in the search are text, not LIKE wildcards
        query = query.where(
            or_(
                CARD.c.front.icontains(search, autoescape=True),
                CARD.c.back.icontains(search, autoescape=True),
                CARD.c.context.icontains(search, autoescape=True),
            )
        )
    if state in (None, ""):
        query = query.where(CARD.c.retired.is_(False))
    elif state == "retired":
        query = query.where(CARD.c.retired.is_(True))
    elif state == "suspended":
        query = query.where(CARD.c.retired.is_(False), CARD.c.suspended.is_(True))
    elif state == "due":
        assert now is not None and day_end is not None
        query = query.where(
            CARD.c.retired.is_(False), CARD.c.suspended.is_(False), is_due(now, day_end)
        )
    elif state == "all":
        pass
    else:
        code = {v: k for k, v in STATE_NAMES.items()}.get(state)
        if code is None:
            raise UserError(f"unknown state {state!r}; use one of: {', '.join(CARD_STATES)}")
        query = query.where(CARD.c.retired.is_(False), CARD.c.state == code)
    return list(conn.execute(query.order_by(DECK.c.name, CARD.c.source_path, CARD.c.position)))


def is_due(now: datetime, day_end: datetime) -> Any:
    """Seen cards due now: learning steps by the clock, day-or-longer intervals by the day."""
    return and_(
        CARD.c.state != NEW,
        CARD.c.due.is_not(None),
        case((CARD.c.state == REVIEW, CARD.c.due < day_end), else_=CARD.c.due <= now),
    )


@dataclass
class DeckCount:
    name: str
    cards: int = 0
    new: int = 0
    learning: int = 0
    due: int = 0

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "cards": self.cards, "new": self.new, "due": self.due}


def deck_counts(conn: Connection, now: datetime, day_end: datetime) -> list[DeckCount]:
    """Each deck with the cards in it and below it; raw counts, before daily limits."""
    active = and_(CARD.c.retired.is_(False))
    studyable = and_(
        active,
        CARD.c.suspended.is_(False),
        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now),
    )
    rows = conn.execute(
        select(
            DECK.c.name,
            func.count(CARD.c.id).filter(active),
            func.count(CARD.c.id).filter(and_(studyable, CARD.c.state == NEW)),
            func.count(CARD.c.id).filter(
                and_(studyable, CARD.c.state != NEW, CARD.c.state != REVIEW, is_due(now, day_end))
            ),
            func.count(CARD.c.id).filter(
                and_(studyable, CARD.c.state == REVIEW, is_due(now, day_end))
            ),
        )
        .select_from(DECK)
        .join(CARD, CARD.c.deck_id == DECK.c.id, isouter=True)
        .group_by(DECK.c.name)
    ).all()
    totals: dict[str, DeckCount] = {}
    own: dict[str, tuple[int, int, int, int]] = {name: tuple(vals) for name, *vals in rows}  # type: ignore[misc]
    for name in own:
        parts = name.split(DECK_SEP)
        for depth in range(1, len(parts) + 1):
            totals.setdefault(DECK_SEP.join(parts[:depth]), DeckCount(DECK_SEP.join(parts[:depth])))
    for name, (cards, new, learning, due) in own.items():
        parts = name.split(DECK_SEP)
        for depth in range(1, len(parts) + 1):
            count = totals[DECK_SEP.join(parts[:depth])]
            count.cards += cards
            count.new += new
            count.learning += learning
            count.due += due
    return [totals[name] for name in sorted(totals) if totals[name].cards]


def children_of(counts: list[DeckCount]) -> dict[str, list[str]]:
    tree: dict[str, list[str]] = defaultdict(list)
    for count in counts:
        parent, _, _ = count.name.rpartition(DECK_SEP)
        tree[parent].append(count.name)
    return tree
