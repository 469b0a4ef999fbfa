"""Re-importing an edited note by its sections: only what changed is walked and synced.

Every import stores the note's sections (`notes.sections`) with what each made: how
many cards, what it passed over, its warnings (`sections_state`). A re-import parses
the whole new note with pyromark (quick), walks only the sections whose bytes and
heading stack are not among the stored ones, syncs only their cards (`store.narrow`),
shifts the others' cards, and rebuilds the whole file's report from the stored parts.
Whenever that could differ from reading the whole note (definitions that reach across
sections, glued items, a file of the root that is gone, stored state that does not
fit) it answers None, and the caller reads the whole note as always.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from llmcards.cards import CardDraft, CardWarning, Skipped
from llmcards.notes.warnings import duplicate_message, duplicate_of

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from llmcards.notes.sections import NoteSections, Section
    from llmcards.notes.walk import Stack
    from llmcards.store.sync import SyncResult

STATE_VERSION = 2
# Sections read again at most this many times over (each time more of them, when
# unchanged cards turn out to share a key and heading with changed ones).
_ROUNDS = 4


@dataclass(slots=True)
class Stored:
    """One section as the last import left it."""

    digest: str
    stack: Stack  # the heading stack it starts from
    line: int
    cards: int
    settled: bool  # its cards would be handed out the same way again (sync.unsettled_lines)
    skipped: list[list[Any]]  # Skipped fields, line relative to the section's
    warnings: list[list[Any]]  # CardWarning fields (relative line) and a duplicate's line


@dataclass
class State:
    root: str
    sections: list[Stored]
    final: Stack

    def as_json(self) -> str:
        """Compact: a large note has tens of thousands of sections, most with the stack
        of the one before and nothing skipped or worth a warning."""
        stacks: dict[Stack, int] = {}
        rows = []
        skipped: dict[int, list[list[Any]]] = {}
        warnings: dict[int, list[list[Any]]] = {}
        for i, s in enumerate(self.sections):
            rows.append(
                (s.digest, stacks.setdefault(s.stack, len(stacks)), s.line, s.cards, s.settled)
            )
            if s.skipped:
                skipped[i] = s.skipped
            if s.warnings:
                warnings[i] = s.warnings
        final = stacks.setdefault(self.final, len(stacks))
        return json.dumps(
            {
                "v": STATE_VERSION,
                "root": self.root,
                "stacks": list(stacks),
                "final": final,
                "sections": rows,
                "skipped": skipped,
                "warnings": warnings,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def load_state(text: str) -> State | None:
    raw = json.loads(text)
    if raw.get("v") != STATE_VERSION:
        return None
    stacks = [tuple((level, name) for level, name in stack) for stack in raw["stacks"]]
    skipped, warnings = raw["skipped"], raw["warnings"]
    sections = [
        Stored(digest, stacks[stack], line, cards, settled, [], [])
        for digest, stack, line, cards, settled in raw["sections"]
    ]
    for i, items in skipped.items():
        sections[int(i)].skipped = items
    for i, items in warnings.items():
        sections[int(i)].warnings = items
    return State(raw["root"], sections, stacks[raw["final"]])


def whole_state(
    root: str,
    sections: NoteSections,
    card_lines: Sequence[int],
    skipped: Sequence[Skipped],
    warnings: Sequence[CardWarning],
    unsettled: set[int],
) -> State:
    """The state to store after reading the whole note (`card_lines`: its cards' lines
    in note order)."""
    parts = [
        Stored(s.digest, stack, s.line, 0, True, [], [])
        for s, stack in zip(sections.sections, sections.stacks, strict=True)
    ]
    starts = [s.line for s in parts]

    def part(line: int) -> Stored:
        return parts[bisect_right(starts, line) - 1]

    for line in card_lines:
        stored = part(line)
        stored.cards += 1
        if line in unsettled:
            stored.settled = False
    for item in skipped:
        _add_skipped(part(item.line), item)
    for warning in warnings:
        _add_warning(part(warning.line), warning)
    return State(root, parts, sections.final)


def _add_skipped(stored: Stored, s: Skipped) -> None:
    stored.skipped.append([s.line - stored.line, s.text, s.reason, s.category, list(s.deck)])


def _add_warning(stored: Stored, w: CardWarning) -> None:
    first = duplicate_of(w.message) if w.kind == "duplicate" else None
    stored.warnings.append([w.line - stored.line, w.front, w.kind, w.message, list(w.deck), first])


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


def reimport(
    conn: Connection,
    *,
    path: str,
    data: bytes,
    stem: str,
    deck: str | None,
    source_path: str,
    stored_json: str,
    now: datetime,
) -> Outcome | None:
    """Re-import the file `path` (its bytes `data`) by the sections that changed since
    its last import (`stored_json`), or None when only reading it all is sure to come
    out the same. Writes nothing when it answers None."""
    import os

    from llmcards.notes import decode_note, note_body
    from llmcards.notes.sections import doc_wide, split

    state = load_state(stored_json)
    decoded = decode_note(data, path)
    title, body = note_body(decoded.text)
    root = (deck or "").strip() or title or stem
    if state is None or root != state.root:
        return None
    body_bytes = body.encode("utf-8", "surrogatepass")
    if doc_wide(body_bytes):
        return None
    digests = {s.digest for s in state.sections}
    forced: set[int] = set()  # sections to walk although stored as they are
    for _round in range(_ROUNDS):
        sections = split(body, body_bytes, partial(_to_walk, digests, frozenset(forced)))
        read = _read(body, root, sections, state, forced)
        if read is None:
            return None
        if isinstance(read, set):  # sections to walk whose events were not kept
            forced |= read
            continue
        outcome = _sync(conn, read, root, decoded.notice, source_path, now, os.path.exists)
        if isinstance(outcome, set):
            forced |= outcome
            continue
        return outcome
    return None


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
    root: str,
    sections: list[Section],
    state: State,
    forced: set[int],
) -> _Read | set[int] | None:
    """Walk the sections that changed (and `forced` ones); a set of sections to walk
    whose events `sections` did not keep; None when a section cannot be walked alone."""
    from llmcards.notes import drafts_of
    from llmcards.notes.glue import Glued
    from llmcards.notes.sections import walk_section
    from llmcards.notes.source import Source

    same = _unchanged(sections, state, forced)
    source = Source(body)
    decks: dict[tuple[str, ...], tuple[str, ...]] = {}
    read = _Read(sections, [], [], [], [], state, ())
    missing: set[int] = set()
    stack: Stack = ()
    for i, section in enumerate(sections):
        j = same.get(i)
        if j is not None and state.sections[j].stack == stack and state.sections[j].settled:
            read.old.append(j)
            read.stacks.append(stack)
            read.drafts.append([])
            read.skipped.append([])
            stack = state.sections[j + 1].stack if j + 1 < len(state.sections) else state.final
            continue
        if section.events is None:
            missing.add(i)
            continue  # read again with its events kept
        try:
            outs, after = walk_section(body, source, section, stack)
        except Glued:
            return None
        cards, skipped = drafts_of(outs, root, decks, False)
        read.old.append(None)
        read.stacks.append(stack)
        read.drafts.append(cards)
        read.skipped.append(skipped)
        read.walked += 1
        stack = after
    if missing:
        return missing
    read.final = stack
    return read


def _unchanged(sections: list[Section], state: State, forced: set[int]) -> dict[int, int]:
    """New section -> the stored section with the same bytes, keeping their order (the
    longest run of such pairs in order, so a moved section counts as changed)."""
    waiting: dict[str, list[int]] = {}
    for j in range(len(state.sections) - 1, -1, -1):
        waiting.setdefault(state.sections[j].digest, []).append(j)
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
) -> Outcome | set[int] | None:
    from llmcards.notes.warnings import Warnings
    from llmcards.store.narrow import Entangled, Moved, Narrowed, narrowed_sync

    state = read.state
    old_first, at = [], 0
    for stored in state.sections:
        old_first.append(at)
        at += stored.cards
    plan = Narrowed([], [], [])
    position = 0
    new_line: dict[int, int] = {}  # stored section -> its line now
    for i, section in enumerate(read.sections):
        j = read.old[i]
        if j is None:
            plan.drafts.append((position, read.drafts[i]))
            position += len(read.drafts[i])
            continue
        stored = state.sections[j]
        new_line[j] = section.line
        plan.moved.append(Moved(old_first[j], stored.cards, position, section.line - stored.line))
        position += stored.cards
    plan.changed = [
        (old_first[j], s.cards) for j, s in enumerate(state.sections) if j not in new_line
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
        )
    except Entangled as tangled:
        held = {j for j in new_line if _holds(old_first, state, j, tangled.positions)}
        return {i for i, j in enumerate(read.old) if j in held}
    if result is None:
        return None
    outcome = Outcome(root, notice, result, walked=read.walked)
    new_state = State(root, [], read.final)
    watch = Warnings()
    for i, section in enumerate(read.sections):
        if read.old[i] is not None:
            stored, skipped, warnings = kept[i]
            result.unchanged += stored.cards
            outcome.skipped += skipped
            outcome.warnings += warnings
            new_state.sections.append(stored)
            continue
        drafts = read.drafts[i]
        before = len(watch.found)
        watch.add(drafts)
        stored = Stored(section.digest, read.stacks[i], section.line, len(drafts), True, [], [])
        stored.settled = not any(d.line in result.unsettled for d in drafts)
        for item in read.skipped[i]:
            _add_skipped(stored, item)
        for warning in watch.found[before:]:
            _add_warning(stored, warning)
        outcome.skipped += read.skipped[i]
        outcome.warnings += watch.found[before:]
        new_state.sections.append(stored)
    outcome.state = new_state
    return outcome


def _kept_parts(
    read: _Read, new_line: dict[int, int]
) -> dict[int, tuple[Stored, list[Skipped], list[CardWarning]]] | None:
    """Each unchanged section as stored again, and its part of the report, at its new
    line; None if a duplicate names a line of a section that changed (cannot be, as
    equal cards are read together, but then only reading it all is sure)."""
    state = read.state
    old_starts = [s.line for s in state.sections]
    kept: dict[int, tuple[Stored, list[Skipped], list[CardWarning]]] = {}
    for i, section in enumerate(read.sections):
        j = read.old[i]
        if j is None:
            continue
        old = state.sections[j]
        if not old.skipped and not old.warnings:
            kept[i] = (_moved(old, section.line, old.warnings), [], [])
            continue
        skipped = [
            Skipped(section.line + rel, text, reason, category, tuple(deck))
            for rel, text, reason, category, deck in old.skipped
        ]
        warnings, stored_warnings = [], []
        for rel, front, kind, message, deck, first in old.warnings:
            if first is not None:
                k = bisect_right(old_starts, first) - 1
                if k not in new_line:
                    return None
                first += new_line[k] - state.sections[k].line
                message = duplicate_message(first)
            warnings.append(CardWarning(section.line + rel, front, kind, message, tuple(deck)))
            stored_warnings.append([rel, front, kind, message, deck, first])
        kept[i] = (_moved(old, section.line, stored_warnings), skipped, warnings)
    return kept


def _moved(old: Stored, line: int, warnings: list[list[Any]]) -> Stored:
    return Stored(old.digest, old.stack, line, old.cards, old.settled, old.skipped, warnings)


def _holds(old_first: list[int], state: State, j: int, positions: list[int]) -> bool:
    first, count = old_first[j], state.sections[j].cards
    return any(first <= p < first + count for p in positions)
