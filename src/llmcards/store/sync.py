"""Bring one file's card drafts into the database without losing review history.

A card is matched by (root deck, group context, front, kind, cloze ord). Among cards
sharing that key, the heading path and then the order tell them apart. Cards of the
file that match no draft are retired (kept with their history), never deleted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from sqlalchemy import Connection, Executable, bindparam, select, update

from llmcards.cards import DECK_SEP, CardDraft, deck_name
from llmcards.store.identity import Key, new_uid
from llmcards.store.models import Card
from llmcards.store.new_cards import NewCardRows

CARD = Card.__table__  # type: ignore[attr-defined]


@dataclass
class SyncResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    retired_fronts: list[str] = field(default_factory=list)
    new_drafts: list[CardDraft] = field(default_factory=list)
    updated_drafts: list[CardDraft] = field(default_factory=list)


def _key_of_draft(d: CardDraft) -> Key:
    return (d.context, d.front, d.kind, d.cloze_ord)


_EXISTING_COLUMNS = (
    CARD.c.id,
    CARD.c.uid,
    CARD.c.context,
    CARD.c.front,
    CARD.c.kind,
    CARD.c.cloze_ord,
    CARD.c.heading_path,
    CARD.c.source_path,
    CARD.c.retired,
    CARD.c.deck_id,
    CARD.c.back,
    CARD.c.cloze_text,
    CARD.c.source_line,
    CARD.c.position,
    CARD.c.note_uid,
)


def sync_file(
    conn: Connection,
    *,
    root: str,
    source_path: str,
    drafts: Sequence[CardDraft],
    now: datetime,
    path_is_gone: Callable[[str], bool] = lambda _p: False,
) -> SyncResult:
    """Apply `drafts` (all cards of one file, in note order) inside the caller's transaction.

    Cards of `root` that came from another file are taken over only when that file is
    gone (`path_is_gone`): that is how a renamed or moved file keeps its history.
    """
    known = existing_cards(conn, root=root, source_path=source_path, path_is_gone=path_is_gone)
    return apply_drafts(conn, known, drafts=drafts, now=now)


@dataclass
class Existing:
    """What a file's drafts can match: read first, so an import reads it while the
    file is still being parsed. Valid until the transaction writes to the root."""

    root: str
    source_path: str
    rows: list  # every card of the root, retired ones too
    candidates: dict[Key, list[tuple[int, object]]]  # by key: (rank, row), rank 0 best


def existing_cards(
    conn: Connection,
    *,
    root: str,
    source_path: str,
    path_is_gone: Callable[[str], bool] = lambda _p: False,
) -> Existing:
    rows = conn.execute(select(*_EXISTING_COLUMNS).where(CARD.c.root == root)).all()
    candidates: dict[Key, list[tuple[int, object]]] = defaultdict(list)
    gone_cache: dict[str, bool] = {}
    for row in rows:
        if row.source_path == source_path:
            rank = 0 if not row.retired else 2
        elif row.retired:
            continue
        else:
            gone = gone_cache.get(row.source_path)
            if gone is None:
                gone = gone_cache[row.source_path] = path_is_gone(row.source_path)
            if not gone:
                continue
            rank = 1
        candidates[(row.context, row.front, row.kind, row.cloze_ord)].append((rank, row))
    return Existing(root, source_path, rows, candidates)


def apply_drafts(
    conn: Connection, known: Existing, *, drafts: Sequence[CardDraft], now: datetime
) -> SyncResult:
    """`sync_file` once `existing_cards` was read (`known`)."""
    result = SyncResult()
    root, source_path, rows, candidates = (
        known.root,
        known.source_path,
        known.rows,
        known.candidates,
    )
    deck_ids = ensure_decks(conn, (d.deck for d in drafts))
    by_key: dict[Key, list[tuple[int, CardDraft]]] = defaultdict(list)
    for position, draft in enumerate(drafts):
        by_key[_key_of_draft(draft)].append((position, draft))

    matched_ids: set[int] = set()
    new_rows = NewCardRows(conn, root=root, source_path=source_path, now=now)
    updates: list[dict[str, object]] = []
    note_uids: dict[tuple[str, int], str] = {}  # (cloze_text, line) -> note uid of siblings
    taken_uids: set[str] = {row.uid for row in rows}
    for key, group in by_key.items():
        pairs = _pair(group, sorted(candidates.get(key, ()), key=lambda c: c[0]))
        for (position, draft), existing in pairs:
            heading = DECK_SEP.join(draft.heading_path)
            if existing is None:
                uid = new_uid(root, key, heading, taken_uids)
                if draft.kind == "cloze":
                    note_uid = note_uids.setdefault((draft.cloze_text, draft.line), uid)
                else:
                    note_uid = uid
                new_rows.add(
                    draft,
                    uid=uid,
                    note_uid=note_uid,
                    deck_id=deck_ids[draft.deck],
                    heading=heading,
                    position=position,
                )
                result.new += 1
                result.new_drafts.append(draft)
                continue
            values = {
                "deck_id": deck_ids[draft.deck],
                "back": draft.back,
                "cloze_text": draft.cloze_text,
                "heading_path": heading,
                "source_path": source_path,
                "source_line": draft.line,
                "position": position,
            }
            matched_ids.add(existing.id)  # type: ignore[attr-defined]
            if draft.kind == "cloze":
                note_uids.setdefault((draft.cloze_text, draft.line), existing.note_uid)  # type: ignore[attr-defined]
            meaningful = (
                existing.back != draft.back  # type: ignore[attr-defined]
                or existing.deck_id != values["deck_id"]  # type: ignore[attr-defined]
                or existing.cloze_text != draft.cloze_text  # type: ignore[attr-defined]
                or existing.retired  # type: ignore[attr-defined]
                or existing.source_path != source_path  # type: ignore[attr-defined]
            )
            cosmetic = (
                existing.source_line != draft.line  # type: ignore[attr-defined]
                or existing.position != position  # type: ignore[attr-defined]
                or existing.heading_path != heading  # type: ignore[attr-defined]
            )
            if meaningful or cosmetic:
                if meaningful:
                    change = {**values, "_id": existing.id}  # type: ignore[attr-defined]
                else:
                    # Only where the card sits moved (an edit above it shifts every
                    # later position): leaving the indexed deck_id/source_path out of
                    # the SET spares SQLite their index upkeep for each such card.
                    change = {
                        "_id": existing.id,  # type: ignore[attr-defined]
                        "source_line": draft.line,
                        "position": position,
                        "heading_path": heading,
                    }
                if meaningful:
                    change["updated_at"] = now
                    change["retired"] = False
                    change["retired_at"] = None
                    result.updated += 1
                    result.updated_drafts.append(draft)
                else:
                    result.unchanged += 1
                updates.append(change)
            else:
                result.unchanged += 1

    _apply_updates(conn, updates)
    new_rows.insert(conn)
    to_retire = [
        r
        for r in rows
        if r.source_path == source_path and not r.retired and r.id not in matched_ids
    ]
    if to_retire:
        conn.execute(
            update(CARD)
            .where(CARD.c.id.in_([r.id for r in to_retire]))
            .values(retired=True, retired_at=now, updated_at=now)
        )
        result.retired = len(to_retire)
        result.retired_fronts = [r.front for r in to_retire]
    return result


def _pair(
    drafts: list[tuple[int, CardDraft]], existing: list[tuple[int, object]]
) -> list[tuple[tuple[int, CardDraft], object | None]]:
    """Match drafts sharing one key with existing cards: same heading first, then order."""
    if not existing:
        return [(d, None) for d in drafts]
    pool = [row for _rank, row in existing]
    out: list[tuple[tuple[int, CardDraft], object | None]] = []
    unmatched: list[tuple[int, CardDraft]] = []
    for item in drafts:
        heading = DECK_SEP.join(item[1].heading_path)
        hit = next((row for row in pool if row.heading_path == heading), None)  # type: ignore[attr-defined]
        if hit is None:
            unmatched.append(item)
            continue
        pool.remove(hit)
        out.append((item, hit))
    for item in unmatched:
        out.append((item, pool.pop(0) if pool else None))
    out.sort(key=lambda pair: pair[0][0])
    return out


def _apply_updates(conn: Connection, updates: list[dict[str, object]]) -> None:
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
    conn: Connection, stmt: Executable, keys: list[str], rows: list[dict[str, object]]
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
    for start in range(0, len(names), _MAX_VARIABLES):
        chunk = names[start : start + _MAX_VARIABLES]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.exec_driver_sql(
                f"SELECT name, id FROM deck WHERE name IN ({marks})", tuple(chunk)
            ).all()
        )
    return found


_MAX_VARIABLES = 500  # bound parameters per statement, well below SQLite's limit
