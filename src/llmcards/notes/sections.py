"""Sections: a note cut at its top-level headings, so a re-import reads only what changed.

A heading that is a top-level block (not in a list item, quote or footnote) closes every
Markdown block before it: what follows is read the same whatever came before, except
for the deck path the headings before it built (carried from section to section) and
a question heading still gathering its answer (rule 5; no cut is made while one may be).
So the outputs of a whole walk are the outputs of each section walked on its own, one
after the other, from the heading stack the sections before it left. Two things reach
across the whole note and rule sections out: link reference and footnote definitions
(`doc_wide`), and numbered items glued to the line before them (glue.py reads the
whole note again). This module is the one definition of where sections start (`split`)
and of walking one (`walk_section`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmcards.notes.frames import Out
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
    return _DEFINITION.search(data) is not None


@dataclass(slots=True)
class Section:
    start: int  # byte offset in the note's body
    end: int
    digest: str  # of the bytes [start, end)
    line: int  # of `start`, 1-based
    events: list[Any] | None = None  # pyromark's events of the section, when kept


def split(text: str, data: bytes, keep: Callable[[int, str], bool] | None = None) -> list[Section]:
    """The sections of the note `text` (`data`: its UTF-8 bytes), in order; the first
    holds what comes before the first cut (often nothing). `keep(index, digest)`: keep
    that section's events, to walk it."""
    sections: list[Section] = []
    pending: list[int] = []  # levels of headings that may be questions still gathering
    depth = 0  # open blocks
    start, line = 0, 1
    buffer: list[Any] | None = [] if keep is not None else None
    for pair in parse_events(text):
        event = pair[0]
        if event.__class__ is dict:
            opened = event.get("Start")
            if opened is not None:
                if opened.__class__ is dict and "Heading" in opened:
                    span = pair[1]
                    at = span["start"]
                    level = _LEVELS[opened["Heading"]["level"]]
                    if depth == 0:
                        while pending and pending[-1] >= level:
                            pending.pop()
                        if not pending and at > start:
                            line = _close(sections, data, start, at, line, buffer, keep)
                            start = at
                            if buffer is not None:
                                buffer = []
                    heading = data[at : span["end"]]
                    if any(mark in heading for mark in _QUESTION_BYTES):
                        pending.append(level)
                depth += 1
            elif "End" in event:
                depth -= 1
        if buffer is not None:
            buffer.append(pair)
    _close(sections, data, start, len(data), line, buffer, keep)
    return sections


def _close(
    sections: list[Section],
    data: bytes,
    start: int,
    end: int,
    line: int,
    buffer: list[Any] | None,
    keep: Callable[[int, str], bool] | None,
) -> int:
    """Append the section [start, end); the line `end` is on."""
    digest = hashlib.blake2b(data[start:end], digest_size=16).hexdigest()
    section = Section(start, end, digest, line)
    if keep is not None and keep(len(sections), digest):
        section.events = buffer
    sections.append(section)
    return line + data.count(b"\n", start, end)


def walk_section(
    text: str, source: Source, section: Section, stack: Stack
) -> tuple[list[Out], Stack]:
    """The outputs of one section, walked from the heading `stack` the sections before
    it left, and the stack it leaves. Raises glue.Glued like the whole walk."""
    assert section.events is not None
    walker = Walker(text, 0, source=source)
    walker.headings.resume(stack)
    outs: list[Out] = []
    for part in walk_events(walker, section.events, section.end):
        outs += part
    return outs, tuple(walker.headings.stack)


@dataclass
class NoteSections:
    """A whole walk's sections: what a later re-import compares with."""

    sections: list[Section]
    stacks: list[Stack]  # the heading stack each section starts from
    final: Stack


def note_sections(text: str, outline: Outline) -> NoteSections | None:
    """The sections of a note a whole walk just read (`outline`: what it saw), or None
    when the note cannot be read section by section."""
    data = text.encode("utf-8", "surrogatepass")
    if outline.glued or doc_wide(data):
        return None
    sections = split(text, data)
    stacks: list[Stack] = [()]
    for section in sections[1:]:
        stack = outline.stacks.get(section.start)
        if stack is None:  # every cut is at a heading the walk read as a deck
            return None
        stacks.append(stack)
    return NoteSections(sections, stacks, outline.final)
