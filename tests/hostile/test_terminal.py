"""Item 3: user text never drives the terminal. A front with OSC 52 (clipboard), OSC 0
(title), CSI 2J (clear) or a C1 code is shown with those characters made visible."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcards.textsafe import printable
from tests.clihelp import llmcards
from tests.hostile.helpers import make_db

CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07"
TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
C1 = "\x9b31m"  # CSI as one C1 character


def test_printable_shows_controls_and_keeps_text() -> None:
    assert printable("注意力\tattention\n") == "注意力\tattention\n"
    shown = printable(CLIPBOARD + TITLE + CLEAR + C1 + "\x7f\x00")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert "␛]52;c;" in shown and "␛[2J" in shown


@pytest.mark.parametrize(
    "command",
    [
        ["cards"],
        ["decks"],
        ["due"],
        ["import", "{notes}"],
        ["import", "--dry-run", "{notes}"],
        ["stats", "--deck", "{deck}"],
        ["sources"],
    ],
    ids=["cards", "decks", "due", "import", "dry-run", "stats", "sources"],
)
def test_plain_output_never_carries_escapes(tmp_path: Path, command: list[str]) -> None:
    deck = f"坏{TITLE}"
    note = (
        f"---\ntitle: {deck}\n---\n\n# 章节{CLEAR}\n\n"
        f"1. 剪贴板{CLIPBOARD}：答案{C1}\n2. 清屏{CLEAR}：另一个答案\n"
    )
    db = make_db(tmp_path, note)
    args = [
        a.replace("{notes}", str(tmp_path / "c.db.md")).replace("{deck}", deck) for a in command
    ]
    result = llmcards("--db", str(db), *args)
    assert result.exit_code == 0, result.stderr
    out = result.stdout + result.stderr
    assert "剪贴板" in out or "坏" in out  # the text itself is shown
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out


def test_error_lines_never_carry_escapes(tmp_path: Path) -> None:
    missing = tmp_path / f"gone{CLEAR}.md"
    result = llmcards("--db", str(make_db(tmp_path)), "import", str(missing))
    assert result.exit_code != 0
    assert "\x1b" not in result.stderr and "gone␛[2J.md" in result.stderr
