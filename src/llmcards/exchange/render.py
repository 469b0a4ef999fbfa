"""Card text as Anki fields: Markdown rendered to HTML.

Rendered with pyromark (pulldown-cmark; tables and strikethrough on), which the importer
already uses: markdown-it-py took ~0.5 ms a card, a minute for 100k cards, against a
10 s budget for the whole export. Raw HTML in the notes (a `<script>`, an `<iframe>`)
is shown as text, never run inside Anki's card view: pulldown-cmark has no switch for
that (markdown-it's `html=False`), so the spans it reports as raw HTML have their `<`
written as `&lt;` before rendering, which makes them plain text. Images keep their URL;
images stored beside the notes are packed with the package (`media.py`).

Anki shows fields as HTML with scripts on, so a link may only lead somewhere harmless:
http(s), mailto, or a relative path. `[x](javascript:…)`, `<javascript:…>`, `data:`,
`vbscript:`, `file:` … lose their target (the text stays); an image with such a source
loses its source. The same applies to cards that came from an Anki package, whose HTML
was turned into Markdown on import and is rendered here again.

An Obsidian callout in an answer (`> [!note] Title`) is a block quote whose first line
is its title in bold (the type's name when it has none, as Obsidian shows it), not the
raw `[!note]` marker, which Anki has no way to read.
"""

from __future__ import annotations

import html
import re

import pyromark

from llmcards.notes.callouts import wikilinks_as_markdown
from llmcards.notes.math import replace_math

OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
_RAW = ("Html", "InlineHtml")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# The renderer's own attributes: raw HTML never gets this far as markup.
_URL_ATTR = re.compile(r'(<a |<img )(href|src)="([^"]*)"( ?)')
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers drop these anywhere in a URL before reading its scheme (`java\tscript:`).
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
# At the start of a block quote's first paragraph: `[!type]`, a fold sign, the title.
_CALLOUT_HEAD = re.compile(rb"\[!([A-Za-z0-9_-]+)\][+-]?[ \t]*([^\n]*)")


def safe_url(url: str) -> bool:
    """Whether a link target is http(s), mailto or relative (no scheme at all)."""
    cleaned = _IGNORED_IN_URL.sub("", html.unescape(url))
    scheme = _SCHEME.match(cleaned)
    return scheme is None or scheme[1].lower() in SAFE_SCHEMES


def _drop_unsafe_urls(rendered: str) -> str:
    if "<a " not in rendered and "<img " not in rendered:
        return rendered

    def check(match: re.Match[str]) -> str:
        if safe_url(match[3]):
            return match[0]
        return match[1] if match[4] else match[1].rstrip()  # keep the other attributes

    return _URL_ATTR.sub(check, rendered)


def neutralize_raw_html(text: str) -> str:
    """The same Markdown with every raw HTML span turned into literal text."""
    if "<" not in text:
        return text
    data = text.encode()
    pieces: list[bytes] = []
    last = 0
    for event, span in pyromark.events_with_range(text, options=OPTIONS):
        if isinstance(event, dict) and any(kind in event for kind in _RAW):
            start, end = span["start"], span["end"]
            if start < last:
                continue
            pieces.append(data[last:start])
            pieces.append(data[start:end].replace(b"<", b"&lt;"))
            last = end
    if not pieces:
        return text
    pieces.append(data[last:])
    return b"".join(pieces).decode()


def callout_titles(text: str) -> str:
    """The same Markdown with each callout's `[!type] Title` line as `**Title**`, a line
    of its own above the callout's content (code blocks and plain quotes untouched)."""
    if "[!" not in text:
        return text
    data = text.encode()
    pieces: list[bytes] = []
    last = 0
    quote_opened = False
    for event, span in pyromark.events_with_range(text, options=OPTIONS):
        if isinstance(event, dict) and event.get("Start") == {"BlockQuote": None}:
            quote_opened = True
            continue
        if not quote_opened:
            continue
        quote_opened = False
        if event != {"Start": "Paragraph"}:
            continue
        head = _CALLOUT_HEAD.match(data, span["start"])
        if head is None or head.start() < last:
            continue
        kind, title = head[1].decode(), head[2].decode().strip()
        shown = title or kind.replace("-", " ").replace("_", " ").capitalize()
        more = head.end() < span["end"] and data[head.end() : span["end"]].strip()
        pieces += [data[last : head.start()], f"**{shown}**{chr(92) if more else ''}".encode()]
        last = head.end()
    if not pieces:
        return text
    pieces.append(data[last:])
    return b"".join(pieces).decode()


def markdown_to_html(text: str, *, mathjax: bool = True) -> str:
    """A block of Markdown (an answer, a cloze text) as HTML. Math is never read as
    Markdown (`$a_i * b_i$` holds no emphasis): it is written with MathJax delimiters,
    which Anki renders, or kept as written (`mathjax=False`, for CSV)."""
    if not text.strip():
        return ""
    text, formulas = _without_math(wikilinks_as_markdown(text), mathjax)
    text = callout_titles(neutralize_raw_html(text))
    rendered = pyromark.html(text, options=OPTIONS).strip()
    for token, formula in formulas:
        rendered = rendered.replace(token, formula, 1)
    return _drop_unsafe_urls(rendered)


def inline_to_html(text: str, *, mathjax: bool = True) -> str:
    """One line (a front): code spans and emphasis rendered, no paragraph around it."""
    rendered = markdown_to_html(text, mathjax=mathjax)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


def plain_to_html(text: str, *, mathjax: bool = True) -> str:
    if mathjax:
        text = replace_math(text, _mathjax)
    return html.escape(text, quote=False)


def _mathjax(inner: str, display: bool, written: str) -> str:
    return f"\\[{inner}\\]" if display else f"\\({inner}\\)"


def _without_math(text: str, mathjax: bool) -> tuple[str, list[tuple[str, str]]]:
    """`text` with each math span replaced by a token Markdown leaves alone, and the
    HTML each token stands for."""
    formulas: list[tuple[str, str]] = []

    def token(inner: str, display: bool, written: str) -> str:
        shown = _mathjax(inner, display, written) if mathjax else written
        formulas.append((f"LLMCARDSMATH{len(formulas)}X", html.escape(shown, quote=False)))
        return formulas[-1][0]

    return replace_math(text, token), formulas
