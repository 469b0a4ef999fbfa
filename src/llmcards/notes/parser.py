"""The one place that knows pyromark's options."""

from __future__ import annotations

from collections.abc import Iterator

import pyromark
from pyromark.event import Event, Range

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


def parse_events(text: str) -> Iterator[tuple[Event, Range]]:
    """(event, byte range) pairs, text not merged."""
    return _MARKDOWN.events_with_range(text)
