"""The home screen: deck tree and counts, first-run starter decks, empty state."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from llmcards.config import Settings
from llmcards.paths import bundled_decks_dir
from llmcards.store.backup import backup_dir, list_backups
from llmcards.store.db import open_db
from llmcards.store.models import CARD, REVIEW
from llmcards.tui.app import create_app
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.screens.study import StudyScreen
from llmcards.tui.widgets.deck_tree import DeckTree
from tests.tui.conftest import NOW_DT, settle, starter_dir, text_of

NO_BUNDLE = Path("/nonexistent")


def tree_lines(app) -> list[str]:
    return [" ".join(line.split()) for line in text_of(app.screen.query_one(DeckTree)).splitlines()]


async def test_deck_tree_counts_and_enter_studies(db_path: Path, settings: Settings) -> None:
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=NO_BUNDLE)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert tree_lines(app) == ["▾ LLM 学习笔记 3 0 0", "NLP 2 0 0", "强化学习 1 0 0"]
        assert "Sun 22 Nov · 0 due" in text_of(app.screen.query_one("#home-header"))
        await pilot.press("left")  # fold the root
        assert tree_lines(app) == ["▸ LLM 学习笔记 3 0 0"]
        await pilot.press("right", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        session = app.screen.driver._session
        assert session is not None and session.deck_name() == "LLM 学习笔记::NLP"


async def test_the_header_counts_what_the_due_column_totals(
    db_path: Path, settings: Settings
) -> None:
    # A card in learning is the Learn column's, not "due" in the header above the table.
    from llmcards.scheduling.review import rate_card

    db = open_db(db_path)
    try:
        rate_card(db, 1, 1, now=NOW_DT, settings=settings)  # Again: learning, due in minutes
    finally:
        db.close()
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=NO_BUNDLE)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        root = tree_lines(app)[0].split()
        assert root[-2:] == ["1", "0"]  # Learn 1, Due 0
        assert "· 0 due" in text_of(app.screen.query_one("#home-header"))


async def test_click_on_a_deck_studies_it(db_path: Path, settings: Settings) -> None:
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=NO_BUNDLE)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click(DeckTree, offset=(6, 2))  # the third row: 强化学习
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert "折扣回报" in text_of(app.screen.query_one("#front"))


async def test_a_deck_with_nothing_due_says_when_it_is(db_path: Path, settings: Settings) -> None:
    db = open_db(db_path)
    with db.write() as conn:
        conn.execute(
            update(CARD).values(
                state=REVIEW, stability=3.0, difficulty=5.0, due=NOW_DT + timedelta(days=1)
            )
        )
    db.close()
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=NO_BUNDLE)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert tree_lines(app)[1] == "NLP next due tomorrow 0 0 0"


async def test_empty_database_loads_the_bundled_decks_and_says_so(
    tmp_path: Path, settings: Settings
) -> None:
    app = create_app(
        db_path=tmp_path / "new.db", settings=settings, now=NOW_DT, bundled_dir=bundled_decks_dir()
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        notice = text_of(app.screen.query_one("#notice"))
        assert "loaded the bundled starter decks" in notice
        lines = tree_lines(app)
        assert lines and all("(bundled)" in line for line in lines if line.startswith(("▾", "▸")))
        assert not app.screen.query_one("#empty").display


async def test_empty_database_without_bundled_decks_explains_how_to_import(
    tmp_path: Path, settings: Settings
) -> None:
    app = create_app(
        db_path=tmp_path / "new.db", settings=settings, now=NOW_DT, bundled_dir=NO_BUNDLE
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty")
        assert empty.display
        assert "llmcards import" in text_of(empty)


async def test_first_run_says_so_once_and_whole_on_a_small_terminal(
    tmp_path: Path, settings: Settings
) -> None:
    # A toast repeated the status line and, 40 columns wide, covered half of it and the decks.
    app = create_app(
        db_path=tmp_path / "new.db",
        settings=settings,
        now=NOW_DT,
        bundled_dir=starter_dir(tmp_path),
    )
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        notice = app.screen.query_one("#notice")
        lines = [line.strip() for line in text_of(notice).splitlines()]
        assert "loaded the bundled starter decks (2 cards)" in " ".join(lines)
        assert "Add yours: llmcards import NOTES.md" in lines  # the command is never split
        assert not app._notifications  # said once, in the status line
        assert notice.region.height == len(lines) and notice.region.bottom <= 11  # above the footer


async def test_the_days_backup_is_taken_once_the_app_runs_not_before_its_first_screen(
    db_path: Path, settings: Settings
) -> None:
    # The first open of a day copies the whole database (0.6 s at 1M reviews).
    shutil.rmtree(backup_dir(db_path))
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=NO_BUNDLE)
    assert list_backups(db_path) == []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert tree_lines(app)[0] == "▾ LLM 学习笔记 3 0 0"
        await app.workers.wait_for_complete()
    assert [p for p in list_backups(db_path) if p.name.endswith("-daily.db")]


def column_ends(line: str) -> list[int]:
    """The cell after each word of `line` (a header or a deck row), scrollbar dropped."""
    from rich.cells import cell_len

    line = line.rstrip(" ▁▂▃▄▅▆▇█▔▕▏▎▍▌▋▊▉")
    return [cell_len(line[: m.end()]) for m in re.finditer(r"\S+", line)]


@pytest.mark.parametrize("height", [30, 8])  # the list fits; the list scrolls
async def test_the_numbers_line_up_under_their_headers(tmp_path: Path, height: int) -> None:
    from llmcards.cards import CardDraft
    from llmcards.store.sync import sync_file
    from tests.tui.conftest import screen_text

    path = tmp_path / "decks.db"
    db = open_db(path)
    drafts = [
        CardDraft(deck=("笔记", f"主题 {i}"), front=f"概念 {i}", back="答案", line=i + 1)
        for i in range(8)
    ]
    with db.write() as conn:
        sync_file(conn, root="笔记", source_path="/n.md", drafts=drafts, now=NOW_DT)
    db.close()
    app = create_app(db_path=path, settings=Settings(), now=NOW_DT, bundled_dir=NO_BUNDLE)
    async with app.run_test(size=(100, height)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(DeckTree)
        assert (tree.max_scroll_y > 0) == (height == 8)
        lines = screen_text(app).split("\n")
        header = next(line for line in lines if "Learn" in line)
        rows = [line for line in lines if "主题" in line or "笔记" in line]
        assert rows
        for row in rows:  # New, Learn, Due: each number ends where its header does
            assert column_ends(row)[-3:] == column_ends(header)[-3:], (header, row)
