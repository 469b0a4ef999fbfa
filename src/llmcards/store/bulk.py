"""Bulk writes of an import at the driver level: updating thousands of cards and creating
the decks they name. SQLAlchemy's per-row parameter handling cost more than SQLite's own
work on a 100k-card import, so these go through `exec_driver_sql` with values converted
exactly as the column types would convert them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from operator import itemgetter

from sqlalchemy import Connection, Update, bindparam, update

from llmcards.cards import deck_name
from llmcards.store.models import CARD


def apply_updates(conn: Connection, updates: list[dict[str, object]]) -> None:
    """One executemany per set of changed columns. After an edit near the top of a
    file every later card's position moves, so this can be every card of the file."""
    groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for change in updates:
        groups[tuple(sorted(change))].append(change)
    for columns, batch in groups.items():
        names = [c for c in columns if c != "_id"]
        stmt = (
            update(CARD)
            .where(CARD.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in names})
        )
        _executemany(conn, stmt, list(columns), batch)


def _executemany(
    conn: Connection, stmt: Update, keys: list[str], rows: list[dict[str, object]]
) -> None:
    """Run `stmt` for every row: values go through each column type's bind processor
    (so the dialect stores them as it always does) and then straight to the driver's
    executemany, skipping SQLAlchemy's per-row parameter handling, which dominated
    large imports. Only columns whose type has a processor are converted."""
    dialect = conn.dialect
    compiled = stmt.compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup or ())
    getter = itemgetter(*order)
    converting: list[tuple[int, Callable[[object], object]]] = []
    for index, name in enumerate(order):
        column = CARD.c["id" if name == "_id" else name]
        processor = column.type._cached_bind_processor(dialect)
        if processor is not None:
            converting.append((index, processor))
    cache: dict[tuple[int, object], object] = {}

    def convert(row: dict[str, object]) -> tuple[object, ...]:
        values = getter(row)
        if not isinstance(values, tuple):
            values = (values,)
        if not converting:
            return values
        out = list(values)
        for index, processor in converting:
            value = out[index]
            if value is None:
                continue
            if isinstance(value, (bool, datetime)):  # few distinct values: convert once
                key = (index, value)
                if key not in cache:
                    cache[key] = processor(value)
                out[index] = cache[key]
            else:
                out[index] = processor(value)
        return tuple(out)

    conn.exec_driver_sql(str(compiled), [convert(row) for row in rows])


def ensure_decks(conn: Connection, paths: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """Deck ids for these paths, creating missing decks (and their parents) in the order
    the paths first name them: importing a file in pieces makes the same ids."""
    paths = list(dict.fromkeys(paths))
    wanted = list(
        dict.fromkeys(
            deck_name(path[:depth]) for path in paths for depth in range(1, len(path) + 1)
        )
    )
    existing = _deck_ids(conn, wanted)
    missing = [name for name in wanted if name not in existing]
    if missing:
        # Driver-level SQL: a large note names thousands of decks, and SQLAlchemy's
        # per-row handling of them cost more than the inserts (~0.1 s on 100k bullets).
        conn.exec_driver_sql("INSERT INTO deck (name) VALUES (?)", [(name,) for name in missing])
        existing.update(_deck_ids(conn, missing))
    return {path: existing[deck_name(path)] for path in paths}


def _deck_ids(conn: Connection, names: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(names), MAX_VARIABLES):
        chunk = names[start : start + MAX_VARIABLES]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.exec_driver_sql(
                f"SELECT name, id FROM deck WHERE name IN ({marks})", tuple(chunk)
            ).all()
        )
    return found


MAX_VARIABLES = 500  # bound parameters per statement, well below SQLite's limit
