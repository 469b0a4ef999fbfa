"""The numbers of a deck list (home screen, `llmcards decks`): what each deck would show
if it were the one studied now.

They come from the study queue itself (`queue.build_queue`, with daily limits and one
card per note), so the deck list, `llmcards due`, `llmcards cards --state due` and the
study screen never disagree. The rows every deck's queue is built from are read once
for the whole list.
"""

from __future__ import annotations

import bisect
import copy
import heapq
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from llmcards.cards import DECK_SEP
from llmcards.clock import day_start, next_day_start
from llmcards.config import Settings
from llmcards.scheduling.queue import QueueReads, build_queue
from llmcards.scheduling.types import Counts
from llmcards.store.deck_counts import DeckCount


class DeckListReads(QueueReads, Protocol):
    """The queue's reads, and every deck's new cards at once (a deck list has hundreds)."""

    def all_new_cards(self, now: datetime) -> list[tuple[int, int, str]]:
        """(id, deck id, note uid) of every deck's new cards, each deck's in note order."""
        ...


def limited_counts(
    reads: DeckListReads, counts: list[DeckCount], *, now: datetime, settings: Settings
) -> list[DeckCount]:
    """`counts` (with their card totals) given each deck's numbers for now, from the
    queue's `reads` (`queue_sql.SqlQueueReads`, or `store.fastread.FastQueueReads`)."""
    names = [c.name for c in counts]
    today = deck_counts_now(reads, names, now, settings)
    return [
        replace(
            count,
            new=today[count.name].new,
            learning=today[count.name].learning,
            due=today[count.name].review,
        )
        for count in counts
    ]


def deck_counts_now(
    reads: DeckListReads, names: list[str], now: datetime, settings: Settings
) -> dict[str, Counts]:
    """Each named deck's new, learning and review counts as its study queue has them."""
    day = (day_start(now, settings.rollover_hour), next_day_start(now, settings.rollover_hour))
    shared = _MemoryReads(reads, now, day[1])
    return {
        name: build_queue(
            shared.within(name), now=now, settings=settings, deck=name, day=day
        ).counts(now)
        for name in names
    }


class _MemoryReads:
    """The queue's reads for every deck at once: each kind of row read in one query, then
    served per deck from memory (a deck list has hundreds of decks; a query per deck and
    kind took seconds)."""

    def __init__(self, reads: DeckListReads, now: datetime, end: datetime) -> None:
        self._reads = reads
        self.deck_names: Callable[[], dict[int, str]] = cache(reads.deck_names)
        self.reviewed_since = cache(reads.reviewed_since)
        self.study_rows = reads.study_rows
        self._sorted: list[tuple[str, int]] | None = None
        self._deck_of: dict[int, int] = {}
        # Rows keep their place in the global (due, id) order, so merging one deck's
        # lists by that place gives the same order a query on those decks would.
        self._learning = _by_deck(reads.learning(None, now, end), deck=1)
        self._reviews = _by_deck(list(reads.reviews(None, now, end)), deck=1)
        self._new: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for card_id, deck_id, note_uid in reads.all_new_cards(now):
            self._new[deck_id].append((card_id, note_uid))

    def within(self, deck: str) -> _MemoryReads:
        """These reads with only `deck` and its sub-decks named: the queue would pick them
        out of every deck name, for every deck of the list."""
        if self._sorted is None:
            self._sorted = sorted((name, i) for i, name in self.deck_names().items())
        prefix = deck + DECK_SEP  # sub-deck names sort together, right after it
        start = bisect.bisect_left(self._sorted, (prefix,))
        end = bisect.bisect_left(self._sorted, (prefix[:-1] + chr(ord(prefix[-1]) + 1),))
        names = {i: n for n, i in self._sorted[start:end]}
        exact = bisect.bisect_left(self._sorted, (deck,))
        for name, i in self._sorted[exact:]:
            if name != deck:
                break
            names[i] = name
        view = copy.copy(self)
        view.deck_names = lambda: names
        return view

    def decks_of(self, card_ids: list[int]) -> dict[int, int]:
        missing = [cid for cid in card_ids if cid not in self._deck_of]
        if missing:
            self._deck_of.update(self._reads.decks_of(missing))
        return {cid: self._deck_of[cid] for cid in card_ids if cid in self._deck_of}

    def learning(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> list[tuple[int, int, datetime]]:
        return _merged(self._learning, deck_ids)

    def reviews(
        self, deck_ids: list[int] | None, now: datetime, end: datetime
    ) -> Generator[tuple[int, int, str], None, None]:
        yield from _merged(self._reviews, deck_ids)

    def new_cards(
        self, deck_id: int, now: datetime, limit: int, offset: int
    ) -> list[tuple[int, str]]:
        return self._new.get(deck_id, [])[offset : offset + limit]


def _by_deck(rows: Iterable[Any], *, deck: int) -> dict[int | None, list[tuple[int, Any]]]:
    """Rows grouped by deck id (and all of them under None), each with its place."""
    grouped: dict[int | None, list[tuple[int, Any]]] = defaultdict(list)
    for place, row in enumerate(rows):
        grouped[row[deck]].append((place, tuple(row)))
        grouped[None].append((place, tuple(row)))
    return grouped


def _merged(
    grouped: dict[int | None, list[tuple[int, Any]]], deck_ids: list[int] | None
) -> list[Any]:
    if deck_ids is None:
        return [row for _, row in grouped.get(None, [])]
    lists = [grouped[d] for d in deck_ids if d in grouped]
    return [row for _, row in heapq.merge(*lists)]
