"""User text on every screen: Rich markup in deck names and fronts (`[/]`, `[b]`,
`[link=x]`) shows as typed and never crashes; control characters never reach the
terminal (ESC shows as ␛)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable

from llmcards.cards import CardDraft
from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file
from llmcards.textsafe import printable
from llmcards.tui.app import create_app
from llmcards.tui.screens.browse import BrowseScreen
from llmcards.tui.screens.help import HelpScreen
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.screens.stats import StatsScreen
from llmcards.tui.screens.study import StudyScreen
from tests.tui.conftest import NOW_DT, screen_text

ROOT = "[/]笔记 [b]"
FRONT = "[/]注意力 [link=x]attention"
BACK = "[b]查询[/b] 与键的点积 [/] \x1b[31m红\x1b[0m"
CONTEXT = "[link=x]上下文"
EVIL_FRONT = "BEL\x07 ESC\x1b]0;pwned\x07 C1\x9b2J"


@pytest.fixture
def marked_db(tmp_path: Path) -> Path:
    notes = tmp_path / "notes" / "[b]notes.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("# x\n", encoding="utf-8")
    path = tmp_path / "marked.db"
    db = open_db(path)
    with db.write() as conn:
        sync_file(
            conn,
            root=ROOT,
            source_path=str(notes),
            drafts=[
                CardDraft(
                    deck=(ROOT, "[link=x]子"),
                    front=FRONT,
                    back=BACK,
                    line=2,
                    context=CONTEXT,
                    heading_path=("[link=x]子",),
                ),
                CardDraft(
                    deck=(ROOT, "[link=x]子"),
                    front=EVIL_FRONT,
                    back="ok",
                    line=3,
                    heading_path=("[link=x]子",),
                ),
            ],
            now=datetime.fromisoformat("2026-11-20T09:30:00+08:00"),
        )
    db.close()
    return path


def make_app(path: Path, deck: str | None = None, keys: dict[str, str] | None = None):
    return create_app(
        db_path=path,
        deck=deck,
        settings=Settings(fuzz=False, keys=keys or {}),
        now=NOW_DT,
        bundled_dir=None,
    )


async def settle(pilot) -> None:
    from tests.tui.conftest import settle as settle_workers

    await settle_workers(pilot)


def test_printable_shows_control_characters_and_keeps_the_rest() -> None:
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("中文 [/] ok") == "中文 [/] ok"
    assert printable("\x1b[31mred") == "␛[31mred"
    assert printable("a\x00b\rc\x7fd\x9be") == "a␀b␍c␡d\ufffde"


async def test_markup_in_deck_names_on_home_and_palette(marked_db: Path) -> None:
    app = make_app(marked_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        shown = screen_text(app)
        assert ROOT in shown and "[link=x]子" in shown
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"brow")
        await settle(pilot)
        assert "Browse  [/]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_markup_and_control_characters_in_browse(marked_db: Path) -> None:
    app = make_app(marked_db)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        await pilot.press("ctrl+p")  # the palette of the browser lists its keys too
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        shown = screen_text(app)
        assert FRONT in shown and "[link=x]上下文" in shown and "[link=x]子" in shown
        assert "BEL␇ ESC␛]0;pwned␇ C1\ufffd2J" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        table = app.screen.query_one(DataTable)
        table.focus()
        table.move_cursor(row=[r.front for r in app.screen.rows.values()].index(FRONT))
        await pilot.press("s")  # the notification names the front
        await settle(pilot)
        assert f"Suspended: {FRONT}" in screen_text(app)


async def test_markup_and_control_characters_when_studying(marked_db: Path) -> None:
    app = make_app(marked_db, deck=ROOT, keys={"study.good": "left_square_bracket"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        shown = screen_text(app)
        assert ROOT.replace("::", " › ") in shown
        assert FRONT in shown and "[link=x]上下文" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        await pilot.press("space")
        await settle(pilot)
        shown = screen_text(app)
        assert "[ Good" in shown  # the remapped key's label, as typed
        assert "[b]查询[/b] 与键的点积 [/] ␛[31m红␛[0m" in shown and "\x1b" not in shown
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"good")
        await settle(pilot)
        assert "Good  [[]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert ROOT in screen_text(app)


async def test_hardest_cards_with_markup_in_the_stats_screen(marked_db: Path) -> None:
    from dataclasses import replace

    from llmcards.stats.compute import HardCard, compute_stats
    from llmcards.store.db import open_db as open_database

    db = open_database(marked_db)
    try:
        with db.read() as conn:
            stats = compute_stats(conn, deck=None, now=NOW_DT, settings=Settings())
    finally:
        db.close()
    hard = HardCard(id=1, front=FRONT, deck=f"{ROOT}::[link=x]子", lapses=9, leech=True)
    stats = replace(stats, hardest=[hard], counts={**stats.counts, "review": 1})
    app = make_app(marked_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(StatsScreen(None, stats=stats))
        await settle(pilot)
        app.screen.query_one("#stats-body").scroll_end(animate=False)
        await settle(pilot)
        shown = screen_text(app)
        assert FRONT in shown and "[link=x]子" in shown
