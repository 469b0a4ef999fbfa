"""YAML front matter at the top of a note: metadata, never a heading or a card."""

from __future__ import annotations

import re

_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TITLE = re.compile(r"^title[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(title, text with the front matter blanked out).

    The block is replaced by as many empty lines, so line numbers stay true.
    """
    match = _FRONT.match(text)
    if match is None:
        return None, text
    title = None
    found = _TITLE.search(match.group(1) or "")
    if found:
        title = _unquote(found.group(1)) or None
    block = match.group(0)
    return title, "\n" * block.count("\n") + text[match.end() :]


def _unquote(value: str) -> str:
    value = value.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value.strip()
