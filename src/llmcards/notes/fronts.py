"""What a front must be to read on its own: never a to-do marker, no section number
left over from the note's outline, and when short and generic, its context with it."""

from __future__ import annotations

import re

_TODO = re.compile(r"(?i:todo|tbd|fixme)|待办|待补充")
_TODO_FIRST = frozenset("TtFf待")
# `2.`, `2、`, `(2)`, `（2）`, `二、` before a question heading's text.
_SECTION = re.compile(
    r"\s*(?:\d{1,3}(?:\.\d{1,3})*[.、．]\s*|[(（]\d{1,3}[)）]\s*|[一二三四五六七八九十]{1,3}[、.．]\s*)"
)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
SHORT_CHARS = 12
SHORT_WORDS = 4


def is_todo(front: str) -> bool:
    """`TODO`, `TBD`, `FIXME`, `待办`, `待补充`, alone (a colon after it allowed)."""
    if front in TODO_MARKERS:
        return True
    if front[:1] not in _TODO_FIRST:
        return False
    return _TODO.fullmatch(front.rstrip(":： \t")) is not None


# The spellings seen in notes, for a membership test where every item passes by.
TODO_MARKERS = frozenset(
    spelled + colon
    for word in ("TODO", "TBD", "FIXME", "待办", "待补充")
    for spelled in {word, word.lower(), word.title()}
    for colon in ("", ":", "：")
)


def without_section_number(front: str) -> str:
    """`2.为什么需要 PEFT？` -> `为什么需要 PEFT？` (never down to nothing)."""
    match = _SECTION.match(front)
    if match is None or match.end() >= len(front):
        return front
    return front[match.end() :]


def needs_context(front: str) -> bool:
    """A short generic front (`作用`, `Purpose`, `Typical ranges`) says nothing of its
    subject: at most 12 characters, or at most 4 words (counted only without CJK,
    where four "words" can be a whole sentence), and no question mark."""
    if "?" in front or "？" in front:
        return False
    if len(front) <= SHORT_CHARS:
        return True
    return len(front.split(None, SHORT_WORDS)) <= SHORT_WORDS and _CJK.search(front) is None
