"""Ctrl+P lists what works here and now, and each entry does what it says."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from llmcards.config import Settings
from llmcards.tui.app import create_app
from llmcards.tui.screens.help import HelpScreen
from llmcards.tui.screens.study import StudyScreen
from tests.tui.conftest import NOW_DT, ROOT, reviews_in, screen_text, settle


def study_app(db_path: Path):
    return create_app(
        db_path=db_path,
        deck=ROOT,
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )


async def palette_shows(pilot, query: str) -> str:
    """Open the palette, type `query`, and return what the screen shows."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(50):  # the palette searches in the background
        await pilot.pause(0.02)
        if not pilot.app.screen.query_one("CommandList").loading:
            break
    await pilot.pause(0.1)
    return screen_text(pilot.app)


async def test_the_palette_offers_ratings_only_on_the_answer_side(db_path: Path) -> None:
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = await palette_shows(pilot, "again")
        assert "Again  [1]" not in shown  # the answer is not shown: nothing to rate
        await pilot.press("escape")
        await pilot.pause()
        shown = await palette_shows(pilot, "decks")
        assert "Back to the deck list" in shown  # Esc's "Decks" works here…
        assert "On the end-of-session summary" not in shown  # …the summary's does not
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("space")
        shown = await palette_shows(pilot, "again")
        assert "Again  [1]" in shown
        await pilot.press("enter")  # the first hit: Again
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert reviews_in(db_path) == [("LSTM", 1)]


async def test_undo_is_offered_only_with_something_to_undo(db_path: Path) -> None:
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Take back the last rating" not in await palette_shows(pilot, "undo")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("space", "3")
        await settle(pilot)
        assert "Take back the last rating" in await palette_shows(pilot, "undo")


async def test_keys_in_the_palette_opens_the_help_screen_and_escape_closes_it(
    db_path: Path,
) -> None:
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        shown = await palette_shows(pilot, "keys")
        assert "Every key, on every screen" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert not app.screen.query("HelpPanel") and not app.query("HelpPanel")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)


async def test_open_link_is_offered_only_for_a_card_with_a_link(db_path: Path) -> None:
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)  # LSTM: its answer links to a page
        assert "Open the first link or image" in await palette_shows(pilot, "open")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("space", "3")  # GRU: no link
        await settle(pilot)
        assert "Open the first link or image" not in await palette_shows(pilot, "open")
