"""How many cards each deck holds, itself and below: one SQL statement, read through
SQLAlchemy (`queries.deck_counts`) or straight from the SQLite file (`fastread`), and
one roll-up of its rows up the deck tree. Free of SQLAlchemy, so `llmcards decks` can
answer without loading it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from llmcards.cards import DECK_SEP

# Each deck's own cards that are not retired (decks with none too).
DECK_CARDS_SQL = (
    "SELECT deck.name, count(card.id) FILTER (WHERE card.retired = 0)"
    " FROM deck LEFT OUTER JOIN card ON card.deck_id = deck.id GROUP BY deck.name"
)


@dataclass
class DeckCount:
    name: str
    cards: int = 0
    new: int = 0
    learning: int = 0
    due: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "cards": self.cards,
            "new": self.new,
            "learning": self.learning,
            "due": self.due,
        }


def rolled_up(rows: Iterable[tuple[str, int]]) -> list[DeckCount]:
    """Each deck with the cards in it and below it, from `DECK_CARDS_SQL`'s rows; decks
    with none left out. What is due in each comes from the study queue:
    `scheduling.deck_list.limited_counts`."""
    own = {name: int(cards) for name, cards in rows}
    totals: dict[str, DeckCount] = {}
    for name, cards in own.items():
        parts = name.split(DECK_SEP)
        for depth in range(1, len(parts) + 1):
            path = DECK_SEP.join(parts[:depth])
            totals.setdefault(path, DeckCount(path)).cards += cards
    return [totals[name] for name in sorted(totals) if totals[name].cards]
