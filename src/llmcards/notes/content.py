"""What an answer is made of: real text, only links, images (content flags)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from llmcards.notes import pieces as P

_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]{1,15}://|www\.)\S+")
# Punctuation and list-ish glue that sits between links without being an answer.
_GLUE = " \t\n\r\u3000,，、;；|/:：.。-–—·•()（）[]【】<>《》!！?？\"'“”‘’…~*_=+#>"


def classify_text(text: str) -> int:
    if "://" in text or "www." in text:
        rest = _URL.sub("", text)
        if rest.strip(_GLUE):
            return P.HAS_TEXT
        return P.HAS_LINK if len(rest) != len(text) else 0
    return P.HAS_TEXT if text.strip(_GLUE) else 0


def classify_html(raw: str) -> int:
    low = raw.lower()
    if "<img" in low:
        return P.HAS_IMAGE
    if "<a " in low or "<a>" in low:
        return P.HAS_LINK
    if "<" not in low:
        return classify_text(raw)
    return P.HAS_TEXT if re.sub(r"<[^>]*>", "", raw).strip(_GLUE) else 0


def html_media_flags(raw: str) -> int:
    """`classify_html(raw) & ~HAS_TEXT` without stripping tags to look for text that
    is masked out anyway (inline HTML in a head or body: `<sub>`, `<br>`, …)."""
    low = raw.lower()
    if "<img" in low:
        return P.HAS_IMAGE
    if "<a " in low or "<a>" in low:
        return P.HAS_LINK
    if "<" not in low:
        return classify_text(raw) & ~P.HAS_TEXT
    return 0


def pieces_flags(pieces: Sequence[P.Piece]) -> int:
    """Content flags of inline pieces (a head, or the rest of one after a separator)."""
    if len(pieces) == 1 and pieces[0][0] == P.TEXT:
        return classify_text(pieces[0][1])
    flags = 0
    link = 0
    for kind, value, _s, _e in pieces:
        if kind == P.TEXT:
            if link:
                flags |= P.HAS_LINK
            elif value:
                flags |= classify_text(value)
        elif kind == P.LINK:
            link += 1
            flags |= P.HAS_LINK
        elif kind == P.LINK_END:
            link = max(0, link - 1)
        elif kind == P.IMAGE:
            flags |= P.HAS_IMAGE
        elif kind in (P.CODE, P.MATH):
            flags |= P.HAS_TEXT
        elif kind == P.HTML:
            low = value.lower()
            if low.startswith("<a ") or low == "<a>":
                link += 1
                flags |= P.HAS_LINK
            elif low.startswith("</a"):
                link = max(0, link - 1)
            else:
                flags |= html_media_flags(value)
    return flags
