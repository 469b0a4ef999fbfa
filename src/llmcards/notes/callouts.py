"""Obsidian notes: callouts (`> [!note] Title`, `> [!tip]- Title`) and wikilinks.

A titled callout is read like a list item whose head is its title and whose body is
the callout's content; one without a title is only its content. In an answer shown or
exported, `[[Target|Alias]]` is its text and `![[arch.png]]` a Markdown image."""

from __future__ import annotations

import re

from llmcards.notes import pieces as P

_CALLOUT = re.compile(rb"[ \t]*>[ \t]?\[![A-Za-z0-9_-]+\][+-]?[ \t]*(?=\S)")
_QUOTE_MARK = re.compile(r"(?m)^[ \t]{0,3}> ?")
# Code first, so that `[[…]]` inside code spans and fences stays as written.
_WIKILINK = re.compile(
    r"(?P<code>`+)[\s\S]*?(?P=code)|(?P<embed>!?)\[\[(?P<target>[^\[\]|\n]+)(?:\|(?P<alias>[^\[\]\n]+))?\]\]"
)


def title_start(data: bytes, quote_start: int) -> int | None:
    """Byte where a titled callout's title starts; None for any other block quote."""
    match = _CALLOUT.match(data, quote_start)
    return match.end() if match is not None else None


def without_marker(head: list[P.Piece], start: int, data: bytes) -> list[P.Piece]:
    """The head from byte `start` on: the `[!type]` marker and its fold sign dropped."""
    out: list[P.Piece] = []
    for kind, value, p_start, p_end in head:
        if p_end <= start:
            continue
        if p_start < start and kind == P.TEXT:
            cut = len(data[p_start:start].decode("utf-8", "replace"))
            out.append((kind, value[cut:], start, p_end))
            continue
        out.append((kind, value, p_start, p_end))
    return out


def unquote(text: str) -> str:
    """Markdown from inside a block quote without its `>` markers."""
    return _QUOTE_MARK.sub("", text)


def wikilinks_as_markdown(text: str) -> str:
    """`[[Target|Alias]]` -> `Alias`, `[[Target]]` -> `Target`, `![[a.png]]` -> `![a.png](a.png)`
    (spaces %-escaped, as links to files beside the notes allow), so a Markdown renderer
    shows them."""
    if "[[" not in text:
        return text
    return _WIKILINK.sub(_as_markdown, text)


def _as_markdown(match: re.Match[str]) -> str:
    if match.group("code") is not None:
        return match.group(0)
    target = match.group("target").strip()
    if match.group("embed"):
        return f"![{target}]({target.replace(' ', '%20')})"
    return (match.group("alias") or target).strip()
