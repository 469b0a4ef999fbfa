"""Math in notes: `$…$`, `$$…$$`, `\\(…\\)` and `\\[…\\]`, one definition for the reader
and for every place that shows a card.

The reader keeps math as written and never looks inside it for separators, emphasis
or clozes (pyromark reads `$` math itself; `\\(` and `\\[` are only escapes to it, so
their pieces are joined here). Screens show math as readable Unicode (pylatexenc's
LatexNodes2Text); the Anki export writes MathJax delimiters; CSV keeps it as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from llmcards.notes import pieces as P

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

# `\(…\)` / `\[…\]` inside one head line (bytes of the note).
_ESCAPED_MATH = re.compile(rb"\\\((.+?)\\\)|\\\[(.+?)\\\]")

# Math in a Markdown text (a front, an answer); code spans and fences are matched
# first so that math-looking text inside them is left alone.
_MATH = re.compile(
    r"(?P<code>`+)[\s\S]*?(?P=code)"
    r"|\$\$(?P<display>[\s\S]+?)\$\$"
    r"|\\\[(?P<display2>[\s\S]+?)\\\]"
    r"|\\\((?P<inline2>[\s\S]+?)\\\)"
    r"|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?![\w$])"
)
# `\(…\)` and `\[…\]` are also how Markdown escapes brackets (`\[CLS\]`): they are
# math only when what they hold reads like math (a command, an operator, one symbol).
_MATH_SIGN = re.compile(r"[\\^_={}+\-*/<>|()\[\]]|^\s*\S\s*$")
# What Markdown would read as markup in text that replaces math.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")


def with_written_math(head: Sequence[P.Piece], data: bytes, start: int, end: int) -> list[P.Piece]:
    """`head` with each `\\(…\\)` / `\\[…\\]` in bytes [start, end) as one MATH piece
    holding it as written (the pieces inside it dropped; the text piece that holds the
    closing delimiter keeps what follows it)."""
    spans = [
        m.span()
        for m in _ESCAPED_MATH.finditer(data, start, end)
        if looks_like_math((m.group(1) or m.group(2)).decode("utf-8", "replace"))
    ]
    if not spans:
        return list(head)
    out: list[P.Piece] = []
    at = 0
    for piece in head:
        kind, value, p_start, p_end = piece
        while at < len(spans) and p_start >= spans[at][1]:
            at += 1
        if at == len(spans) or p_start < spans[at][0] - 1:
            out.append(piece)
            continue
        m_start, m_end = spans[at]
        if not out or out[-1][2] != m_start:
            out.append((P.MATH, data[m_start:m_end].decode("utf-8", "replace"), m_start, m_end))
        if kind == P.TEXT and p_end > m_end:
            inside = len(data[p_start:m_end].decode("utf-8", "replace"))
            out.append((P.TEXT, value[inside:], m_end, p_end))
    return out


def looks_like_math(inner: str) -> bool:
    return _MATH_SIGN.search(inner) is not None


def math_spans(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, inner, display) of each math span of a Markdown text."""
    found = []
    for match in _MATH.finditer(text):
        if match.group("code") is not None:
            continue
        escaped = match.group("display2") or match.group("inline2")
        if escaped is not None and not looks_like_math(escaped):
            continue  # `\\[CLS\\]`: brackets escaped in Markdown, not math
        display = match.group("display") or match.group("display2")
        inner = display if display is not None else match.group("inline2") or match.group("inline")
        found.append((match.start(), match.end(), inner, display is not None))
    return found


def replace_math(text: str, replace: Callable[[str, bool, str], str]) -> str:
    """`text` with each math span replaced by `replace(inner, display, written)`."""
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return text
    out: list[str] = []
    pos = 0
    for start, end, inner, display in math_spans(text):
        out.append(text[pos:start])
        out.append(replace(inner, display, text[start:end]))
        pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def math_to_unicode(text: str, *, markdown: bool = False) -> str:
    """Math made readable in a terminal: `$\\sqrt{d_k}$` -> `√(d_k)`. `markdown`: the
    text is Markdown, so the result is escaped to stay text."""

    def unicode(inner: str, display: bool, written: str) -> str:
        try:
            shown = _converter().latex_to_text(_spaced(inner)).strip()
        except Exception:  # pylatexenc is lenient; never lose a card over its math
            shown = inner
        return _MARKDOWN_SPECIAL.sub(r"\\\1", shown) if markdown else shown

    return replace_math(text, unicode)


# Spaces before a command: LaTeX drops those after a command word, so `\\log \\hat{y}` read
# `logŷ` and `a \\cdot \\hat{b}` read `a ·b̂`. Written as a control space (`\\ `) they stay.
_SPACE_BEFORE_COMMAND = re.compile(r"(\\[A-Za-z]+)?(?<=[^\s\\])([ \t]+)(?=\\[A-Za-z])")


def _spaced(inner: str) -> str:
    """`inner` with the spaces before a command kept, unless they follow a command that
    takes its argument unbraced (`\\hat \\alpha` is one hatted alpha)."""

    def keep(match: re.Match[str]) -> str:
        command = match.group(1)
        if command and _takes_arguments(command[1:]):
            return match.group(0)
        return (command or "") + "\\ "

    return _SPACE_BEFORE_COMMAND.sub(keep, inner)


@lru_cache(maxsize=256)
def _takes_arguments(name: str) -> bool:
    from pylatexenc.latexwalker import get_default_latex_context_db

    spec = get_default_latex_context_db().get_macro_spec(name)
    return spec is not None and bool(spec.args_parser.argspec)


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text

    # Spaces as written: with False, `X \\to Y` lost the one before Y (`X →Y`).
    return LatexNodes2Text(math_mode="text", strict_latex_spaces="based-on-source")
