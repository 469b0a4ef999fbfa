"""Text from notes, decks and databases made safe to put on a terminal.

Notes and imported `.apkg` files are not trusted: a stray ESC in a card's front could move
the cursor, recolour the screen, set the window title or (on some terminals) answer back
with typed input. Every place that shows user text on a terminal — the TUI and the CLI —
passes it through `printable` first, so there is one rule for what reaches the terminal.

Control characters are shown, not dropped: a user whose note holds a stray control
character should see that something is there (and fix the note), not an invisible gap.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and the C1 controls (0x80–0x9F; 0x9B is a
# one-byte CSI on terminals that honour 8-bit controls).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# C0 controls have their own pictures (U+2400 + code: ␀ … ␛ … ␟), DEL has ␡; C1 controls
# have none, so they show as the replacement character.
_DEL_PICTURE = "\u2421"
_REPLACEMENT = "\ufffd"


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return _DEL_PICTURE
    return _REPLACEMENT


def printable(text: str) -> str:
    """`text` with every control character but tab and newline replaced by a visible mark
    (ESC → ␛, CR → ␍, DEL → ␡, C1 → �); everything else is kept as it is."""
    return _CONTROL.sub(_picture, text)
