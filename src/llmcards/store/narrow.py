"""A re-import that reads and writes only the cards of a note's changed sections.

`llmcards.importing.reimport` finds the sections of a note that changed since its last import;
the cards of the others are exactly what that import made (migration 0005 keeps it so),
and they only move: their positions and lines shift with one UPDATE. The changed
sections' drafts go through the same matching and writing as a whole re-import
(`sync.write_groups`), against the cards that could take part: the changed sections'
old cards and every card of the root sharing a front with them. The outcome is the
whole re-import's, card for card, as long as no unchanged card shares a key and heading
with a changed one — then `Entangled` names the sections to read as well.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from llmcards.cards import DECK_SEP, CardDraft
from llmcards.store.bulk import ensure_decks
from llmcards.store.identity import Key, Uids
from llmcards.store.matching import Matcher, key_of_draft
from llmcards.store.sqlite import driver_connection
from llmcards.store.sync import EXISTING_COLUMNS, Existing, SyncResult, ranked, write_groups


@dataclass(frozen=True)
class Moved:
    """An unchanged section's cards: `count` from position `old`, now at `new`."""

    old: int
    count: int
    new: int
    lines: int  # added to each card's line


@dataclass
class Narrowed:
    """What changed in a note, in positions of its cards (in note order)."""

    changed: list[tuple[int, int]]  # (first position, count) of each changed old section
    moved: list[Moved]  # every unchanged section, in old order
    drafts: list[tuple[int, list[CardDraft]]]  # per changed section: (first position, drafts)


@dataclass
class Prefetched:
    """The cards a narrowed sync reads before the drafts are known: those of the old
    sections that changed (`ranges`, as `Narrowed.changed`), and every card of the
    root sharing a front with them. Read while a worker still walks the changed
    sections (importing.reimport_ahead); the drafts' fronts are nearly always among
    these, and any that are not are read afterwards. The drafts of each section walked
    can then be matched to them as they come (`match`)."""

    root: str
    source_path: str
    ranges: list[tuple[int, int]]
    changed: dict[int, str]  # id -> front of the changed sections' active cards
    fronts: set[str]
    known_rows: list[Any]  # the cards the drafts can match (see `_sharing`)
    unchanged_rows: list[tuple[Any, ...]]  # the unchanged sections' (see `_sharing`)
    unchanged: _Unchanged  # what is asked of those
    known: Existing | None = None  # of `known_rows`, once a draft is matched
    matcher: Matcher | None = None
    fed: list[tuple[int, list[CardDraft]]] = field(default_factory=list)  # (position, drafts)

    def match(self, at: int, drafts: list[CardDraft], gone: Callable[[str], bool]) -> None:
        """Match the drafts of a section just walked (its first card at position `at`),
        as `narrowed_sync` would once every section is walked (`gone`: as its
        `path_is_gone`)."""
        if self.matcher is None:
            self.known = _existing(self.known_rows, self.root, self.source_path, gone)
            self.matcher = self.known.matcher()
        self.matcher.add(drafts, at)
        self.fed.append((at, drafts))


def prefetch(
    conn: Connection, *, root: str, source_path: str, ranges: list[tuple[int, int]]
) -> Prefetched:
    """What `narrowed_sync` reads of a plan whose `changed` is `ranges`. Writes nothing."""
    changed = _changed_cards(conn, root, source_path, ranges)
    fronts = set(changed.values())
    known_rows, unchanged_rows = _sharing(conn, root, source_path, changed, fronts)
    return Prefetched(
        root,
        source_path,
        ranges,
        changed,
        fronts,
        known_rows,
        unchanged_rows,
        _Unchanged(unchanged_rows),
    )


class _Unchanged:
    """The unchanged sections' cards sharing a front with the changed ones, as a narrowed
    sync asks of them: the drafts cannot match them, but the whole re-import lists its
    groups in order of each key's first appearance, and would match such a card tied
    (same key and heading) to a changed one."""

    __slots__ = ("firsts", "ties")

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.firsts: dict[Key, int] = {}  # key -> its first old position
        self.ties: dict[tuple[Key, str], list[int]] = {}  # (key, heading) -> old positions
        firsts, ties = self.firsts, self.ties
        for context, front, kind, ordinal, heading, old in rows:
            key = (context, front, kind, ordinal)
            ties.setdefault((key, heading), []).append(old)
            if old < firsts.get(key, old + 1):
                firsts[key] = old


class Entangled(Exception):
    """Cards of unchanged sections (their old positions) share a key and heading with
    changed cards: the whole re-import would match them together."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(positions)
        self.positions = positions


def narrowed_sync(
    conn: Connection,
    *,
    root: str,
    source_path: str,
    plan: Narrowed,
    now: datetime,
    path_is_gone: Callable[[str], bool],
    prefetched: Prefetched | None = None,
) -> SyncResult | None:
    """`sync.apply_drafts` for the changed sections only; None when it cannot be
    the same (a card of a gone file could be taken over, or the file's cards are not
    where the sections say). Writes nothing before it knows. `prefetched`: what
    `prefetch` read for the changed sections as first found (used when they are
    these very ones)."""
    if _other_file_gone(conn, root, source_path, path_is_gone):
        return None
    drafts = [d for _at, batch in plan.drafts for d in batch]
    if prefetched is None or (prefetched.root, prefetched.ranges) != (root, plan.changed):
        prefetched = prefetch(conn, root=root, source_path=source_path, ranges=plan.changed)
    changed = prefetched.changed
    known_rows, unchanged = prefetched.known_rows, prefetched.unchanged
    extra = {d.front for d in drafts} - prefetched.fronts
    if extra:  # fronts new to the note, or moved into a changed section
        more_known, more_unchanged = _sharing(conn, root, source_path, changed, extra)
        known_rows = sorted([*known_rows, *more_known], key=lambda row: (row.front, row.id))
        unchanged = _Unchanged(prefetched.unchanged_rows + more_unchanged)
    old_total = sum(m.count for m in plan.moved) + sum(count for _first, count in plan.changed)
    if _outside(conn, root, source_path, old_total):
        return None  # an active card in no section: not what the last import made
    tied = {(key_of_draft(d), DECK_SEP.join(d.heading_path)) for d in drafts}
    tied.update((_key(r), r.heading_path) for r in known_rows if r.id in changed)
    tangled = [old for tie in tied for old in unchanged.ties.get(tie, ())]
    if tangled:
        raise Entangled(tangled)
    # Unchanged sections keep their order (reimport._unchanged), so the first old
    # position of a key is its first new one.
    starts = [m.old for m in plan.moved]
    first: dict[Key, int] = {}  # where each key first appears among unchanged cards
    for key, old in unchanged.firsts.items():
        m = plan.moved[bisect_right(starts, old) - 1]
        first[key] = old - m.old + m.new
    if not extra and _same_batches(prefetched.fed, plan.drafts):
        known = prefetched.known or _existing(known_rows, root, source_path, path_is_gone)
        matcher = prefetched.matcher or known.matcher()
    else:  # matched as they came against other cards, or other drafts: match them now
        known = _existing(known_rows, root, source_path, path_is_gone)
        matcher = known.matcher()
        for at, batch in plan.drafts:
            matcher.add(batch, at)
    groups = matcher.finish()
    # In order of first appearance in the whole file, as the whole re-import has them.
    groups.sort(
        key=lambda group: min(first.get(group[0], group[1][0].position), group[1][0].position)
    )
    deck_ids = ensure_decks(conn, (d.deck for d in drafts))
    _shift(conn, root, source_path, plan.moved)
    uids = Uids(stored=lambda uid: _uid_taken(conn, root, uid))
    return write_groups(conn, known, groups, deck_ids, now, uids)


def _existing(
    rows: list[Any], root: str, source_path: str, gone: Callable[[str], bool]
) -> Existing:
    candidates, takeable = ranked(rows, source_path, gone)
    return Existing(root, source_path, rows, candidates, takeable)


def _same_batches(
    fed: list[tuple[int, list[CardDraft]]], planned: list[tuple[int, list[CardDraft]]]
) -> bool:
    """Whether the drafts matched as they came are the very batches, at the very
    positions, the plan has."""
    return len(fed) == len(planned) and all(
        at == pos and batch is drafts
        for (at, batch), (pos, drafts) in zip(fed, planned, strict=True)
    )


def _key(row: Any) -> Key:
    return (row.context, row.front, row.kind, row.cloze_ord)


def _other_file_gone(
    conn: Connection, root: str, source_path: str, path_is_gone: Callable[[str], bool]
) -> bool:
    """Whether an active card of the root comes from a file that is gone: the whole
    re-import would take such cards over (`sync.existing_cards`, rank 1)."""
    others = conn.exec_driver_sql(
        "SELECT DISTINCT source_path FROM card WHERE source_path != ?", (source_path,)
    ).all()
    for (path,) in others:
        if path_is_gone(path):
            active = conn.exec_driver_sql(
                "SELECT 1 FROM card WHERE source_path = ? AND root = ? AND retired = 0 LIMIT 1",
                (path, root),
            ).first()
            if active is not None:
                return True
    return False


def _fill(conn: Connection, name: str, values: Iterable[object]) -> None:
    """The temporary table `name` holding `values`, for a query's IN to read."""
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {name} (v PRIMARY KEY)")
    conn.exec_driver_sql(f"DELETE FROM temp.{name}")
    rows = [(v,) for v in values]
    if rows:
        conn.exec_driver_sql(f"INSERT INTO temp.{name} VALUES (?)", rows)


# Seeks index ix_card_source_active by position (a test checks the plan).
CHANGED_CARDS_SQL = (
    "SELECT id, front FROM card WHERE source_path = ? AND root = ? AND retired = 0"
    " AND position IN (SELECT v FROM temp.llmcards_positions)"
)


def _changed_cards(
    conn: Connection, root: str, source_path: str, ranges: list[tuple[int, int]]
) -> dict[int, str]:
    """id -> front of the file's active cards in the changed sections."""
    _fill(conn, "llmcards_positions", (p for first, n in ranges for p in range(first, first + n)))
    return dict(conn.exec_driver_sql(CHANGED_CARDS_SQL, (source_path, root)).all())


# `sync.EXISTING_COLUMNS` as plain named tuples, read by the driver without
# SQLAlchemy's rows and type processing.
_Row = namedtuple("_Row", [c.name for c in EXISTING_COLUMNS])  # type: ignore[misc]
_SHARING = "root = ? AND front IN (SELECT v FROM temp.llmcards_fronts)"
_UNCHANGED = (
    f"{_SHARING} AND source_path = ? AND retired = 0"
    " AND id NOT IN (SELECT v FROM temp.llmcards_changed)"
)
_KNOWN_SQL = (
    f"SELECT {', '.join(_Row._fields)} FROM card WHERE {_SHARING}"
    " AND (source_path != ? OR retired != 0 OR id IN (SELECT v FROM temp.llmcards_changed))"
    " ORDER BY front, id"
)
_UNCHANGED_SQL = (
    f"SELECT context, front, kind, cloze_ord, heading_path, position FROM card WHERE {_UNCHANGED}"
)
_OUTSIDE_SQL = (
    "SELECT 1 FROM card WHERE source_path = ? AND root = ? AND retired = 0"
    " AND (position < 0 OR position >= ?) LIMIT 1"
)


def _sharing(
    conn: Connection, root: str, source_path: str, changed: dict[int, str], fronts: set[str]
) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """The root's cards with one of `fronts`: those the drafts can match (of other
    files, retired, or `changed`), in full and in `sync.existing_cards`' order; and
    those of the unchanged sections, as (context, front, kind, cloze_ord,
    heading_path, position)."""
    _fill(conn, "llmcards_changed", changed)
    _fill(conn, "llmcards_fronts", sorted(fronts))
    driver = driver_connection(conn)
    # `retired` comes as 0/1, not bool: the sync only tests it for truth.
    known = list(map(_Row._make, driver.execute(_KNOWN_SQL, (root, source_path))))
    return known, driver.execute(_UNCHANGED_SQL, (root, source_path)).fetchall()


def _outside(conn: Connection, root: str, source_path: str, total: int) -> bool:
    """Whether an active card of the file lies outside the positions its sections hold."""
    found = driver_connection(conn).execute(_OUTSIDE_SQL, (source_path, root, total))
    return found.fetchone() is not None


def _shift(conn: Connection, root: str, source_path: str, moved: list[Moved]) -> None:
    """Move the unchanged sections' cards to their new positions and lines, at once."""
    runs: list[list[int]] = []  # [first old position, last, position shift, line shift]
    for m in moved:
        if m.count == 0 or (m.new == m.old and m.lines == 0):
            continue
        shift = m.new - m.old
        last = runs[-1] if runs else None
        if last and last[1] + 1 == m.old and last[2] == shift and last[3] == m.lines:
            last[1] = m.old + m.count - 1
        else:
            runs.append([m.old, m.old + m.count - 1, shift, m.lines])
    if not runs:
        return
    conn.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS llmcards_shift"
        " (a INTEGER PRIMARY KEY, b INTEGER, dp INTEGER, dl INTEGER)"
    )
    conn.exec_driver_sql("DELETE FROM temp.llmcards_shift")
    conn.exec_driver_sql(
        "INSERT INTO temp.llmcards_shift VALUES (?, ?, ?, ?)", [tuple(run) for run in runs]
    )
    # Each card's run: the last one starting at or before it (runs do not overlap).
    run = "(SELECT {} FROM temp.llmcards_shift WHERE a <= card.position ORDER BY a DESC LIMIT 1)"
    conn.exec_driver_sql(
        "UPDATE card SET position = position + "
        + run.format("dp")
        + ", source_line = source_line + "
        + run.format("dl")
        + " WHERE source_path = ? AND root = ? AND retired = 0 AND position >= ?"
        + " AND position <= "
        + run.format("b"),
        (source_path, root, runs[0][0]),
    )


def _uid_taken(conn: Connection, root: str, uid: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM card WHERE uid = ? AND root = ? LIMIT 1", (uid, root)
    ).first()
    return found is not None
