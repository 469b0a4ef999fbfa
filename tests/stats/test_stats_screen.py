"""The TUI's stats screen: computed on a worker, drawn with the CLI's renderables."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Static

from llmcards import clock
from llmcards.config import Settings
from llmcards.tui.screens.stats import StatsScreen
from tests.stats.history import hand_checked_collection


def _text(screen: StatsScreen) -> str:
    """What the stats view shows, as plain text."""
    import io

    from rich.console import Console

    console = Console(record=True, width=120, file=io.StringIO())
    console.print(screen.query_one("#stats-view", Static).content)
    return console.export_text()


class StatsHost(App[None]):
    """An app that shows one stats screen (the tests' own, built from their data)."""

    def __init__(self, screen: StatsScreen) -> None:
        super().__init__()
        self.stats_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.stats_screen)


async def test_screen_shows_the_decks_stats_and_toggles_to_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")
    db, _ids = hand_checked_collection(tmp_path / "cards.db")
    screen = StatsScreen(db, "NLP", Settings(), clock=clock.now)
    app = StatsHost(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.stats is not None and screen.stats.deck == "LLM 学习笔记::NLP"
        assert screen.stats.today_reviews == 2
        assert "True retention" in _text(screen) and "streak" in _text(screen)
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.stats.deck is None and screen.stats.today_reviews == 3
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
    db.close()


async def test_screen_takes_precomputed_stats_without_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmcards.stats.compute import compute_stats

    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")
    db, _ids = hand_checked_collection(tmp_path / "cards.db")
    with db.read() as conn:
        stats = compute_stats(conn, deck=None, now=clock.now(), settings=Settings())
    db.close()
    screen = StatsScreen(None, stats=stats)
    app = StatsHost(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        assert "Hardest cards" in _text(screen)
