"""Where a head splits into front and back (rule 1), judged on inline pieces so that
links, code spans and URLs are opaque and emphasis markers are seen through."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from llmcards.notes import pieces as P
from llmcards.notes.plain import collapse, plain

# Characters that can open/close a quote or bracket, or be a colon.
_SPECIAL = re.compile(r"[:：\"“”‘’「」『』()（）\[\]【】{}《》]")
_CLOSERS = {"(": ")", "（": "）", "[": "]", "【": "】", "{": "}", "《": "》"}
_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』"}
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]{1,15}://|www\.)[\w\-.~:/?#\[\]@!$&'()*+,;=%]+")
# After a bold term that opens the head: an arrow, `——`, or a spaced dash.
_ARROW = re.compile(r"\s*(?:→|——)\s*|\s+[—–-]\s+")
_DOUBLE_COLON = re.compile(r"\s+::\s+")
_SENTENCE_END = re.compile(r"[。！？；]|[.!?](?:\s|$)")


@dataclass(slots=True)  # not frozen: a frozen __init__ costs ~3x per cut
class Cut:
    """A separator found in piece `index`, at characters [start, end) of its text."""

    index: int
    start: int
    end: int
    open_emphasis: tuple[int, ...]  # indexes of EMPH pieces still open at the cut


def is_cjk(ch: str) -> bool:
    """Han, kana, Hangul or full-width punctuation."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation, kana, Han
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
    )


# A head that is one plain text piece with none of these needs no quote/bracket/URL
# bookkeeping: its separators are found by one regex (the common case, kept fast).
_COMPLEX = re.compile(r"[\"“”‘’「」『』()（）\[\]【】{}《》]|://|www\.")
_QUOTE_OR_URL = re.compile(r"[\"“”‘’「」『』]|://|www\.")
_BRACKET = re.compile(r"[()（）\[\]【】{}《》]")
_SIMPLE_SEP = re.compile(r"：|:(?=\s|$|[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef])")


def simple_cut(text: str, alone: bool) -> tuple[int, int] | None:
    """The first separator of a head's opening text piece when nothing before it can be
    open (no quote, bracket or URL), else None; `alone`: the piece is the whole head.

    Most heads are `Dropout：正则化技术…`; this answers them with two regex searches.
    """
    match = _SIMPLE_SEP.search(text)
    if match is None:
        return None
    at, end = match.span()
    if not alone and end == len(text) and text[at] == ":":
        return None  # what follows the ASCII colon is in the next piece
    tricky = _COMPLEX.search(text, 0, at)
    if tricky is not None and not _brackets_closed(text, tricky.start(), at):
        return None
    if not text[:at].strip():
        return None
    return at, end


def _brackets_closed(text: str, start: int, at: int) -> bool:
    """Whether text[start:at] holds only brackets (no quote or URL) and every bracket it
    opens is closed by `at`: `L2(权重衰减) 34：…` then cuts like a plain head. Mirrors
    `_Scanner`: a closer that does not match the innermost opener is ignored."""
    if _QUOTE_OR_URL.search(text, start, at) is not None:
        return False
    expected: list[str] = []
    for ch in _BRACKET.findall(text, start, at):
        closer = _CLOSERS.get(ch)
        if closer is not None:
            expected.append(closer)
        elif expected and ch == expected[-1]:
            expected.pop()
    return not expected


def first_cut(pieces: Sequence[P.Piece]) -> tuple[Cut, str] | None:
    """The first separator with a non-empty front before it, and that front (plain)."""
    if not pieces:
        return None
    kind = pieces[0][0]
    if kind == P.TEXT:
        text = pieces[0][1]
        alone = len(pieces) == 1
        if alone and ":" not in text and "：" not in text:
            return None
        span = simple_cut(text, alone)
        if span is not None:
            return Cut(0, span[0], span[1], ()), collapse(text[: span[0]])
        if alone:
            return _text_cut(text) if _SIMPLE_SEP.search(text) is not None else None
    elif kind == P.EMPH and len(pieces) > 2 and pieces[1][0] == P.TEXT:
        # `**GRU 单元：** …`: the separator inside the opening emphasis, nothing before it.
        text = pieces[1][1]
        span = simple_cut(text, False)
        if span is not None:
            return Cut(1, span[0], span[1], (0,)), collapse(text[: span[0]])
    if not _may_separate(pieces):
        return None
    for cut in separators(pieces):
        kind, text, start, end = pieces[cut.index]
        front = plain([*pieces[: cut.index], (kind, text[: cut.start], start, end)])
        if front:
            return cut, front
    return None


def _may_separate(pieces: Sequence[P.Piece]) -> bool:
    """Cheap pre-check: every separator is a colon in a text piece or an arrow after a
    bold opener, so a head with neither (a link title, `seq2seq 优化技巧`) has none."""
    if pieces[0][0] == P.EMPH and pieces[0][1] == "Strong":
        return True
    return any(kind == P.TEXT and (":" in text or "：" in text) for kind, text, _s, _e in pieces)


def separators(pieces: Sequence[P.Piece]) -> Iterator[Cut]:
    """Every separator of rule 1 in note order (the caller takes the first that works)."""
    first = -1
    if len(pieces) == 1 and pieces[0][0] == P.TEXT:
        text = pieces[0][1]
        match = _SIMPLE_SEP.search(text)
        if match is None:
            return
        tricky = _COMPLEX.search(text)
        if tricky is None:
            for match in _SIMPLE_SEP.finditer(text):
                yield Cut(0, match.start(), match.end(), ())
            return
        if match.start() < tricky.start():
            # Nothing can be open before the first quote/bracket/URL.
            yield Cut(0, match.start(), match.end(), ())
            first = match.start()
    for cut in _separators(pieces):
        if cut.start > first or cut.index > 0:
            yield cut


class _Scanner:
    """Quote and bracket state across the text pieces of one head."""

    __slots__ = ("brackets", "quote", "straight_left")

    def __init__(self, straight_quotes: int) -> None:
        self.straight_left = straight_quotes
        self.brackets: list[str] = []
        self.quote: str | None = None

    def colons(self, text: str) -> Iterator[int]:
        """Positions of colons in `text` that are outside quotes, brackets and URLs."""
        urls = _url_spans(text)
        for match in _SPECIAL.finditer(text):
            ch = match.group()
            at = match.start()
            if urls and any(a <= at < b for a, b in urls):
                continue
            if ch == '"':
                self.straight_left -= 1
                if self.quote == '"':
                    self.quote = None
                elif self.quote is None and self.straight_left > 0:
                    self.quote = '"'
            elif self.quote is not None:
                if ch == self.quote:
                    self.quote = None
            elif ch in _QUOTES:
                self.quote = _QUOTES[ch]
            elif ch in _CLOSERS:
                self.brackets.append(_CLOSERS[ch])
            elif self.brackets:
                if ch == self.brackets[-1]:
                    self.brackets.pop()
            elif ch == "：" or ch == ":":
                yield at

    @property
    def clear(self) -> bool:
        return not self.brackets and self.quote is None


def _text_cut(text: str) -> tuple[Cut, str] | None:
    """`first_cut` for a head that is a single text piece, without piece plumbing."""
    for at in _Scanner(text.count('"')).colons(text):
        if text[at] == ":" and not _ascii_colon_separates(text, at + 1):
            continue
        front = collapse(text[:at])
        if front:
            return Cut(0, at, at + 1, ()), front
    return None


def _separators(pieces: Sequence[P.Piece]) -> Iterator[Cut]:
    scanner = _Scanner(sum(p[1].count('"') for p in pieces if p[0] == P.TEXT))
    emphasis: list[int] = []
    opaque = 0  # inside a link or image: its text never separates
    bold_opener = 0 if pieces and pieces[0][0] == P.EMPH and pieces[0][1] == "Strong" else -1
    for index in range(len(pieces)):
        kind, text = pieces[index][0], pieces[index][1]
        if kind == P.EMPH:
            emphasis.append(index)
        elif kind == P.EMPH_END:
            if emphasis:
                opener = emphasis.pop()
                if opener == bold_opener and not emphasis and scanner.clear:
                    arrow = _arrow_after(pieces, index + 1)
                    if arrow is not None:
                        yield arrow
        elif kind in (P.LINK, P.IMAGE):
            opaque += 1
        elif kind in (P.LINK_END, P.IMAGE_END):
            opaque = max(0, opaque - 1)
        elif kind == P.TEXT and not opaque:
            for at in scanner.colons(text):
                if text[at] == "：" or _counts_after(pieces, index, text, at + 1):
                    yield Cut(index, at, at + 1, tuple(emphasis))


def double_colon(pieces: Sequence[P.Piece]) -> Cut | None:
    """`front :: back` (white space on both sides, so `std::vector` never matches)."""
    opaque = 0
    emphasis: list[int] = []
    for index, (kind, text, _s, _e) in enumerate(pieces):
        if kind == P.EMPH:
            emphasis.append(index)
        elif kind == P.EMPH_END and emphasis:
            emphasis.pop()
        elif kind in (P.LINK, P.IMAGE):
            opaque += 1
        elif kind in (P.LINK_END, P.IMAGE_END):
            opaque = max(0, opaque - 1)
        elif kind == P.TEXT and not opaque and "::" in text:
            match = _DOUBLE_COLON.search(text)
            if match is not None:
                return Cut(index, match.start(), match.end(), tuple(emphasis))
    return None


def is_statement(text: str) -> bool:
    """A term is short and holds no sentence punctuation; anything else is a statement."""
    return len(text) > 30 or _SENTENCE_END.search(text) is not None


def _url_spans(text: str) -> list[tuple[int, int]]:
    if "://" not in text and "www." not in text:
        return []
    return [m.span() for m in _URL.finditer(text)]


def _ascii_colon_separates(text: str, at: int) -> bool:
    if at >= len(text):
        return True
    nxt = text[at]
    return nxt.isspace() or is_cjk(nxt)


def _counts_after(pieces: Sequence[P.Piece], index: int, text: str, at: int) -> bool:
    """An ASCII colon separates when followed by a space, a CJK character or the end of
    the head; the next character is looked for past closing emphasis markers."""
    if at < len(text):
        return _ascii_colon_separates(text, at)
    for kind, value, _s, _e in pieces[index + 1 :]:
        if kind in (P.EMPH, P.EMPH_END):
            continue
        if kind == P.TEXT:
            if not value:
                continue
            return value[0].isspace() or is_cjk(value[0])
        return False
    return True


def _arrow_after(pieces: Sequence[P.Piece], index: int) -> Cut | None:
    if index >= len(pieces) or pieces[index][0] != P.TEXT:
        return None
    match = _ARROW.match(pieces[index][1])
    if match is None:
        return None
    return Cut(index, match.start(), match.end(), ())
