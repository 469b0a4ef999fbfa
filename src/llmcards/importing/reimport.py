"""Re-importing an edited note by its sections: only what changed is walked and synced.

Every import stores the note's sections (`notes.sections`) with what each made: how
many cards, what it passed over, its warnings (`section_state`). A re-import parses
the whole new note with pyromark (quick), walks only the sections whose bytes and
heading stack are not among the stored ones, syncs only their cards (`store.narrow`),
shifts the others' cards, and rebuilds the whole file's report from the stored parts.
Whenever that could differ from reading the whole note (definitions that reach across
sections, glued items, a file of the root that is gone, stored state that does not
fit) it answers None, and the caller reads the whole note as always.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import partial
from itertools import pairwise
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, Protocol

from llmcards.cards import CardDraft, CardWarning, Skipped
from llmcards.importing.section_state import State, load_state
from llmcards.notes.sections import Section
from llmcards.notes.warnings import duplicate_message

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from llmcards.notes.source import Source
    from llmcards.notes.walk import Stack
    from llmcards.store.narrow import Prefetched
    from llmcards.store.sync import SyncResult


class Early(Protocol):
    """Told what a read finds as it goes (read_changed's `early`): once the note is split,
    the root and where the cards of the sections that look changed are (again if it
    splits it again); then each walked section's drafts and the position of the first."""

    def __call__(self, root: str, ranges: list[tuple[int, int]]) -> None: ...

    def walked(self, at: int, drafts: list[CardDraft]) -> None: ...


# Sections read again at most this many times over (each time more of them, when
# unchanged cards turn out to share a key and heading with changed ones).
_ROUNDS = 4


@dataclass
class Outcome:
    """A re-import by sections, as `importing` reports and stores it."""

    root: str
    notice: str | None
    result: SyncResult
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[CardWarning] = field(default_factory=list)
    state: State | None = None
    walked: int = 0  # sections walked


@dataclass
class Changed:
    """What a re-import by sections reads before the database: the new note's sections,
    the changed ones walked (`read`); picklable, so a worker can read it ahead
    (llmcards.importing.reimport_ahead)."""

    root: str
    notice: str | None
    read: _Read
    forced: frozenset[int]  # sections walked although stored as they are

    def packed(self) -> tuple[Any, ...]:
        """Plain lists and tuples, quick to pickle (~10x quicker than the objects), without
        the stored state, which the receiver loads itself meanwhile, nor the walked
        sections' drafts, which it was sent as they came (`unpacked`)."""
        read = self.read
        sections = [(s.start, s.end, s.digest, s.line, s.in_list) for s in read.sections]
        skipped = [[_skipped_fields(s) for s in batch] for batch in read.skipped]
        columns = (sections, read.old, read.stacks, skipped, read.final, read.walked)
        return (self.root, self.notice, self.forced, columns)

    @staticmethod
    def unpacked(
        packed: tuple[Any, ...], state: State, walked: list[list[CardDraft]]
    ) -> Changed | None:
        """`packed()`'s Changed again, for the stored `state` it was read against, with
        the drafts of the sections walked in its last split (`Early.walked`, in order);
        None when they are not as many."""
        root, notice, forced, columns = packed
        sections, old, stacks, skipped, final, count = columns
        if len(walked) != count:
            return None
        batches = iter(walked)
        read = _Read(
            [Section(*fields) for fields in sections],
            old,
            stacks,
            [next(batches) if j is None else [] for j in old],
            [[Skipped(*fields) for fields in batch] for batch in skipped],
            state,
            final,
            count,
        )
        return Changed(root, notice, read, forced)


_skipped_fields = attrgetter(*(f.name for f in fields(Skipped)))


def read_changed(
    *,
    path: str,
    data: bytes,
    stem: str,
    deck: str | None,
    stored: bytes,
    skipped_json: str,
    forced: frozenset[int] = frozenset(),
    early: Early | None = None,
) -> Changed | None:
    """Split the file `path` (its bytes `data`) into sections and walk those that are
    not among its last import's (`stored`, and what it passed over: `skipped_json`),
    and the `forced` ones; None when only reading it all is sure to come out the same.
    Reads no database: a worker may run it ahead of the import's transaction.
    `early`: told what the read finds as it goes (see `Early`)."""
    from llmcards.notes import decode_note, note_body, root_deck
    from llmcards.notes.sections import doc_wide, split
    from llmcards.notes.source import Source

    state = load_state(stored, skipped_json)
    decoded = decode_note(data, path)
    title, body = note_body(decoded.text)
    root = root_deck(deck, title, stem)
    if state is None or root != state.root:
        return None
    if body is decoded.text and decoded.encoding == "utf-8" and b"\r" not in data:
        body_bytes = data  # the file's own bytes are the body's (~0.02 s on 12 MB)
    else:
        body_bytes = body.encode("utf-8", "surrogatepass")
    if doc_wide(body_bytes):
        return None
    source = Source(body, data=body_bytes)
    hexes = state.hex_digests()
    digests = set(hexes)
    walk = set(forced)
    for _round in range(_ROUNDS):
        sections = split(body, body_bytes, partial(_to_walk, digests, frozenset(walk)))
        if early is not None:
            early(root, _changed_ranges(state, _unchanged(sections, hexes, walk)))
        read = _read(body, source, root, sections, state, hexes, walk, early)
        if read is None:
            return None
        if isinstance(read, set):  # sections to walk whose events were not kept
            walk |= read
            continue
        for section in sections:
            section.events = None  # walked: not needed any more, nor sent
        return Changed(root, decoded.notice, read, frozenset(walk))
    return None


def reimport(
    conn: Connection,
    *,
    path: str,
    data: bytes,
    stem: str,
    deck: str | None,
    source_path: str,
    stored: bytes,
    skipped_json: str,
    now: datetime,
    ahead: Changed | Literal[False] | None = False,
    early: EarlyReads | None = None,
) -> Outcome | None:
    """Re-import the file `path` (its bytes `data`) by the sections that changed since
    its last import (`stored`, and what it passed over: `skipped_json`), or None when
    only reading it all is sure to come out the same. Writes nothing when it answers
    None. `ahead`: `read_changed` of the same arguments, run by a worker (False: not),
    which called `early` when it had split the note."""
    import os

    if early is None or ahead is False:
        early = EarlyReads(conn, source_path)
    forced: frozenset[int] = frozenset()
    for round_ in range(_ROUNDS):
        if round_ == 0 and ahead is not False:
            changed = ahead
        else:
            changed = read_changed(
                path=path,
                data=data,
                stem=stem,
                deck=deck,
                stored=stored,
                skipped_json=skipped_json,
                forced=forced,
                early=early,
            )
        if changed is None:
            return None
        outcome = _sync(
            conn,
            changed.read,
            changed.root,
            changed.notice,
            source_path,
            now,
            os.path.exists,
            early.prefetched,
        )
        if isinstance(outcome, set):  # unchanged cards tied to changed ones: walk them too
            forced = changed.forced | outcome
            continue
        return outcome
    return None


class EarlyReads:
    """read_changed's `early`: reads the cards of the sections that look changed (and
    those sharing a front with them) as soon as the note is split, and matches each
    walked section's drafts to them as they come; so that, when a worker reads the
    note, the import does both while the worker walks."""

    def __init__(self, conn: Connection, source_path: str) -> None:
        self._conn = conn
        self._source_path = source_path
        self.prefetched: Prefetched | None = None

    def __call__(self, root: str, ranges: list[tuple[int, int]]) -> None:
        from llmcards.store.narrow import prefetch

        self.prefetched = prefetch(
            self._conn, root=root, source_path=self._source_path, ranges=ranges
        )

    def walked(self, at: int, drafts: list[CardDraft]) -> None:
        import os

        if self.prefetched is not None:
            self.prefetched.match(at, drafts, lambda path: not os.path.exists(path))


def _changed_ranges(state: State, same: dict[int, int]) -> list[tuple[int, int]]:
    """(first position, count) of the cards of each stored section with no unchanged
    new one (`same`: new section -> stored one), as `_sync` plans them when the walk
    finds no heading stack changed."""
    kept = {j for j in same.values() if j not in state.unsettled}
    ranges, at = [], 0
    for j, count in enumerate(state.cards):
        if j not in kept:
            ranges.append((at, count))
        at += count
    return ranges


def _to_walk(digests: set[str], forced: frozenset[int], index: int, digest: str) -> bool:
    return digest not in digests or index in forced


@dataclass
class _Read:
    """The new note's sections: each either the stored one it is (`old`) or walked."""

    sections: list[Section]
    old: list[int | None]  # index of the stored section it is, None: walked
    stacks: list[Stack]
    drafts: list[list[CardDraft]]  # per walked section
    skipped: list[list[Skipped]]
    state: State
    final: Stack
    walked: int = 0


def _read(
    body: str,
    source: Source,
    root: str,
    sections: list[Section],
    state: State,
    hexes: list[str],
    forced: set[int],
    early: Early | None = None,
) -> _Read | set[int] | None:
    """Walk the sections that changed (and `forced` ones); a set of sections to walk
    whose events `sections` did not keep; None when a section cannot be walked alone.
    `early` is told each walked section's drafts, with the position of the first."""
    from llmcards.notes import drafts_of
    from llmcards.notes.glue import Glued
    from llmcards.notes.sections import walk_section

    same = _unchanged(sections, hexes, forced)
    decks: dict[tuple[str, ...], tuple[str, ...]] = {}
    read = _Read(sections, [], [], [], [], state, ())
    missing: set[int] = set()
    stack: Stack = ()
    position = 0  # of the section's first card in the new note (as `_sync` plans it)
    for i, section in enumerate(sections):
        j = same.get(i)
        if j is not None and state.stacks[j] == stack and j not in state.unsettled:
            read.old.append(j)
            read.stacks.append(stack)
            read.drafts.append([])
            read.skipped.append([])
            stack = state.stacks[j + 1] if j + 1 < len(state.stacks) else state.final
            position += state.cards[j]
            continue
        if section.events is None:
            missing.add(i)
            continue  # read again with its events kept
        try:
            outs, after = walk_section(body, source, section, stack)
        except Glued:
            return None
        cards, skipped = drafts_of(outs, root, decks, False)
        if early is not None and not missing:
            early.walked(position, cards)
        read.old.append(None)
        read.stacks.append(stack)
        read.drafts.append(cards)
        read.skipped.append(skipped)
        read.walked += 1
        position += len(cards)
        stack = after
    if missing:
        return missing
    read.final = stack
    return read


def _unchanged(sections: list[Section], hexes: list[str], forced: set[int]) -> dict[int, int]:
    """New section -> the stored section with the same bytes, keeping their order (the
    longest run of such pairs in order, so a moved section counts as changed)."""
    waiting: dict[str, list[int]] = {}
    for j in range(len(hexes) - 1, -1, -1):
        waiting.setdefault(hexes[j], []).append(j)
    pairs = []
    for i, section in enumerate(sections):
        queue = waiting.get(section.digest)
        if queue and i not in forced:
            pairs.append((i, queue.pop()))
    if all(a[1] < b[1] for a, b in pairwise(pairs)):
        return dict(pairs)  # nothing moved: the usual edit
    return dict(_increasing(pairs))


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of `pairs` whose second items increase."""
    tails: list[int] = []  # second item ending the best run of each length
    ends: list[int] = []  # index in `pairs` of that run's end
    before = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        at = bisect_right(tails, j - 1) if tails else 0
        if at == len(tails):
            tails.append(j)
            ends.append(k)
        else:
            tails[at] = j
            ends[at] = k
        before[k] = ends[at - 1] if at else -1
    chosen = []
    k = ends[-1] if ends else -1
    while k >= 0:
        chosen.append(pairs[k])
        k = before[k]
    return chosen[::-1]


def _sync(
    conn: Connection,
    read: _Read,
    root: str,
    notice: str | None,
    source_path: str,
    now: datetime,
    exists: Any,
    prefetched: Prefetched | None,
) -> Outcome | set[int] | None:
    from llmcards.notes.warnings import Warnings
    from llmcards.store.narrow import Entangled, Moved, Narrowed, narrowed_sync

    state = read.state
    old_first, at = [], 0
    for count in state.cards:
        old_first.append(at)
        at += count
    plan = Narrowed([], [], [])
    position = 0
    new_line: dict[int, int] = {}  # stored section -> its line now
    for i, section in enumerate(read.sections):
        j = read.old[i]
        if j is None:
            plan.drafts.append((position, read.drafts[i]))
            position += len(read.drafts[i])
            continue
        new_line[j] = section.line
        count = state.cards[j]
        plan.moved.append(Moved(old_first[j], count, position, section.line - state.lines[j]))
        position += count
    plan.changed = [
        (old_first[j], count) for j, count in enumerate(state.cards) if j not in new_line
    ]
    plan.moved.sort(key=lambda m: m.old)
    kept = _kept_parts(read, new_line)
    if kept is None:
        return None
    try:
        result = narrowed_sync(
            conn,
            root=root,
            source_path=source_path,
            plan=plan,
            now=now,
            path_is_gone=lambda p: not exists(p),
            prefetched=prefetched,
        )
    except Entangled as tangled:
        held = {j for j in new_line if _holds(old_first, state, j, tangled.positions)}
        return {i for i, j in enumerate(read.old) if j in held}
    if result is None:
        return None
    outcome = Outcome(root, notice, result, walked=read.walked)
    new = State(root, read.final)
    watch = Warnings()
    for i, section in enumerate(read.sections):
        j = read.old[i]
        if j is not None:
            k = new.add(section.digest, state.stacks[j], section.line, state.cards[j])
            result.unchanged += state.cards[j]
            if j in kept:
                skipped, warnings, stored_warnings = kept[j]
                if stored_warnings:
                    new.warnings[k] = stored_warnings
                outcome.skipped += skipped
                outcome.warnings += warnings
            continue
        drafts = read.drafts[i]
        k = new.add(section.digest, read.stacks[i], section.line, len(drafts))
        if any(d.line in result.unsettled for d in drafts):
            new.unsettled.add(k)
        before = len(watch.found)
        watch.add(drafts)
        for warning in watch.found[before:]:
            new.add_warning(k, warning)
        outcome.skipped += read.skipped[i]
        outcome.warnings += watch.found[before:]
    outcome.state = new
    return outcome


def _kept_parts(
    read: _Read, new_line: dict[int, int]
) -> dict[int, tuple[list[Skipped], list[CardWarning], list[list[Any]]]] | None:
    """What the unchanged sections that passed something over or had warnings add to
    the report, at their new lines (by stored section); None if a duplicate names a
    line of a section that changed (cannot be, as equal cards are read together, but
    then only reading it all is sure)."""
    state = read.state
    kept: dict[int, tuple[list[Skipped], list[CardWarning], list[list[Any]]]] = {}
    for j in sorted((set(state.skipped) | set(state.warnings)) & set(new_line)):
        line = new_line[j]
        skipped = [
            Skipped(line + rel, text, reason, category, tuple(deck))
            for rel, text, reason, category, deck in state.skipped.get(j, ())
        ]
        warnings, stored_warnings = [], []
        for rel, front, kind, message, deck, first in state.warnings.get(j, ()):
            if first is not None:
                k = bisect_right(state.lines, first) - 1
                if k not in new_line:
                    return None
                first += new_line[k] - state.lines[k]
                message = duplicate_message(first)
            warnings.append(CardWarning(line + rel, front, kind, message, tuple(deck)))
            stored_warnings.append([rel, front, kind, message, deck, first])
        kept[j] = (skipped, warnings, stored_warnings)
    return kept


def _holds(old_first: list[int], state: State, j: int, positions: list[int]) -> bool:
    first, count = old_first[j], state.cards[j]
    return any(first <= p < first + count for p in positions)
