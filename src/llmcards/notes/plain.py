"""Inline Markdown -> the plain text of a front: emphasis dropped, a link becomes its
text, code spans keep their backticks, `<sub>`/`<sup>` become Unicode where possible."""

from __future__ import annotations

import re
from collections.abc import Sequence

from llmcards.notes import pieces as P
from llmcards.notes.html import TAG, attrs, script
from llmcards.notes.parser import parse_events

_LEADING_COUNTER = re.compile(r"\s*\d{1,4}\s+\Z")


def plain(pieces: Sequence[P.Piece]) -> str:
    """Plain text of a run of inline pieces, white space collapsed."""
    if len(pieces) == 1 and pieces[0][0] == P.TEXT:
        return collapse(pieces[0][1])
    out: list[str] = []
    capture: list[tuple[str, int]] = []  # open <sub>/<sup>: (tag, index into out)
    for kind, value, _start, _end in pieces:
        if kind == P.TEXT:
            out.append(value)
        elif kind == P.CODE:
            out.append(_code_span(value))
        elif kind == P.MATH:
            out.append(value)  # as written, delimiters included
        elif kind == P.HTML:
            low = value.lower()
            if low in ("<sub>", "<sup>"):
                capture.append((low[1:4], len(out)))
            elif low in ("</sub>", "</sup>") and capture and capture[-1][0] == low[2:5]:
                _, at = capture.pop()
                inner = "".join(out[at:])
                del out[at:]
                out.append(script(inner, low == "</sup>"))
            else:
                _html_tags(value, out, capture)
    return collapse("".join(out))


def collapse(text: str) -> str:
    if "\n" in text or "  " in text or "\t" in text or "\u3000" in text or "\xa0" in text:
        return " ".join(text.split())
    return text.strip()


def head_plain(pieces: Sequence[P.Piece]) -> str:
    """Plain head; a day counter before a link (`24 [GPT 论文精读](…)`) is dropped,
    since in a reading log it numbers the entry, it is not part of the title."""
    return plain(without_counter(pieces))


def without_counter(pieces: Sequence[P.Piece]) -> Sequence[P.Piece]:
    if (
        len(pieces) > 1
        and pieces[0][0] == P.TEXT
        and pieces[1][0] == P.LINK
        and _LEADING_COUNTER.match(pieces[0][1])
    ):
        return pieces[1:]
    return pieces


def markdown_to_plain(markdown: str) -> str:
    """Plain text of a small Markdown snippet (a cloze paragraph), parsed for real."""
    collected: list[P.Piece] = []
    for event, _span in parse_events(markdown):
        if isinstance(event, str):
            collected.append((P.TEXT, " ", 0, 0))
            continue
        ((key, value),) = event.items()
        if key == "Text":
            collected.append((P.TEXT, value, 0, 0))
        elif key == "Code":
            collected.append((P.CODE, value, 0, 0))
        elif key in ("InlineMath", "DisplayMath"):
            written = "$$" + value + "$$" if key == "DisplayMath" else "$" + value + "$"
            collected.append((P.MATH, written, 0, 0))
        elif key in ("InlineHtml", "Html"):
            collected.append((P.HTML, value, 0, 0))
        elif key == "End" and value in ("Paragraph", "Item"):
            collected.append((P.TEXT, " ", 0, 0))
    return plain(collected)


def _code_span(code: str) -> str:
    fence = "``" if "`" in code else "`"
    return fence + code + fence


def _html_tags(raw: str, out: list[str], capture: list[tuple[str, int]]) -> None:
    pos = 0
    for match in TAG.finditer(raw):
        out.append(raw[pos : match.start()])
        pos = match.end()
        tag = (match.group(2) or "").lower()
        if tag in ("sub", "sup"):
            if match.group(1):
                if capture and capture[-1][0] == tag:
                    _, at = capture.pop()
                    inner = "".join(out[at:])
                    del out[at:]
                    out.append(script(inner, tag == "sup"))
            else:
                capture.append((tag, len(out)))
        elif tag == "img" and not match.group(1):
            out.append(attrs(match.group(3) or "").get("alt", ""))
        elif tag == "br":
            out.append(" ")
    out.append(raw[pos:])
