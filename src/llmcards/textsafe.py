"""Text from notes and packages, made safe to print on a terminal.

A front can hold control characters: `ESC ] 52 ; c ; …` sets the clipboard, `ESC ] 0;`
retitles the window, `ESC [2J` clears it, and C1 codes (U+0080–U+009F) act as ESC on
some terminals. Printing user text as is lets a shared notes file or a downloaded deck
drive the user's terminal, so every place that shows it passes it through here.
"""

from __future__ import annotations

import re

# C0 except tab and newline, DEL, C1.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with every terminal control character (C0 but tab and newline, ESC, DEL,
    C1) shown as its visible Unicode picture (␛, ␇ …) or `�`, so it can never act."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match[0])
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"
