"""`y` on the home screen syncs in the background and says what happened in one line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from llmcards.config import Settings
from llmcards.exchange.anki_mirror import login
from llmcards.exchange.sync_login import save_login, sync_folder
from llmcards.importing.files import import_paths
from llmcards.store.db import open_db
from llmcards.tui.app import create_app
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.widgets.deck_tree import DeckTree
from tests.sync.conftest import PASSWORD, USER, Server
from tests.tui.conftest import settle


def _database(tmp_path: Path, notes: Path) -> Path:
    path = tmp_path / "c.db"
    db = open_db(path, daily_backup=False)
    import_paths(db, [notes], now=datetime.now().astimezone())
    db.close()
    return path


async def test_y_syncs_and_the_notice_says_how_it_went(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    path = _database(tmp_path, notes)
    app = create_app(db_path=path, settings=Settings(), bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        notice = str(app.screen.query_one("#notice").render())
        assert "not logged in" in notice and "llmcards sync login" in notice

        save_login(sync_folder(path), login(USER, PASSWORD, server.endpoint))
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        notice = str(app.screen.query_one("#notice").render())
        assert f"Synced with {server.endpoint}" in notice and "7 notes added" in notice
        assert app.screen.query_one(DeckTree).rows  # the tree is still there, reloaded
