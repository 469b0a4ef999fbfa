"""Anki field HTML to Markdown, for cards that arrive from Anki.

A small converter for what Anki fields hold: paragraphs and `<div>`s, `<br>`, emphasis,
code, lists, tables, links, images. Unknown tags keep their text. It aims at Markdown
that renders like the HTML did (and at giving back llmcards' own Markdown after a round
trip through Anki), not at a byte-exact inverse. `<script>`/`<style>` content is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TypeGuard

# The converter recurses once per level: a field of 10,000 nested <div>s from a crafted
# package overflowed the stack. No real field nests anywhere near this deep.
MAX_DEPTH = 100
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "source"}
_DROP = {"script", "style", "head", "title"}
_BLOCK = {
    "p",
    "div",
    "ul",
    "ol",
    "li",
    "pre",
    "table",
    "blockquote",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
}


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        if tag in ("li", "p", "tr", "td", "th") and self.stack[-1].tag == tag:
            self.stack.pop()  # an unclosed <li>/<p> ends at its next sibling
        if len(self.stack) > MAX_DEPTH:
            return  # deeper tags keep their text in the deepest element kept
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html_to_markdown(html: str) -> str:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    text = _blocks(builder.root.children, in_pre=False)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    """One plain line (a front, a context): Markdown with line breaks folded to spaces."""
    return " ".join(html_to_markdown(html).split())


def _is_block(node: _Node | str) -> TypeGuard[_Node]:
    return isinstance(node, _Node) and node.tag in _BLOCK


def _blocks(children: list[_Node | str], *, in_pre: bool, tight: bool = False) -> str:
    """Children of a block container: runs of inline content become paragraphs."""
    parts: list[str] = []
    run: list[_Node | str] = []

    def flush() -> None:
        text = _inline(run).strip()
        if text:
            parts.append(text)
        run.clear()

    for child in children:
        if _is_block(child):
            flush()
            block = _block(child)
            if block.strip():
                parts.append(block)
        else:
            run.append(child)
    flush()
    return ("\n" if tight else "\n\n").join(parts)


def _block(node: _Node) -> str:
    tag = node.tag
    if tag in ("ul", "ol"):
        return _list(node)
    if tag == "pre":
        return _pre(node)
    if tag == "table":
        return _table(node)
    if tag == "hr":
        return "---"
    if tag == "blockquote":
        inner = _blocks(node.children, in_pre=False)
        return "\n".join(f"> {line}" if line else ">" for line in inner.splitlines())
    if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
        return "#" * int(tag[1]) + " " + " ".join(_inline(node.children).split())
    return _blocks(node.children, in_pre=False)


def _list(node: _Node) -> str:
    ordered = node.tag == "ol"
    start = int(node.attrs.get("start", "1") or 1) if ordered else 1
    lines = []
    number = start
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                lines.append(f"- {child.strip()}")
            continue
        if child.tag != "li":
            continue
        marker = f"{number}. " if ordered else "- "
        number += 1
        # a tight item (no <p> in it) keeps its nested list on the next line
        tight = not any(isinstance(c, _Node) and c.tag == "p" for c in child.children)
        body = _blocks(child.children, in_pre=False, tight=tight) or ""
        pad = " " * len(marker)
        body_lines = body.splitlines() or [""]
        lines.append(marker + body_lines[0])
        lines.extend((pad + line) if line else "" for line in body_lines[1:])
    return "\n".join(lines)


def _pre(node: _Node) -> str:
    code = node.children[0] if len(node.children) == 1 else None
    language = ""
    if isinstance(code, _Node) and code.tag == "code":
        classes = code.attrs.get("class", "").split()
        language = next(
            (c.removeprefix("language-") for c in classes if c.startswith("language-")), ""
        )
        text = _raw_text(code)
    else:
        text = _raw_text(node)
    fence = "````" if "```" in text else "```"
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}"


def _table(node: _Node) -> str:
    rows: list[tuple[bool, list[str]]] = []

    def walk(n: _Node) -> None:
        for child in n.children:
            if not isinstance(child, _Node):
                continue
            if child.tag == "tr":
                cells = [
                    c for c in child.children if isinstance(c, _Node) and c.tag in ("td", "th")
                ]
                header = any(c.tag == "th" for c in cells)
                rows.append(
                    (
                        header,
                        [" ".join(_inline(c.children).split()).replace("|", "\\|") for c in cells],
                    )
                )
            else:
                walk(child)

    walk(node)
    if not rows:
        return ""
    width = max(len(cells) for _, cells in rows)
    head = rows[0][1] if rows[0][0] else [""] * width
    body = [cells for _, cells in (rows[1:] if rows[0][0] else rows)]

    def line(cells: list[str]) -> str:
        cells = cells + [""] * (width - len(cells))
        return "| " + " | ".join(cells) + " |"

    return "\n".join(
        [line(head), "|" + "|".join(["---"] * width) + "|", *(line(cells) for cells in body)]
    )


def _raw_text(node: _Node) -> str:
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
        elif child.tag == "br":
            out.append("\n")
        elif child.tag not in _DROP:
            out.append(_raw_text(child))
    return "".join(out)


_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _inline(children: list[_Node | str]) -> str:
    out: list[str] = []
    for child in children:
        if isinstance(child, str):
            text = _SPACES.sub(" ", child.replace("\u00a0", " "))
            out.append(re.sub(r" *\n *", "\n", text))
            continue
        tag = child.tag
        if tag in _DROP:
            continue
        if tag == "br":
            out.append("  \n")
        elif tag == "img":
            out.append(
                f"![{child.attrs.get('alt', '')}]({_destination(child.attrs.get('src', ''))})"
            )
        elif tag in ("strong", "b"):
            out.append(_wrap(_inline(child.children), "**"))
        elif tag in ("em", "i"):
            out.append(_wrap(_inline(child.children), "*"))
        elif tag in ("s", "del", "strike"):
            out.append(_wrap(_inline(child.children), "~~"))
        elif tag == "code":
            text = _raw_text(child)
            tick = "``" if "`" in text else "`"
            out.append(f"{tick}{text}{tick}" if tick == "`" else f"{tick} {text} {tick}")
        elif tag == "a":
            text = _inline(child.children)
            href = child.attrs.get("href", "")
            out.append(
                f"[{text}]({href})" if href and text.strip() and text != href else (href or text)
            )
        elif _is_block(child):
            out.append("\n" + _block(child) + "\n")
        else:
            out.append(_inline(child.children))
    return "".join(out)


def _destination(src: str | None) -> str:
    """A link destination as Markdown reads it: one with spaces or parentheses (a file
    path) goes in angle brackets."""
    src = src or ""
    return f"<{src}>" if re.search(r"[\s()<>]", src) and "<" not in src and ">" not in src else src


def _wrap(text: str, marker: str) -> str:
    """Emphasis markers hug the text (`** x **` is not emphasis in Markdown)."""
    stripped = text.strip()
    if not stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"
