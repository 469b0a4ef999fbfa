"""Turn a card's Markdown back into what the answer pane shows. Pure, no Textual.

A terminal cannot show pictures, so each image becomes a `↗ host/path` link line that
a click or `o` opens. Every link (images, Markdown links, bare URLs) is collected so
`o` knows which one is "the first". An image stored beside the notes (`picture/arch.png`)
opens as its file (a file: URL, which the Markdown itself cannot carry: markdown-it
refuses file: links), so it shows in the image viewer. Math shows as Unicode (`√(d_k)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from llmcards.notes.callouts import wikilinks_as_markdown
from llmcards.notes.math import math_to_unicode
from llmcards.paths import file_beside_notes
from llmcards.tui.format import short_url
from llmcards.wording import counted

# Characters of an answer the pane shows. A whole pasted article (megabytes on one line)
# took seconds to lay out before the card showed, and as long again to leave it; the
# import already lists such answers as worth a second look.
MAX_SHOWN = 20_000
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class PreparedAnswer:
    markdown: str
    links: tuple[str, ...]  # in reading order, without repeats


def prepare_answer(back: str, notes_dir: Path | None = None) -> PreparedAnswer:
    """`notes_dir`: the folder of the card's notes file, where relative images are."""
    markdown = _images_as_links(wikilinks_as_markdown(math_to_unicode(_cut(back), markdown=True)))
    return PreparedAnswer(markdown, _links_in(markdown, notes_dir))


def _cut(back: str) -> str:
    """`back` up to MAX_SHOWN characters (at a line's end when there is one), saying how
    much more the notes hold; a code block cut open is closed."""
    if len(back) <= MAX_SHOWN:
        return back
    end = back.rfind("\n", 0, MAX_SHOWN)
    shown = back[: end if end > MAX_SHOWN // 2 else MAX_SHOWN]
    fences = sum(1 for line in shown.split("\n") if _FENCE.match(line))
    closing = "\n```" if fences % 2 else ""
    rest = len(back) - len(shown)
    are = "is" if rest == 1 else "are"
    return f"{shown}{closing}\n\n*… {counted(rest, 'more character')} of this answer {are} in the notes.*"


def link_target(href: str, notes_dir: Path | None) -> str | None:
    """What opening `href` opens: a web URL as it is, a path relative to the notes as the
    file: URL of that file when it exists; None when there is nothing to open."""
    if href.startswith(("http://", "https://")):
        return href
    path = file_beside_notes(href, notes_dir) if notes_dir is not None else None
    return path.as_uri() if path is not None else None


def shown_target(target: str) -> str:
    """A link target as a person copies it: a file: URL as the file's path."""
    if target.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return unquote(urlparse(target).path)
    return target


def _images_as_links(text: str) -> str:
    lines: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and "![" in line:
            indent = line[: len(line) - len(line.lstrip())]
            # An image alone on its line becomes a link line; one inside a sentence
            # becomes an inline link, so the sentence keeps its shape.
            alone = _IMAGE.fullmatch(line.strip())
            if alone:
                url = alone.group(2)
                line = f"{indent}[↗ {short_url(url)}]({url})"
            else:
                line = _IMAGE.sub(lambda m: f"[↗ {short_url(m.group(2), 40)}]({m.group(2)})", line)
        lines.append(line)
    return "\n".join(lines)


def _links_in(markdown: str, notes_dir: Path | None) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for token in _parser().parse(markdown):
        for child in token.children or ():
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
            elif child.type == "image":
                href = str(child.attrs.get("src", ""))
            else:
                continue
            target = link_target(href, notes_dir)
            if target is not None:
                seen.setdefault(target, None)
    return tuple(seen)


@lru_cache(maxsize=1)
def _parser():
    # The same preset Textual's Markdown widget parses with, so links found here are
    # exactly the ones shown (bare URLs included, via linkify).
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like")
