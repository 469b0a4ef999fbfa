"""Bring one file's card drafts into the database without losing review history.

A card is matched by (root deck, group context, front, kind, cloze ord). Among cards
sharing that key, the heading path and then the order tell them apart. What is left
over on both sides is paired (`store.pairing`: a front fixed, a context changed) before
anything is retired. Cards of the file that are still unmatched are retired (kept with
their history), never deleted; a bullet moved to another file of the root keeps its
card whichever file is imported first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from llmcards.cards import CONTEXT_SEP, DECK_SEP, CardDraft
from llmcards.store import pairing
from llmcards.store.bulk import apply_updates, ensure_decks
from llmcards.store.identity import Key, Uids
from llmcards.store.matching import Matcher, Slot
from llmcards.store.models import CARD
from llmcards.store.moved import moved_elsewhere
from llmcards.store.new_cards import NewCardRows


@dataclass
class SyncResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    retired_fronts: list[str] = field(default_factory=list)
    retired_ids: list[int] = field(default_factory=list)  # for `llmcards relink OLD NEW`
    new_drafts: list[CardDraft] = field(default_factory=list)
    updated_drafts: list[CardDraft] = field(default_factory=list)
    # Cards that kept their history through a front, context or file change: (old, new)
    kept: list[tuple[str, str]] = field(default_factory=list)
    # Lines of drafts whose equal cards (same key and heading) would be handed out in
    # another order by the next import of the same text (see `unsettled_lines`).
    unsettled: set[int] = field(default_factory=set)
    # Cards of other files of the root that a card leaving this file replaced (the bullet
    # moved there; see `moved`): (source path, line, context, front, cloze ord) of each.
    replaced: list[tuple[str, int, str, str, int]] = field(default_factory=list)


def card_label(context: str, front: str) -> str:
    """A card as the summary names it: its context, when it has one, then its front."""
    return f"{context}{CONTEXT_SEP}{front}" if context else front


EXISTING_COLUMNS = (
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
    CARD.c.reps,
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
    rows: Sequence[Any]  # every card of the root, retired ones too
    candidates: dict[Key, list[tuple[int, Any]]]  # by key: (rank, row), rank 0 best
    # Active cards this import may retire or pair: the file's own and those of gone files.
    takeable: list[Any] = field(default_factory=list)

    def matcher(self) -> Matcher:
        """Where this file's drafts are matched to these cards, batch by batch."""
        return Matcher(self.candidates)


def existing_cards(
    conn: Connection,
    *,
    root: str,
    source_path: str,
    path_is_gone: Callable[[str], bool] = lambda _p: False,
) -> Existing:
    """Ranks: 0 the file's own card, 1 a card of a file that is gone (renamed or moved),
    2 a card the file retired before (a front restored), 3 a card another file of the
    root retired (a bullet moved between files)."""
    # By front then id, as the (root, front) index holds them: a re-import that reads
    # only some fronts (llmcards.importing.reimport) reads them in the same order.
    rows = conn.execute(
        select(*EXISTING_COLUMNS).where(CARD.c.root == root).order_by(CARD.c.front, CARD.c.id)
    ).all()
    candidates, takeable = ranked(rows, source_path, path_is_gone)
    return Existing(root, source_path, rows, candidates, takeable)


def ranked(
    rows: Sequence[Any], source_path: str, path_is_gone: Callable[[str], bool]
) -> tuple[dict[Key, list[tuple[int, Any]]], list[Any]]:
    """The cards a file's drafts can match, by key and rank (see `existing_cards`), and
    those its import may retire or pair."""
    candidates: dict[Key, list[tuple[int, Any]]] = defaultdict(list)
    takeable = []
    gone_cache: dict[str, bool] = {}
    for row in rows:
        if row.source_path == source_path:
            rank = 0 if not row.retired else 2
        elif row.retired:
            rank = 3
        else:
            gone = gone_cache.get(row.source_path)
            if gone is None:
                gone = gone_cache[row.source_path] = path_is_gone(row.source_path)
            if not gone:
                continue
            rank = 1
        if rank < 2:
            takeable.append(row)
        candidates[(row.context, row.front, row.kind, row.cloze_ord)].append((rank, row))
    return candidates, takeable


def apply_drafts(
    conn: Connection,
    known: Existing,
    *,
    drafts: Sequence[CardDraft],
    now: datetime,
    matcher: Matcher | None = None,
) -> SyncResult:
    """`sync_file` once `existing_cards` was read (`known`): match drafts to cards by key,
    pair what is left over (front edits, new contexts), write, then retire the rest.
    `matcher`: `known.matcher()` that every draft was already added to, batch by batch
    while the file was parsed."""
    deck_ids = ensure_decks(conn, (d.deck for d in drafts))
    if matcher is None:
        matcher = known.matcher()
        matcher.add(drafts)
    return write_groups(conn, known, matcher.finish(), deck_ids, now)


def write_groups(
    conn: Connection,
    known: Existing,
    groups: list[tuple[Key, list[Slot]]],
    deck_ids: dict[tuple[str, ...], int],
    now: datetime,
    uids: Uids | None = None,
) -> SyncResult:
    """The rest of `apply_drafts` once the drafts are matched by key (`groups`, in order
    of first appearance in the file). `uids`: the uids in use, when `known` does not
    hold every card of the root."""
    _pair_leftovers(known, groups, deck_ids)
    result = SyncResult()
    if uids is None:
        uids = Uids(row.uid for row in known.rows)
    matched_ids = _write(conn, known, groups, deck_ids, now, result, uids)
    _retire_unmatched(conn, known, matched_ids, now, result)
    result.unsettled = unsettled_lines(groups)
    return result


def unsettled_lines(groups: list[tuple[Key, list[Slot]]]) -> set[int]:
    """Lines of the drafts whose cards the next import of the same text could hand out
    differently: that import gives the drafts of one key and heading the cards of that
    key and heading in id order, so their ids must rise in note order. (A new card's id
    is larger than every stored one, and new cards are inserted in note order.)"""
    unsettled: set[int] = set()
    for _key, slots in groups:
        if len(slots) < 2:
            continue
        last: dict[str, tuple[int, int]] = {}
        for slot in slots:
            order = (0, slot.row.id) if slot.row is not None else (1, slot.position)
            heading = DECK_SEP.join(slot.draft.heading_path)
            before = last.get(heading)
            if before is not None and before >= order:
                unsettled.update(
                    s.draft.line for s in slots if DECK_SEP.join(s.draft.heading_path) == heading
                )
            last[heading] = order
    return unsettled


def _pair_leftovers(
    known: Existing, groups: list[tuple[Key, list[Slot]]], deck_ids: dict[tuple[str, ...], int]
) -> None:
    """Pair the would-be-new drafts with the would-be-retired cards (`store.pairing`)."""
    new = [slot for _key, slots in groups for slot in slots if slot.row is None]
    if not new:  # the usual re-import: every draft is a card already
        return
    matched = {slot.row.id for _key, slots in groups for slot in slots if slot.row is not None}
    old = [row for row in known.takeable if row.id not in matched]
    old += _retired_elsewhere(known, new, matched)
    if not old:
        return
    pairs = pairing.pair(
        [
            pairing.Side(
                r.front,
                pairing.own_context(r.context, r.heading_path.rpartition(DECK_SEP)[2]),
                r.kind,
                r.cloze_ord,
                r.deck_id,
                r.back,
                r.source_line,
                r.position,
            )
            for r in old
        ],
        [
            pairing.Side(
                s.draft.front,
                pairing.own_context(s.draft.context, s.draft.heading_path[-1:]),
                s.draft.kind,
                s.draft.cloze_ord,
                deck_ids[s.draft.deck],
                s.draft.back,
                s.draft.line,
                s.position,
            )
            for s in new
        ],
    )
    for i, j in pairs:
        new[j].row, new[j].kept = old[i], True


def _retired_elsewhere(known: Existing, new: list[Slot], matched: set[int]) -> list[Any]:
    """Cards another file of the root retired with the front of a would-be-new draft: a
    bullet moved between files whose context changed on the way (a short front takes its
    heading as context), which pairing rule 1 (same front in the root) finds again. The
    answer must be the same too: `作用` under another heading is another card."""
    wanted = {(s.draft.front, s.draft.kind, s.draft.cloze_ord, s.draft.back) for s in new}
    return [
        row
        for row in known.rows
        if row.retired
        and row.source_path != known.source_path
        and row.id not in matched
        and (row.front, row.kind, row.cloze_ord, row.back) in wanted
    ]


def _write(
    conn: Connection,
    known: Existing,
    groups: list[tuple[Key, list[Slot]]],
    deck_ids: dict[tuple[str, ...], int],
    now: datetime,
    result: SyncResult,
    uids: Uids,
) -> set[int]:
    """Insert new cards and update matched ones; the ids of the cards the drafts are."""
    root, source_path = known.root, known.source_path
    matched_ids: set[int] = set()
    new_rows = NewCardRows(conn, root=root, source_path=source_path, now=now)
    updates: list[dict[str, object]] = []
    note_uids: dict[tuple[str, int], str] = {}  # (cloze_text, line) -> note uid of siblings
    for key, slots in groups:
        for slot in slots:
            position, draft, existing = slot.position, slot.draft, slot.row
            heading = DECK_SEP.join(draft.heading_path)
            if existing is None:
                uid = uids.new(root, key, heading)
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
            matched_ids.add(existing.id)
            if draft.kind == "cloze":
                note_uids.setdefault((draft.cloze_text, draft.line), existing.note_uid)
            change, meaningful = _change(
                existing, draft, source_path, deck_ids[draft.deck], heading, position, slot.kept
            )
            if slot.kept:
                result.kept.append(
                    (
                        card_label(existing.context, existing.front),
                        card_label(draft.context, draft.front),
                    )
                )
            if meaningful:
                change["updated_at"] = now
                result.updated += 1
                result.updated_drafts.append(draft)
            else:
                result.unchanged += 1
            if change:
                change["_id"] = existing.id
                updates.append(change)
    apply_updates(conn, updates)
    new_rows.insert(conn)
    return matched_ids


def _change(
    existing: Any,
    draft: CardDraft,
    source_path: str,
    deck_id: int,
    heading: str,
    position: int,
    kept: bool,
) -> tuple[dict[str, object], bool]:
    """The columns to set on the stored card a draft is ({} when nothing moved), and
    whether the change is meaningful (counted as "updated") or only where it sits."""
    meaningful = (
        kept
        or existing.back != draft.back
        or existing.deck_id != deck_id
        or existing.cloze_text != draft.cloze_text
        or existing.retired
        or existing.source_path != source_path
    )
    if meaningful:
        change: dict[str, object] = {
            "deck_id": deck_id,
            "back": draft.back,
            "cloze_text": draft.cloze_text,
            "heading_path": heading,
            "source_path": source_path,
            "source_line": draft.line,
            "position": position,
            "retired": False,
            "retired_at": None,
        }
        if kept:  # the card keeps its row (id, uid, history); what it says is the draft's
            change.update(front=draft.front, context=draft.context)
        return change, True
    if (
        existing.source_line != draft.line
        or existing.position != position
        or existing.heading_path != heading
    ):
        # Only where the card sits moved (an edit above it shifts every later
        # position): leaving the indexed deck_id/source_path out of the SET spares
        # SQLite their index upkeep for each such card.
        return {"source_line": draft.line, "position": position, "heading_path": heading}, False
    return {}, False


def _synced(conn: Connection, card_ids: list[int]) -> set[int]:
    """Those of `card_ids` a sync has put on the server (its mirror holds them)."""
    if not card_ids:
        return set()
    return set(
        conn.execute(
            select(CARD.c.id).where(CARD.c.id.in_(card_ids), CARD.c.anki_suspended.is_not(None))
        ).scalars()
    )


def _retire_unmatched(
    conn: Connection, known: Existing, matched_ids: set[int], now: datetime, result: SyncResult
) -> None:
    """Retire the file's cards no draft turned out to be (kept with their history). One
    that another file of the root now holds as a card with no history of its own (the
    bullet moved there, and that file was imported first) takes that card's place."""
    to_retire = [
        r
        for r in known.rows
        if r.source_path == known.source_path and not r.retired and r.id not in matched_ids
    ]
    if not to_retire:
        return
    moved = moved_elsewhere(conn, known, to_retire)
    synced = _synced(conn, [elsewhere.id for _old, elsewhere in moved])
    for old, elsewhere in moved:
        if elsewhere.id in synced and elsewhere.kind == "basic":
            # Its note went to the sync server already: deleted here, the next sync would
            # bring that note back as a second card. Retired, it is suspended there.
            conn.execute(
                update(CARD)
                .where(CARD.c.id == elsewhere.id)
                .values(retired=True, retired_at=now, updated_at=now)
            )
        else:
            conn.execute(delete(CARD).where(CARD.c.id == elsewhere.id))
        conn.execute(
            update(CARD)
            .where(CARD.c.id == old.id)
            .values(
                deck_id=elsewhere.deck_id,
                context=elsewhere.context,
                back=elsewhere.back,
                cloze_text=elsewhere.cloze_text,
                heading_path=elsewhere.heading_path,
                source_path=elsewhere.source_path,
                source_line=elsewhere.source_line,
                position=elsewhere.position,
                note_uid=elsewhere.note_uid,
                updated_at=now,
            )
        )
        result.kept.append(
            (card_label(old.context, old.front), card_label(elsewhere.context, elsewhere.front))
        )
        result.replaced.append(
            (
                elsewhere.source_path,
                elsewhere.source_line,
                elsewhere.context,
                elsewhere.front,
                elsewhere.cloze_ord,
            )
        )
    adopted = {old.id for old, _elsewhere in moved}
    to_retire = [r for r in to_retire if r.id not in adopted]
    if to_retire:
        conn.execute(
            update(CARD)
            .where(CARD.c.id.in_([r.id for r in to_retire]))
            .values(retired=True, retired_at=now, updated_at=now)
        )
        result.retired = len(to_retire)
        result.retired_fronts = [r.front for r in to_retire]
        result.retired_ids = [r.id for r in to_retire]
