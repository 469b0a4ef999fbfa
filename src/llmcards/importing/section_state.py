"""What an import remembers of a note's sections, for the next re-import by sections
(llmcards.importing.reimport): per section its hash, heading stack, line and card count, and its
warnings. Stored as `source.sections`, column by column and compressed: a
large note has tens of thousands of sections, most with the stack of the one before and
nothing skipped or worth a warning."""

from __future__ import annotations

import json
import zlib
from base64 import b64decode, b64encode
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmcards.cards import CardWarning
from llmcards.notes.sections import DIGEST
from llmcards.notes.warnings import duplicate_of

if TYPE_CHECKING:
    from llmcards.notes.sections import NoteSections
    from llmcards.notes.walk import Stack

STATE_VERSION = 3


@dataclass
class State:
    root: str
    final: Stack = ()  # the heading stack at the end of the note
    digests: bytearray = field(default_factory=bytearray)  # DIGEST bytes per section
    stacks: list[Stack] = field(default_factory=list)  # the heading stack it starts from
    lines: list[int] = field(default_factory=list)  # where it starts
    cards: list[int] = field(default_factory=list)
    # Sections whose equal cards the next import could hand out in another order
    # (sync.unsettled_lines): read again, never taken as they are.
    unsettled: set[int] = field(default_factory=set)
    # Line relative to the section's. What the sections passed over is not stored here
    # but taken from `source.skipped_json` (stored for unchanged re-imports anyway).
    skipped: dict[int, list[list[Any]]] = field(default_factory=dict)
    warnings: dict[int, list[list[Any]]] = field(default_factory=dict)  # and a duplicate's

    def add(self, digest: str, stack: Stack, line: int, cards: int) -> int:
        self.digests += bytes.fromhex(digest)
        self.stacks.append(stack)
        self.lines.append(line)
        self.cards.append(cards)
        return len(self.lines) - 1

    def hex_digests(self) -> list[str]:
        blob = self.digests
        return [blob[k : k + DIGEST].hex() for k in range(0, len(blob), DIGEST)]

    def add_warning(self, i: int, w: CardWarning) -> None:
        first = duplicate_of(w.message) if w.kind == "duplicate" else None
        item = [w.line - self.lines[i], w.front, w.kind, w.message, list(w.deck), first]
        self.warnings.setdefault(i, []).append(item)

    def as_blob(self) -> bytes:
        table: dict[Stack, int] = {}
        stack_ids = [table.setdefault(stack, len(table)) for stack in self.stacks]
        final = table.setdefault(self.final, len(table))
        text = json.dumps(
            {
                "v": STATE_VERSION,
                "root": self.root,
                "stacks": list(table),
                "final": final,
                "digests": b64encode(self.digests).decode(),
                "stack": stack_ids,
                "line": self.lines,
                "cards": self.cards,
                "unsettled": sorted(self.unsettled),
                "warnings": self.warnings,
            },
            ensure_ascii=True,  # a str of bytes: a quarter of one holding CJK
            separators=(",", ":"),
        )
        return zlib.compress(text.encode(), 1)


def load_state(blob: bytes, skipped_json: str) -> State | None:
    """The stored state (`blob`), with what the file's last import passed over
    (`skipped_json`, as `sources.SkippedJson` wrote it) put back in its sections."""
    raw = json.loads(zlib.decompress(blob))
    if raw.get("v") != STATE_VERSION:
        return None
    table = [tuple((level, name) for level, name in stack) for stack in raw["stacks"]]

    state = State(
        raw["root"],
        table[raw["final"]],
        bytearray(b64decode(raw["digests"])),
        [table[i] for i in raw["stack"]],
        raw["line"],
        raw["cards"],
        set(raw["unsettled"]),
        {},
        {int(i): items for i, items in raw["warnings"].items()},
    )
    lines = state.lines
    for item in json.loads(skipped_json):
        i = bisect_right(lines, item["line"]) - 1
        fields = [item["line"] - lines[i], item["text"], item["reason"], item["category"]]
        state.skipped.setdefault(i, []).append([*fields, item["deck"]])
    return state


def whole_state(
    root: str,
    sections: NoteSections,
    card_lines: Sequence[int],
    warnings: Sequence[CardWarning],
    unsettled_lines: set[int],
) -> State:
    """The state to store after reading the whole note (`card_lines`: its cards' lines
    in note order)."""
    blob = sections.digests
    lines = list(sections.lines)
    state = State(
        root,
        sections.final,
        bytearray(blob),
        sections.stacks,
        lines,
        [0] * len(lines),
    )
    cards = state.cards
    # Card lines rise in note order: count them section by section without a search.
    i, ends = 0, [*lines[1:], 1 << 62]
    for line in card_lines:
        while line >= ends[i]:
            i += 1
        if line < lines[i]:  # out of order after all: search
            i = bisect_right(lines, line) - 1
        cards[i] += 1
    for line in unsettled_lines:
        state.unsettled.add(bisect_right(lines, line) - 1)
    for warning in warnings:
        state.add_warning(bisect_right(lines, warning.line) - 1, warning)
    return state
