"""An Obsidian callout inside an answer reaches Anki as a quote with its title, not as the
raw `[!note] Title` marker (Anki cannot read it)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from llmcards.config import Settings
from llmcards.exchange.apkg_export import export_apkg
from llmcards.exchange.render import markdown_to_html
from llmcards.importing.files import import_paths
from llmcards.store.db import open_db
from tests.exchange.anki_backend import anki_cards, import_package, open_anki

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
NOTE = """\
# RNN

## 为什么 LSTM 能缓解梯度消失？

细胞状态的加法更新让梯度可以直接流过。

> [!note] 直觉
> 遗忘门接近 1 时，梯度几乎无衰减。

> [!tip]-
> 另见 GRU。

```text
> [!warning] 代码里的引用照原样
```
"""


def test_a_callout_in_an_answer_reaches_anki_as_a_titled_quote(tmp_path: Path) -> None:
    notes = tmp_path / "rnn.md"
    notes.write_text(NOTE, encoding="utf-8")
    db = open_db(tmp_path / "cards.db", daily_backup=False)
    import_paths(db, [notes], now=NOW)
    package = tmp_path / "out.apkg"
    export_apkg(db, package, settings=Settings(), now=NOW)
    db.close()

    col = open_anki(tmp_path / "anki.anki2")
    import_package(col, package)
    backs = {
        card.note().fields[0]: card.note().fields[1]
        for card in anki_cards(col)
        if card.note().note_type()["type"] == 0
    }
    col.close()
    back = backs["为什么 LSTM 能缓解梯度消失？"]
    assert "[!note]" not in back and "[!tip]" not in back
    assert "<blockquote>\n<p><strong>直觉</strong><br />\n遗忘门接近 1 时" in back
    assert "<p><strong>Tip</strong><br />\n另见 GRU。</p>" in back  # untitled: its type
    assert "&gt; [!warning] 代码里的引用照原样" in back  # code stays as written


def test_plain_quotes_and_a_title_alone_are_kept_whole() -> None:
    assert markdown_to_html("> 普通引用 [!note] 不是") == (
        "<blockquote>\n<p>普通引用 [!note] 不是</p>\n</blockquote>"
    )
    assert markdown_to_html("> [!warning]- 只有标题") == (
        "<blockquote>\n<p><strong>只有标题</strong></p>\n</blockquote>"
    )
