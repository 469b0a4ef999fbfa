"""Paragraphs outside list items: lead-ins (rule 7) and bold labels (rule 8) are read
from their inline pieces, parsed again from the paragraph's small slice only when
its bytes can be one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pyromark.event import Range

from llmcards.notes import pieces as P
from llmcards.notes.parser import parse_events
from llmcards.notes.plain import plain
from llmcards.notes.source import Source

MAX_LEADIN = 80
_EMPHASIS = ("Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript")
_LEADIN_ENDS = (b":", "：".encode(), b"*", b"_", b">")
_COLONS = (b":", "：".encode())
_CLOSERS = re.compile(rb"(?:</?\w+>|[*_])+\Z")
_BOLD_OPENERS = (b"**", b"__", b"<b>", b"<B>", b"<strong>", b"<STRONG>")


def paragraph_pieces(markdown: str, base: int) -> tuple[list[P.Piece], list[P.Piece]]:
    """Inline pieces of a paragraph's first line and of the rest, offsets shifted to
    the whole note (`base` is where the paragraph starts)."""
    head: list[P.Piece] = []
    rest: list[P.Piece] = []
    out = head
    open_links: list[bool] = []
    encoded = markdown.encode("utf-8", "surrogatepass")
    events: Iterator[tuple[Any, Range]] = parse_events(markdown)
    for event, span in events:
        if event.__class__ is str:
            if out is head and head:
                out = rest
            else:
                out.append((P.TEXT, " ", 0, 0))
            continue
        ((key, value),) = event.items()
        s, e = span["start"] + base, span["end"] + base
        if key == "Text":
            out.append((P.TEXT, value, s, e))
        elif key == "Code":
            out.append((P.CODE, value, s, e))
        elif key in ("InlineMath", "DisplayMath"):
            written = encoded[span["start"] : span["end"]].decode("utf-8", "replace")
            out.append((P.MATH, written, s, e))
        elif key == "InlineHtml":
            out.append((P.HTML, value, s, e))
        elif key in ("Start", "End"):
            name = value if value.__class__ is str else next(iter(value))
            if name in _EMPHASIS:
                out.append((P.EMPH if key == "Start" else P.EMPH_END, name, s, e))
            elif name == "Link":
                if key == "Start":
                    wiki = value[name]["link_type"].__class__ is dict  # Obsidian's: text
                    open_links.append(wiki)
                    if not wiki:
                        out.append((P.LINK, value[name]["dest_url"], s, e))
                elif not (open_links and open_links.pop()):
                    out.append((P.LINK_END, "", s, e))
            elif name == "Image":
                url = value[name]["dest_url"] if key == "Start" else ""
                out.append((P.IMAGE if key == "Start" else P.IMAGE_END, url, s, e))
            elif key == "End" and name == "Paragraph":
                break
    return head, rest


def leadin_text(source: Source, start: int, end: int) -> str | None:
    """Rule 7: the context a one-line paragraph gives the list right after it, when it
    ends in a colon (`下面是一般的微调步骤：`) or is a bold label alone (`**优点**`)."""
    raw = source.data[start:end].rstrip()
    if b"\n" in raw or len(raw) > 4 * MAX_LEADIN or not raw.endswith(_LEADIN_ENDS):
        return None
    if not _CLOSERS.sub(b"", raw).endswith(_COLONS) and not raw.startswith(_BOLD_OPENERS):
        return None
    head, _ = paragraph_pieces(source.text(start, end), start)
    text = plain(head)
    if text.endswith((":", "：")):
        text = text.rstrip(":： \t")
    elif not _bold_alone(head):
        return None
    return text if 0 < len(text) <= MAX_LEADIN else None


def may_open_with_bold(data: bytes, start: int) -> bool:
    return data.startswith(_BOLD_OPENERS, start)


def bold_end(head: list[P.Piece]) -> int:
    """Index of the piece that closes the bold term opening `head`, or -1."""
    if not head:
        return -1
    kind, value = head[0][0], head[0][1]
    if kind == P.EMPH and value == "Strong":
        depth = 0
        for i, (k, v, _s, _e) in enumerate(head):
            if k == P.EMPH and v == "Strong":
                depth += 1
            elif k == P.EMPH_END and v == "Strong":
                depth -= 1
                if not depth:
                    return i
        return -1
    if kind == P.HTML and value.lower() in ("<b>", "<strong>"):
        closer = "</" + value[1:].lower()
        for i, (k, v, _s, _e) in enumerate(head):
            if k == P.HTML and v.lower() == closer:
                return i
    return -1


def _bold_alone(head: list[P.Piece]) -> bool:
    end = bold_end(head)
    if end < 0:
        return False
    return all(k == P.TEXT and not v.strip(":： \t") for k, v, _s, _e in head[end + 1 :])
