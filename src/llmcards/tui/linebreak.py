"""Chinese lines in the app break between characters (`llmcards.linebreak`'s rule).

Textual wraps every widget's text (`Static`, Markdown blocks, tables, labels) with
`Content`, which divides lines with Rich's `divide_line`; the TextArea wraps with
Textual's own `compute_wrap_offsets`. Both find their breakable "words" with one
module-level pattern, replaced here when the app starts. Textual is pinned, and
tests/tui/test_linebreak.py fails if an upgrade stops reading those patterns.
"""

from __future__ import annotations

from llmcards.linebreak import TEXTUAL_CHUNK, put_in_place, use_for_rich


def install() -> None:
    """Idempotent: every app built (the tests build many) calls it."""
    import textual._wrap

    use_for_rich()
    put_in_place(textual._wrap, "re_chunk", TEXTUAL_CHUNK)
