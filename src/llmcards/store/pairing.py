"""Which of a file's would-be-retired cards a would-be-new card really is.

Without this, a one-character front fix (`Transfomer` → `Transformer`), a renamed group
head or a new lead-in context would retire the card and start the learner from zero.
Before anything is retired, the cards an import would retire and the drafts it would
create are paired one to one (docs/import-rules.md, "Identity and re-import"):

1. the same front (same kind and cloze number) in the same root deck: its heading, group
   head or lead-in changed;
2. the same deck and context, and a small edit of the front or an identical answer.

Rule 1 wins over rule 2, a card in the same deck over one in another; among equals an
old card takes the new card nearest to where it stood. "Where" is first the line, then
the place among the file's cards: an upgrade that adds cards (a table's rows, say)
shifts every later card's place but no line, and must not swap two equal fronts'
histories. Only the nearest few new cards are looked at for each old card, so a file
with thousands of edited fronts pairs in linear time.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

# New cards looked at on each side of an old card's position, per rule.
NEAREST = 16


@dataclass(frozen=True, slots=True)
class Side:
    """One card as pairing sees it: an old card (stored) or a new one (a draft)."""

    front: str
    context: str
    kind: str
    cloze_ord: int
    deck_id: int
    back: str
    line: int
    position: int  # among the file's cards


def own_context(context: str, heading: str | tuple[str, ...]) -> str:
    """The context rule 2 compares: a short front's context that is only its heading's
    name (`作用` under `## Dropout`, see notes/fronts.py) says where the card is, which
    the deck already says, so it counts as none: shortening `折扣回报 Discounted Return`
    to `折扣回报` gives it that context and must still be a small edit in place."""
    leaf = heading if isinstance(heading, str) else (heading[0] if heading else "")
    return "" if context and context == leaf else context


def plain_front(front: str) -> str:
    """A front as small edits are judged: lowercase, no spaces, punctuation or controls."""
    return "".join(ch for ch in front.casefold() if unicodedata.category(ch)[0] not in "PZC")


def small_edit(old: str, new: str) -> bool:
    """One plain front contains the other, or they differ in at most a third of the
    longer one's characters (`Dropout` → `Dropout（随机失活）`, `Transfomer` → `Transformer`)."""
    return _small_plain_edit(plain_front(old), plain_front(new))


def _small_plain_edit(a: str, b: str) -> bool:
    """`small_edit` on fronts already made plain."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    limit = max(len(a), len(b)) // 3
    return Levenshtein.distance(a, b, score_cutoff=limit) <= limit


def pair(old: Sequence[Side], new: Sequence[Side]) -> list[tuple[int, int]]:
    """(index in `old`, index in `new`) for every pair, each side used at most once."""
    if not old or not new:
        return []
    # (rule, other deck, line distance, place distance, old, new): best first when sorted
    candidates: list[tuple[int, bool, int, int, int, int]] = []

    def add(rule: int, i: int, j: int) -> None:
        card, other = old[i], new[j]
        candidates.append(
            (
                rule,
                card.deck_id != other.deck_id,
                abs(card.line - other.line),
                abs(card.position - other.position),
                i,
                j,
            )
        )

    same_front = _index(new, lambda s: (s.front, s.kind, s.cloze_ord))
    same_place = _index(new, lambda s: (s.deck_id, s.context, s.kind, s.cloze_ord))
    same_answer = _index(new, lambda s: (s.deck_id, s.context, s.kind, s.cloze_ord, s.back))
    plain_new: dict[int, str] = {}  # made plain once, though compared with many old cards
    for i, card in enumerate(old):
        for j in _nearest(same_front.get((card.front, card.kind, card.cloze_ord)), card, new):
            add(1, i, j)
        place = (card.deck_id, card.context, card.kind, card.cloze_ord)
        for j in _nearest(same_answer.get((*place, card.back)), card, new):
            add(2, i, j)
        plain_old = plain_front(card.front)
        for j in _nearest(same_place.get(place), card, new):
            if j not in plain_new:
                plain_new[j] = plain_front(new[j].front)
            if _small_plain_edit(plain_old, plain_new[j]):
                add(2, i, j)
    candidates.sort()
    pairs: list[tuple[int, int]] = []
    old_used: set[int] = set()
    new_used: set[int] = set()
    for *_best, i, j in candidates:
        if i not in old_used and j not in new_used:
            old_used.add(i)
            new_used.add(j)
            pairs.append((i, j))
    return pairs


def _index(sides: Sequence[Side], key: Callable[[Side], Hashable]) -> dict[Hashable, list[int]]:
    """Indexes of `sides` by `key(side)`, each list in line order."""
    found: dict[Hashable, list[int]] = defaultdict(list)
    for j, side in enumerate(sides):
        found[key(side)].append(j)
    for indexes in found.values():
        indexes.sort(key=lambda j: sides[j].line)
    return found


def _nearest(indexes: list[int] | None, card: Side, new: Sequence[Side]) -> list[int]:
    """The NEAREST new cards on each side of `card`'s line among `indexes`."""
    if not indexes:
        return []
    at = bisect_left(indexes, card.line, key=lambda j: new[j].line)
    return indexes[max(0, at - NEAREST) : at + NEAREST]
