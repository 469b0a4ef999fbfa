"""The one place that knows pyromark's options."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias, cast

import pyromark
from pyromark.event import Range

_Opt = pyromark.Options
# Front matter is handled before parsing (see frontmatter.py): pyromark would also
# take a `---` … `---` pair in the middle of a note for metadata and swallow it.
OPTIONS = (
    _Opt.ENABLE_TABLES
    | _Opt.ENABLE_TASKLISTS
    | _Opt.ENABLE_MATH
    | _Opt.ENABLE_STRIKETHROUGH
    | _Opt.ENABLE_FOOTNOTES
    | _Opt.ENABLE_WIKILINKS  # Obsidian's [[Target|Alias]] and ![[arch.png]]
)
_MARKDOWN = pyromark.Markdown(options=OPTIONS)


# pyromark's events as the walk reads them: a bare name ("SoftBreak", "HardBreak",
# "Rule") or a one-key dict {kind: value}; the walk dispatches on the key by hand.
RawEvent: TypeAlias = str | dict[str, Any]


def parse_events(text: str) -> Iterator[tuple[RawEvent, Range]]:
    """(event, byte range) pairs, text not merged."""
    return cast(Iterator[tuple[RawEvent, Range]], _MARKDOWN.events_with_range(text))
