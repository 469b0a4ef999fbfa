"""The card list (`llmcards cards`, the browse screen): one SQL text, built here and run on
whichever connection the caller holds (straight from the file in `cli.browse`, through
SQLAlchemy in `store.queries`), so both list the same cards in the same order."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from llmcards.cards import DECK_SEP, STATE_NAMES
from llmcards.errors import UserError
from llmcards.store.fastread import decode_time
from llmcards.store.unchanged import Query

CARD_STATES = ("new", "learning", "review", "relearning", "due", "suspended", "retired", "all")
_CHUNK = 10_000  # card ids per IN (...) list: SQLite allows 32,766 parameters


class ListedCard(NamedTuple):
    id: int
    deck: str  # full name
    front: str
    back: str
    kind: str
    context: str
    source_path: str
    source_line: int
    state: int  # a CardState, as stored
    due: datetime | None
    reps: int
    lapses: int
    suspended: bool
    retired: bool
    buried_until: datetime | None  # hidden until then (by the learner, or as a sibling)

    def buried(self, now: datetime) -> bool:
        return self.buried_until is not None and self.buried_until > now


_SELECT = (
    "SELECT card.id, deck.name, front, back, kind, context, source_path, source_line, state,"
    " due, reps, lapses, suspended, retired, buried_until, position"
    " FROM card JOIN deck ON deck.id = card.deck_id"
)


def list_cards(
    query: Query,
    *,
    deck: str | None = None,
    search: str | None = None,
    state: str | None = None,
    due_ids: Collection[int] | None = None,
) -> list[ListedCard]:
    """Cards of `deck` (its full name) and below, whose front, back or context hold
    `search` (ASCII letters in any case), in `state`, by deck, file and place in it.
    `state="due"` needs `due_ids`, the cards of today's study queue (the scheduler's one
    definition of due, with limits and buried siblings). Retired cards only when asked."""
    where: list[str] = []
    params: list[object] = []
    if deck:
        prefix = deck + DECK_SEP
        where.append("(deck.name = ? OR substr(deck.name, 1, ?) = ?)")
        params += [deck, len(prefix), prefix]
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            "(" + " OR ".join(f"lower({c}) LIKE lower(?) ESCAPE '\\'" for c in _SEARCHED) + ")"
        )
        params += [pattern] * len(_SEARCHED)
    where += _state_filter(state)
    if state != "due":
        return _rows(query, where, params)
    assert due_ids is not None, "the caller gives the queue's cards"
    wanted = list(due_ids)
    found: list[tuple[ListedCard, int]] = []
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        ids = f"card.id IN ({', '.join('?' * len(chunk))})"
        found += _placed(query, [*where, ids], [*params, *chunk])
    found.sort(key=lambda pair: (pair[0].deck, pair[0].source_path, pair[1]))
    return [card for card, _position in found]


_SEARCHED = ("front", "back", "context")


def _state_filter(state: str | None) -> list[str]:
    if state in (None, ""):
        return ["retired = 0"]
    if state == "retired":
        return ["retired = 1"]
    if state == "suspended":
        return ["retired = 0", "suspended = 1"]
    if state in ("due", "all"):
        return []
    code = {name: value for value, name in STATE_NAMES.items()}.get(state or "")
    if code is None:
        raise UserError(f"unknown state {state!r}; use one of: {', '.join(CARD_STATES)}")
    return ["retired = 0", f"state = {int(code)}"]


def _rows(query: Query, where: list[str], params: list[object]) -> list[ListedCard]:
    return [card for card, _position in _placed(query, where, params)]


def _placed(query: Query, where: list[str], params: list[object]) -> list[tuple[ListedCard, int]]:
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY deck.name, source_path, position"
    return [
        (
            ListedCard._make(
                (
                    *row[:9],
                    decode_time(row[9]),
                    *row[10:12],
                    *map(bool, row[12:14]),
                    decode_time(row[14]),
                )
            ),
            row[15],
        )
        for row in query(sql, tuple(params))
    ]
