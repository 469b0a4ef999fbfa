"""Raw HTML in notes -> Markdown, so a Markdown widget that drops HTML loses nothing.

Only the spans pyromark reported as HTML are treated as tags; the text between them
is Markdown and passes through untouched (so `a < b` in prose is never mangled).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TAG = re.compile(
    r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S,
)
_ATTR = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")

SUB = dict(
    zip(
        "0123456789+-−=()aehijklmnoprstuvxβγρφχə",
        "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪₔ",
        strict=False,
    )
)
SUP = dict(
    zip(
        "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡ",
        strict=False,
    )
)
_SUB_CHARS, _SUB_TABLE = frozenset(SUB), str.maketrans(SUB)
_SUP_CHARS, _SUP_TABLE = frozenset(SUP), str.maketrans(SUP)
_DROP_CONTENT = {"script", "style", "head", "title"}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "center",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "pre",
    "figure",
    "details",
    "summary",
}


def attrs(raw: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in _ATTR.finditer(raw)
    }


def script(text: str, sup: bool) -> str:
    """`i` -> `ᵢ` when every character has a Unicode form, else `_(i)` / `^(i)`."""
    text = text.strip()
    if not text:
        return ""
    chars, table = (_SUP_CHARS, _SUP_TABLE) if sup else (_SUB_CHARS, _SUB_TABLE)
    if chars.issuperset(text):
        return text.translate(table)
    return ("^(" if sup else "_(") + text + ")"


class _Frame:
    __slots__ = ("attrs", "buf", "items", "tag")

    def __init__(self, tag: str, attributes: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attributes
        self.buf: list[str] = []
        self.items: list[str] = []


def html_to_markdown(segments: Iterable[tuple[bool, str]]) -> str:
    """Join (is_html, text) segments, turning the HTML ones into Markdown."""
    stack: list[_Frame] = [_Frame("", {})]
    for is_html, text in segments:
        if not is_html:
            stack[-1].buf.append(text)
            continue
        pos = 0
        for match in TAG.finditer(text):
            if match.start() > pos:
                stack[-1].buf.append(text[pos : match.start()])
            pos = match.end()
            if match.group(2) is None:
                continue  # comment
            _tag(stack, match.group(1) == "/", match.group(2).lower(), match.group(3) or "")
        if pos < len(text):
            stack[-1].buf.append(text[pos:])
    while len(stack) > 1:
        _close(stack)
    out = "".join(stack[0].buf)
    # A <br> at the end of a block would leave a stray backslash.
    out = re.sub(r"\\\n(?=[ \t]*(?:\n|$))", "\n", out)
    return re.sub(r"\n{3,}", "\n\n", out)


def _tag(stack: list[_Frame], closing: bool, tag: str, raw_attrs: str) -> None:
    top = stack[-1]
    if closing:
        if any(frame.tag == tag for frame in stack[1:]):
            while stack[-1].tag != tag:
                _close(stack)
            _close(stack)
        elif tag in _BLOCK:
            top.buf.append("\n\n")
        return
    if tag == "img":
        a = attrs(raw_attrs)
        top.buf.append(f"![{a.get('alt', '')}]({a.get('src', '')})")
    elif tag == "br":
        top.buf.append("\\\n")
    elif tag == "hr":
        top.buf.append("\n\n---\n\n")
    elif tag in ("sub", "sup", "a", "ul", "ol", "li") or tag in _DROP_CONTENT:
        if tag == "li" and top.tag == "li":
            _close(stack)  # an unclosed <li> ends at the next one
        stack.append(_Frame(tag, attrs(raw_attrs) if tag == "a" else {}))
    elif tag in _BLOCK:
        top.buf.append("\n\n")
    # any other tag: dropped, its text kept


def _close(stack: list[_Frame]) -> None:
    frame = stack.pop()
    parent = stack[-1]
    text = "".join(frame.buf)
    if frame.tag in ("sub", "sup"):
        parent.buf.append(script(text, frame.tag == "sup"))
    elif frame.tag == "a":
        label = text.strip()
        href = frame.attrs.get("href", "")
        parent.buf.append(f"[{label}]({href})" if href else label)
    elif frame.tag == "li":
        if parent.tag in ("ul", "ol"):
            parent.items.append(text.strip())
        else:
            parent.buf.append("\n- " + text.strip() + "\n")
    elif frame.tag in ("ul", "ol"):
        if text.strip():
            frame.items.append(text.strip())
        lines = []
        for n, item in enumerate(frame.items, 1):
            bullet = f"{n}. " if frame.tag == "ol" else "- "
            pad = " " * len(bullet)
            lines.append(bullet + item.replace("\n", "\n" + pad))
        parent.buf.append("\n\n" + "\n".join(lines) + "\n\n")
    elif frame.tag in _DROP_CONTENT:
        pass
    else:
        parent.buf.append(text)
