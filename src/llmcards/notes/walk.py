"""The single pass over pyromark's events, and reading again when needed.

`walk` feeds every event to its handler on `Walker` (walker.py): a dict lookup per
event, then one method call, so a rule about one kind of Markdown lives in one small
method. When the pass meets a numbered item glued to the line before it (glue.py), the
note is read again with such items set apart.

Outputs leave in batches as soon as nothing later can change them, so an importer can
store the first cards of a large note while the rest is still being parsed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from llmcards.notes.frames import Out
from llmcards.notes.glue import Glued, find_glued, unglue
from llmcards.notes.parser import parse_events
from llmcards.notes.walker import Handler, Span, Walker

Stack = tuple[tuple[int, str], ...]  # (level, name) of the headings a deck path is made of


@dataclass
class Outline:
    """What a whole walk saw of the note's headings, for sections.py."""

    glued: bool = False  # read again with glued items set apart: offsets are not the note's
    stacks: dict[int, Stack] = field(default_factory=dict)  # see Walker.stacks
    final: Stack = ()  # the heading stack at the end of the note
    data: bytes = b""  # the note as walked
    cuts: list[tuple[int, bool | None]] = field(default_factory=list)  # sections.cutting


def walk(text: str, batch: int = 0, outline: Outline | None = None) -> Iterator[list[Out]]:
    """The note's outputs in note order: lists of about `batch` (0: one list at the end).

    When the pass meets a numbered item glued to the line before it (see glue.py), it
    starts over on the note read with the glued items set apart; outputs already
    handed out are the same in both readings and are not handed out twice. `outline`,
    when given, is filled in once the walk is over.
    """
    data = b""
    glued: list[int] = []
    current, added = text, list[int]()
    sent = 0
    while True:
        skip = sent
        walker = Walker(current, batch, added)
        events = parse_events(current)
        if outline is not None and not added:
            from llmcards.notes.sections import cutting

            outline.cuts = []
            events = cutting(events, walker.data, outline.cuts)
        try:
            for outs in walk_events(walker, events):
                if skip:
                    if len(outs) <= skip:
                        skip -= len(outs)
                        continue
                    outs = outs[skip:]
                    skip = 0
                sent += len(outs)
                yield outs
            if outline is not None:
                outline.glued = bool(added)
                outline.stacks = walker.stacks
                outline.final = walker.headings.frozen
                outline.data = walker.data
            return
        except Glued as found:
            if not data:
                data = text.encode("utf-8", "surrogatepass")
                glued = find_glued(data)
            glued.append(found.offset - bisect_left(added, found.offset))
            current, added = unglue(data, glued)


def walk_events(
    walker: Walker, events: Iterable[tuple[Any, Span]], end: int | None = None
) -> Iterator[list[Out]]:
    """One reading of the note (or of a section's `events`, which ends at byte `end`):
    each event to its handler (Start and End events by the name of what they open or
    close)."""
    handlers: dict[str, Handler] = {
        "Code": walker.code,
        "InlineMath": walker.math,
        "DisplayMath": walker.math,
        "InlineHtml": walker.inline_html,
        "Html": walker.html,
        "TaskListMarker": walker.task_marker,
        "FootnoteReference": walker.footnote_reference,
    }
    on_text, on_break, ready = walker.text, walker.on_break, walker.ready
    named = {"Start": walker.start_named, "End": walker.end_named}
    tagged = {"Start": walker.start_tagged, "End": walker.end_tagged}
    # Events as `Any`: their union type would cost an isinstance per event to narrow.
    for event, span in events:
        if event.__class__ is str:
            on_break(event, span)
            continue
        ((key, value),) = event.items()
        if key == "Text":  # the most common event by far
            on_text(value, span)
            continue
        by_name = named.get(key)
        if by_name is None:
            handler = handlers.get(key)
        elif value.__class__ is str:
            handler = by_name.get(value)
        else:
            ((tag, value),) = value.items()
            handler = tagged[key].get(tag)
        if handler is not None:
            handler(value, span)
            if ready:
                yield ready.pop()
    yield walker.finish(end)
