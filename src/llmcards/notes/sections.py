"""Sections: a note cut at its top-level headings, so a re-import reads only what changed.

A heading that is a top-level block (not in a list item, quote or footnote) closes every
Markdown block before it: what follows is read the same whatever came before, except
for the deck path the headings before it built (carried from section to section) and
a question heading still gathering its answer (rule 5; no cut is made while one may be).
The same holds before an item of a top-level list, when nothing before it reaches
past it (see `split`). So the outputs of a whole walk are the outputs of each section
walked on its own, one after the other, from the heading stack the sections before it
left. Two things reach
across the whole note and rule sections out: link reference and footnote definitions
(`doc_wide`), and numbered items glued to the line before them (glue.py reads the
whole note again). This module is the one definition of where sections start (`split`)
and of walking one (`walk_section`).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from llmcards.notes.frames import ListFrame, Out
from llmcards.notes.parser import parse_events
from llmcards.notes.source import Source
from llmcards.notes.walk import Outline, Stack, walk_events
from llmcards.notes.walker import Walker

# A line that may hold a link reference or footnote definition (`[x]: url`, `[^1]: …`),
# also inside quotes and list items: more than the real ones, never fewer.
_DEFINITION = re.compile(rb"(?m)^[ \t>*+\-0-9.)]*\[[^\n]*?\]:")
_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
# A heading whose bytes hold none of these cannot read as a question (`？`, `?`, or an
# entity or escape that may become one).
_QUESTION_BYTES = (b"?", "？".encode(), b"&")


def doc_wide(data: bytes) -> bool:
    """Whether the note may hold a definition that changes how other sections read."""
    at = data.find(b"]:")
    while at >= 0:  # rare: only then is the line looked at
        start = data.rfind(b"\n", 0, at) + 1
        if _DEFINITION.match(data, start) is not None:
            return True
        at = data.find(b"]:", at + 2)
    return False


@dataclass(slots=True)
class Section:
    start: int  # byte offset in the note's body
    end: int
    digest: str  # of the bytes [start, end)
    line: int  # of `start`, 1-based
    # It starts at an item of a top-level list (of numbered items: True), not a heading.
    in_list: bool | None = None
    events: list[Any] | None = None  # pyromark's events of the section, when kept


Cut = tuple[int, bool | None]  # where a section starts, and its `in_list`


def split(text: str, data: bytes, keep: Callable[[int, str], bool] | None = None) -> list[Section]:
    """The sections of the note `text` (`data`: its UTF-8 bytes), in order; the first
    holds what comes before the first cut (often nothing). `keep(index, digest)`: keep
    that section's events, to walk it."""
    sections: list[Section] = []
    events: list[Any] = []  # the open section's
    opened: list[Any] = [0, 1, None]  # where the open section starts, its line, its in_list

    def close(end: int, in_list: bool | None) -> None:
        start, line, kind = opened
        section = Section(start, end, _digest(data, start, end).hex(), line, kind)
        if keep is not None and keep(len(sections), section.digest):
            section.events = events.copy()
        events.clear()
        sections.append(section)
        opened[:] = [end, line + data.count(b"\n", start, end), in_list]

    # The events go to `events` without a Python loop of their own: on a large note this
    # loop cost as much as the cuts' (~0.05 s of a re-import).
    deque(map(events.append, cutting(parse_events(text), data, [], close)), maxlen=0)
    close(len(data), None)
    return sections


def cutting(
    events: Iterable[Any],
    data: bytes,
    cuts: list[Cut],
    on_cut: Callable[[int, bool | None], None] | None = None,
) -> Iterator[Any]:
    """`events` (pyromark's, of the note whose bytes are `data`) passed on, each cut
    added to `cuts` (and told to `on_cut`) before the event that opens its section: the
    one definition of where sections start.

    A cut is made before a top-level heading, and before some items (`_chosen`) but the
    first of a top-level list, unless something before could still change what comes
    after it:
    a question heading gathering its answer (rule 5), a paragraph that may lead in the
    list (rule 7: each card takes its context), or an ordered list whose numbering may
    resume after the blocks that follow (sandwich.py).
    """
    pending: list[int] = []  # levels of headings that may be questions still gathering
    depth = 0  # open blocks
    last = ""  # what the last top-level block was
    in_list: bool | None = None  # the open top-level list is ordered
    cut_items = False  # its items may be cut apart
    items = 0  # its items so far
    resumable = False  # an ordered top-level list ended: a later one may resume it
    start = 0
    for pair in events:
        event = pair[0]
        # The most common event by far (for the bare names, a substring test that fails).
        if "Text" in event:
            yield pair
            continue
        if event.__class__ is not dict:
            if depth == 0 and event == "Rule":
                resumable = False
            yield pair
            continue
        opened = event.get("Start")
        if opened is None:
            if "End" in event:
                depth -= 1
                if depth == 0 and in_list is not None and "List" in event["End"]:
                    resumable = resumable or in_list
                    in_list = None
            yield pair
            continue
        cut = False
        heading = opened.__class__ is dict and "Heading" in opened
        if depth == 0:
            if heading:
                last = "Heading"
                resumable = False
                level = _LEVELS[opened["Heading"]["level"]]
                while pending and pending[-1] >= level:
                    pending.pop()
                cut = not pending
            elif opened.__class__ is not dict:
                last = opened
            elif "List" in opened:
                in_list = opened["List"] is not None
                if in_list:
                    resumable = False  # taken up or dropped right here
                cut_items = last != "Paragraph" and not resumable
                items = 0
                last = "List"
            else:
                last = next(iter(opened))
        elif depth == 1 and in_list is not None and opened == "Item":
            cut = items > 0 and cut_items and not pending and _chosen(data, pair[1]["start"])
            items += 1
        depth += 1
        if cut or heading:
            at = pair[1]["start"]
            if cut and at > start:
                cuts.append((at, in_list if depth == 2 else None))
                if on_cut is not None:
                    on_cut(*cuts[-1])
                start = at
            if heading and any(mark in data[at : pair[1]["end"]] for mark in _QUESTION_BYTES):
                pending.append(_LEVELS[opened["Heading"]["level"]])
        yield pair


def walk_section(
    text: str, source: Source, section: Section, stack: Stack
) -> tuple[list[Out], Stack]:
    """The outputs of one section, walked from the heading `stack` the sections before
    it left, and the stack it leaves. Raises glue.Glued like the whole walk."""
    assert section.events is not None
    walker = Walker(text, 0, source=source)
    walker.headings.resume(stack)
    if section.in_list is not None:  # the list it is part of was opened before it
        walker.lists.append(ListFrame(section.in_list, False))
    outs: list[Out] = []
    for part in walk_events(walker, section.events, section.end):
        outs += part
    return outs, tuple(walker.headings.stack)


@dataclass
class NoteSections:
    """A whole walk's sections, column by column (a large note has tens of thousands,
    sent between processes and stored): what a later re-import compares with."""

    lines: array[int]  # where each starts, 1-based
    digests: bytes  # DIGEST bytes each: of its bytes
    stacks: list[Stack]  # the heading stack each starts from
    final: Stack  # the stack at the end of the note


def note_sections(outline: Outline) -> NoteSections | None:
    """The sections of a note a whole walk just read (`outline`: what it saw, its cuts
    included), or None when the note cannot be read section by section."""
    data = outline.data
    if outline.glued or doc_wide(data):
        return None
    lines, digests = array("q"), []
    stacks: list[Stack] = [()]
    start, line = 0, 1
    for at, _in_list in outline.cuts:
        stack = outline.stacks.get(at)
        if stack is None:  # every cut is at a heading or item the walk saw
            return None
        stacks.append(stack)
        lines.append(line)
        digests.append(_digest(data, start, at))
        line += data.count(b"\n", start, at)
        start = at
    lines.append(line)
    digests.append(_digest(data, start, len(data)))
    return NoteSections(lines, b"".join(digests), stacks, outline.final)


def _chosen(data: bytes, at: int) -> bool:
    """Whether an item that may start a section does: about one in four, chosen by its
    first bytes, so the same item is chosen whatever changed around it. Fewer, larger
    sections cost less to compare and store; an edit reads a few more items again."""
    return zlib.crc32(data[at : at + 24]) & 3 == 0


DIGEST = 12  # bytes: two of tens of thousands of sections equal by chance: ~1e-20


def _digest(data: bytes, start: int, end: int) -> bytes:
    return hashlib.blake2b(data[start:end], digest_size=DIGEST).digest()
