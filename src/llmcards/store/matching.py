"""Matching a file's drafts to its stored cards by key, one batch at a time.

A re-import reads the stored cards while the notes are still being parsed (in a worker,
`parse_ahead`); matching each batch of drafts as it arrives moves that work into the
time the importer would otherwise spend waiting for the parse, instead of after it.
The outcome is the same as matching all drafts at once: within one key, a draft takes
the best-ranked stored card under its own heading in note order — which only needs
the drafts before it — and the drafts left without one take the remaining cards in
order once every draft is in (`finish`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from llmcards.cards import DECK_SEP, CardDraft
from llmcards.store.identity import Key


@dataclass(slots=True)
class Slot:
    """A draft at its position in the file and the stored card it turned out to be."""

    position: int
    draft: CardDraft
    row: Any = None  # None: a new card
    kept: bool = False  # paired by `pairing` rather than matched by key


def key_of_draft(d: CardDraft) -> Key:
    return (d.context, d.front, d.kind, d.cloze_ord)


class _Pool:
    """The stored cards of one key (best rank first), handed to that key's drafts: a
    card under the draft's own heading first, the remaining cards in order at the end.
    Linear: by heading through a hash, never by scanning the pool once per draft.
    Compact, as a large file keeps one per front until its last draft is in: indices
    by heading stacked last-first, so the next is a cheap `pop`."""

    __slots__ = ("by_heading", "left", "rows", "unmatched", "used")

    def __init__(self, ranked: Iterable[tuple[int, Any]]) -> None:
        self.rows = [row for _rank, row in sorted(ranked, key=itemgetter(0))]
        self.by_heading: dict[str, list[int]] = {}
        for index in range(len(self.rows) - 1, -1, -1):
            self.by_heading.setdefault(self.rows[index].heading_path, []).append(index)
        self.used: list[bool] | None = None
        self.unmatched: list[Slot] | None = None
        self.left = len(self.rows)

    def offer(self, slot: Slot) -> bool:
        """Give `slot` its card if one is under its heading; True once every card is
        taken (later drafts of the key are new cards, and the pool can go)."""
        same = self.by_heading.get(DECK_SEP.join(slot.draft.heading_path))
        if not same:
            if self.unmatched is None:
                self.unmatched = []
            self.unmatched.append(slot)
            return False
        index = same.pop()
        if self.used is None:
            self.used = [False] * len(self.rows)
        self.used[index] = True
        slot.row = self.rows[index]
        self.left -= 1
        return self.left == 0

    def finish(self) -> None:
        if self.unmatched is None:
            return
        used = self.used or [False] * len(self.rows)
        free = (self.rows[i] for i in range(len(self.rows)) if not used[i])
        for slot in self.unmatched:
            slot.row = next(free, None)


class Matcher:
    """Drafts (`add`ed in note order, in any number of batches) by key, groups in order
    of first appearance, each draft with the stored card of its key it is."""

    def __init__(self, candidates: dict[Key, list[tuple[int, Any]]]) -> None:
        self._candidates = candidates
        self._groups: dict[Key, list[Slot]] = {}
        self._pools: dict[Key, _Pool] = {}
        self._count = 0

    def add(self, drafts: Iterable[CardDraft], at: int | None = None) -> None:
        """`at`: the position in the file of the first of `drafts` (default: right after
        the drafts added before; a re-import of some sections skips the others')."""
        groups, pools, candidates = self._groups, self._pools, self._candidates
        position = self._count if at is None else at
        for draft in drafts:
            slot = Slot(position, draft)
            position += 1
            key = key_of_draft(draft)
            slots = groups.get(key)
            if slots is None:
                slots = groups[key] = []
                found = candidates.get(key)
                if found:
                    pools[key] = _Pool(found)
            slots.append(slot)
            pool = pools.get(key)
            if pool is not None and pool.offer(slot):
                # Every card of the key is taken (the usual case: one card, found at
                # once): its drafts still to come are new cards. Dropping the pool keeps
                # a large file's matching from holding one per front until the end.
                del pools[key]
        self._count = position

    def finish(self) -> list[tuple[Key, list[Slot]]]:
        """Every group, once all drafts are in: the drafts left over take their key's
        remaining cards in order."""
        for pool in self._pools.values():
            pool.finish()
        return list(self._groups.items())
