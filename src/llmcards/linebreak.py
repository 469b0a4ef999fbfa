"""Where a line of Chinese (with English terms) may break: one rule for the TUI and the CLI.

Rich's wrapper (`rich._wrap.divide_line`, which Textual's `Content` uses for every widget
too) breaks only at spaces, so a run of Chinese characters between two English words was
one unbreakable "word": a line ended after half its width, and the next one started with
`，`. Here a line may also break between two characters when either of them is CJK (Han,
kana, CJK and full-width punctuation), as browsers do, except (basic kinsoku):

- never before closing punctuation (`，。、；：！？）】》」』”’…`): no line starts with it;
- never after opening punctuation (`（【《「『“‘`): no line ends with it;
- a space before full-width closing punctuation (or after full-width opening punctuation)
  is not a break either.

Between two non-CJK characters nothing changes: English-only text wraps at its spaces,
exactly as before (curly quotes and `…` inside English words stay unbroken).

Neither Rich nor Textual has an API for this; both find their "words" with a module-level
regular expression (`rich._wrap.re_word`, `textual._wrap.re_chunk`), and `use_for_rich`
here (for every command that prints) and `llmcards.tui.linebreak` (for the app) put
patterns with these break rules in their place. Each pattern keeps the shape its wrapper expects: Rich's a
chunk of text with any whitespace around it (`\\s*\\S+\\s*`), Textual's a chunk with its
trailing whitespace, or whitespace alone (`\\S+\\s*|\\s+`); a break is only ever made
at a chunk's start.
"""

from __future__ import annotations

import re
from types import ModuleType

# Characters either side of which a line may break (subject to the punctuation below):
# CJK radicals, CJK symbols and punctuation, kana, bopomofo, enclosed and compatibility
# CJK, the unified ideographs (with extension A and the supplementary planes),
# compatibility ideographs, vertical forms, and full-width forms (`，（）：` …). Hangul is
# left out: Korean is written with spaces between words and breaks at them.
CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
# No line starts with these (closing brackets and quotes, stops, commas, ellipses).
CLOSING_WIDE = "，。、；：！？）】》」』〉〕〗〙〛｝］｠｣．｡､％"
CLOSING = CLOSING_WIDE + "”’…‥" + ",.;:!?)]}%"
# No line ends with these (opening brackets and quotes).
OPENING_WIDE = "（【《「『〈〔〖〘〚｛［｟｢"
OPENING = OPENING_WIDE + "“‘" + "([{"


def _class(chars: str) -> str:
    return "[" + re.escape(chars) + "]"


_cjk = f"[{CJK}]"
# Between the character before and the one after this point a line may not break: both
# are non-CJK (a word of English, a number), the next one closes, or the one before opens.
_NO_BREAK = f"(?:(?<!{_cjk})(?!{_cjk})|(?={_class(CLOSING)})|(?<={_class(OPENING)}))"
# Spaces that are not a break either: before wide closing, after wide opening punctuation.
_GLUED_SPACE = f"(?:[ \u3000]+(?={_class(CLOSING_WIDE)})|(?<={_class(OPENING_WIDE)})[ \u3000]+)"
# One unbreakable run: a non-space character, then more while nothing allows a break.
UNIT = rf"\S(?:(?:{_NO_BREAK}|{_GLUED_SPACE})\S)*"

RICH_WORD = rf"\s*{UNIT}\s*"  # the shape of rich._wrap.re_word: \s*\S+\s*
TEXTUAL_CHUNK = rf"{UNIT}\s*|\s+"  # the shape of textual._wrap.re_chunk: \S+\s*|\s+


def break_units(text: str) -> list[str]:
    """`text` cut where a line may break (each piece with the whitespace after it)."""
    return [match.group() for match in re.finditer(TEXTUAL_CHUNK, text)]


class _OnFirstUse:
    """Stands in for a wrapper's pattern (which it only ever `match`es) until the first
    line is wrapped, then puts the compiled pattern in its place: compiling one takes
    ~2 ms (its CJK ranges), which a command that wraps nothing should not pay."""

    def __init__(self, module: ModuleType, name: str, source: str) -> None:
        self.module, self.name, self.source = module, name, source

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        pattern = re.compile(self.source)
        setattr(self.module, self.name, pattern)
        return pattern.match(text, pos)


def put_in_place(module: ModuleType, name: str, source: str) -> None:
    """The wrapper's word pattern `module.name` becomes `source` (compiled on first use)."""
    current = getattr(module, name)
    if not isinstance(current, _OnFirstUse) and getattr(current, "pattern", None) != source:
        setattr(module, name, _OnFirstUse(module, name, source))


def use_for_rich() -> None:
    """Make Rich (and Textual's Content, which wraps with Rich's `divide_line`) break
    lines by these rules. Idempotent; for every command and the app at start."""
    import rich._wrap

    put_in_place(rich._wrap, "re_word", RICH_WORD)
