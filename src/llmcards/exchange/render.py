"""Card text as Anki fields: Markdown rendered to HTML.

Rendered with pyromark (pulldown-cmark; tables and strikethrough on), which the importer
already uses: markdown-it-py took ~0.5 ms a card, a minute for 100k cards, against a
10 s budget for the whole export. Raw HTML in the notes (a `<script>`, an `<iframe>`)
is shown as text, never run inside Anki's card view: pulldown-cmark has no switch for
that (markdown-it's `html=False`), so the spans it reports as raw HTML have their `<`
written as `&lt;` before rendering, which makes them plain text. Images keep their URL;
images stored beside the notes are packed with the package (`media.py`).
"""

from __future__ import annotations

import html

import pyromark

OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
_RAW = ("Html", "InlineHtml")


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


def markdown_to_html(text: str) -> str:
    """A block of Markdown (an answer, a cloze text) as HTML."""
    if not text.strip():
        return ""
    return pyromark.html(neutralize_raw_html(text), options=OPTIONS).strip()


def inline_to_html(text: str) -> str:
    """One line (a front): code spans and emphasis rendered, no paragraph around it."""
    rendered = markdown_to_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


def plain_to_html(text: str) -> str:
    return html.escape(text, quote=False)
