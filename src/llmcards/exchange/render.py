"""Card text as Anki fields: Markdown rendered to HTML.

`html=False`: raw HTML in the notes (a `<script>`, an `<iframe>`) is shown as text, not
run inside Anki's card view. Images stay links to their URL; no media is bundled.
"""

from __future__ import annotations

import html
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "breaks": False}).enable(["table", "strikethrough"])


def markdown_to_html(text: str) -> str:
    """A block of Markdown (an answer, a cloze text) as HTML."""
    if not text.strip():
        return ""
    return _markdown().render(text).strip()


def inline_to_html(text: str) -> str:
    """One line (a front): code spans and emphasis rendered, no paragraph around it."""
    if not text.strip():
        return ""
    return _markdown().renderInline(text).strip()


def plain_to_html(text: str) -> str:
    return html.escape(text, quote=False)
