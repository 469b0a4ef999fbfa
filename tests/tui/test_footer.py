"""The key bar is rebuilt with each side of each card: rebuilding it must not leave the
old key widgets alive (Textual keeps each one watching the footer until its `compact`
changes). A session of a few hundred ratings used to keep ~2,000 objects a rating, and
the garbage collector's full passes grew into 0.2-0.4 s hitches between two cards."""

from __future__ import annotations

import gc
from pathlib import Path

from textual.widgets._footer import FooterKey

from llmcards.config import Settings
from llmcards.tui.app import create_app
from tests.tui.conftest import NOW_DT, ROOT, settle

RATINGS = 20


def _loose_keys() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, FooterKey) and not o.is_attached)


async def test_rating_card_after_card_leaves_no_key_widgets_behind(tmp_path: Path) -> None:
    from llmcards.importing.files import import_paths
    from llmcards.store.db import open_db

    note = tmp_path / "术语.md"
    note.write_text(
        "# 术语\n\n" + "".join(f"- 概念 {i}：第 {i} 个概念的解释\n" for i in range(40)),
        encoding="utf-8",
    )
    db_path = tmp_path / "cards.db"
    db = open_db(db_path)
    try:
        import_paths(db, [note], deck=ROOT, now=NOW_DT)
    finally:
        db.close()
    app = create_app(
        db_path=db_path,
        deck=ROOT,
        settings=Settings(fuzz=False, new_per_day=100),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(RATINGS):
            await pilot.press("space", "3")
            await settle(pilot)
        await pilot.pause()
        # Each rating rebuilds the bar twice (answer side, next card), ~8 keys each:
        # without the fix ~16 a rating stay alive; what is left now is at most the
        # last bar's, not yet let go.
        assert _loose_keys() < 20
