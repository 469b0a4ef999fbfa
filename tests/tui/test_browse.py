"""`/` on the home screen: the card browser. Search filters, `s` suspends in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input, Markdown

from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.models import CARD
from llmcards.tui.app import create_app
from llmcards.tui.screens.browse import BrowseScreen
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.widgets.deck_tree import DeckTree
from tests.tui.conftest import NOW_DT, ROOT, settle, text_of


def suspended_fronts(path: Path) -> set[str]:
    card = CARD
    db = open_db(path)
    try:
        with db.read() as conn:
            return set(
                conn.execute(select(card.c.front).where(card.c.suspended.is_(True))).scalars()
            )
    finally:
        db.close()


def fronts_shown(screen: BrowseScreen) -> list[str]:
    table = screen.query_one("#browse-table", DataTable)
    return [screen.rows[int(str(key.value))].front for key in table.rows]


async def test_slash_browses_the_highlighted_deck_search_filters_and_s_suspends(
    db_path: Path, settings: Settings
) -> None:
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(DeckTree).current_deck == ROOT
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen) and screen.deck == ROOT
        assert sorted(fronts_shown(screen)) == ["GRU", "LSTM", "折扣回报 Discounted Return"]
        assert "3 cards" in str(screen.query_one("#browse-count").render())

        assert isinstance(screen.focused, Input)  # typing filters at once, as in Anki
        await pilot.press(*"LSTM")
        await settle(pilot)
        assert fronts_shown(screen) == ["LSTM"]
        answer = screen.query_one("#browse-markdown", Markdown)
        assert "units * (input_dim + units)" in answer.source
        assert text_of(screen.query_one("#browse-source")).endswith("learning.md:3")

        await pilot.press("enter", "s")  # Enter leaves the search box; `s` there would be typed
        await settle(pilot)
        assert suspended_fronts(db_path) == {"LSTM"}
        assert "suspended" in text_of(screen.query_one("#browse-table"))

        await pilot.press("s")
        await settle(pilot)
        assert suspended_fronts(db_path) == set()
        assert "suspended" not in text_of(screen.query_one("#browse-table"))

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_search_in_answers_and_enter_hides_the_answer(
    db_path: Path, settings: Settings
) -> None:
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await pilot.press(*"更新门")  # only in GRU's answer
        await settle(pilot)
        assert fronts_shown(screen) == ["GRU"]
        await pilot.press("enter")  # to the list
        assert screen.query_one("#browse-answer").display
        await pilot.press("enter")
        assert not screen.query_one("#browse-answer").display
        await pilot.press("slash", *"no such card")
        await settle(pilot)
        assert fronts_shown(screen) == []
        assert "0 cards" in str(screen.query_one("#browse-count").render())


async def test_help_on_the_browser_lists_its_keys_first(db_path: Path, settings: Settings) -> None:
    from llmcards.tui.screens.help import HelpScreen

    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("question_mark")  # in the search box: a character to search for
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("backspace", "down", "question_mark")  # from the list: help
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert next(title for title, _ in app.screen.sections) == "Browse"
        assert "browse.suspend" in {row.binding_id for row in app.screen.sections[0][1]}


async def test_a_long_list_shows_more_when_the_cursor_reaches_its_end(
    db_path: Path, settings: Settings, monkeypatch
) -> None:
    monkeypatch.setattr("llmcards.tui.screens.browse.PAGE_ROWS", 2)
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert len(fronts_shown(screen)) == 2
        count = screen.query_one("#browse-count")
        assert "2 of 3 shown — more as you move down the list" in str(count.render())
        await pilot.press("enter", "down")  # to the list, then onto its last row
        await settle(pilot)
        assert len(fronts_shown(screen)) == 3
        assert "3 cards" in str(count.render())


async def test_columns_fill_the_terminal_width_and_follow_a_resize(
    db_path: Path, settings: Settings
) -> None:
    from textual.widgets import DataTable

    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        table = app.screen.query_one(DataTable)

        def used() -> int:
            return sum(column.get_render_width(table) for column in table.columns.values())

        # The whole width, less the scrollbar's room (kept whether it shows or not).
        assert table.size.width == 160 and used() == table.scrollable_content_region.width
        assert "GRU" in text_of(table) and "RNN 家族" in text_of(table)
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert table.size.width == 120 and used() == table.scrollable_content_region.width
        assert isinstance(app.screen, BrowseScreen) and fronts_shown(app.screen) != []


@pytest.mark.parametrize("width", [100, 200])
async def test_every_header_shows_whole_with_a_scrollbar(width: int, tmp_path: Path) -> None:
    from textual.widgets import DataTable

    path = many_cards_db(tmp_path, 60)  # more rows than the table shows: a scrollbar
    app = create_app(db_path=path, settings=Settings(), now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.max_scroll_y > 0 and table.max_scroll_x == 0
        header = text_of(table).split("\n")[0].split()
        assert header == ["Deck", "Front", "State", "Due", "Reps", "Lapses"]


async def test_a_cut_deck_keeps_its_last_part_with_an_ellipsis(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    path = many_cards_db(tmp_path, 3)
    app = create_app(db_path=path, settings=Settings(), now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        rows = text_of(app.screen.query_one(DataTable)).split("\n")[1:]
        # "大文件 › 子牌组 3 一个很长的子牌组名字" in 8 cells: the sub-deck, cut (it was
        # "大文件 ›", the sub-deck dropped with no "…").
        assert rows and all(row.startswith(" 子牌组…") for row in rows), rows
    app = create_app(db_path=path, settings=Settings(), now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 24)) as pilot:  # 14 cells
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        rows = text_of(app.screen.query_one(DataTable)).split("\n")[1:]
        assert rows and all(row.startswith(" … › 子牌组 3…") for row in rows), rows


def many_cards_db(tmp_path: Path, count: int) -> Path:
    """`count` cards in `笔记::大文件::子牌组 …` (a long sub-deck name); `/` on the home
    screen browses `笔记`, so the table's deck column shows `大文件 › 子牌组 …`."""
    from llmcards.cards import CardDraft
    from llmcards.store.sync import sync_file

    path = tmp_path / "many.db"
    db = open_db(path)
    sub = "子牌组 3 一个很长的子牌组名字"
    drafts = [
        CardDraft(deck=("笔记", "大文件", sub), front=f"概念{i}", back="解释", line=i + 1)
        for i in range(count)
    ]
    with db.write() as conn:
        sync_file(conn, root="笔记", source_path="/n/big.md", drafts=drafts, now=NOW_DT)
    db.close()
    return path


async def test_a_buried_card_reads_as_buried_in_the_browser(
    db_path: Path, settings: Settings
) -> None:
    from datetime import timedelta

    from llmcards.scheduling.review import set_buried

    db = open_db(db_path)
    try:
        with db.read() as conn:
            gru = conn.execute(select(CARD.c.id).where(CARD.c.front == "GRU")).scalar_one()
        set_buried(db, gru, NOW_DT + timedelta(hours=12))
    finally:
        db.close()
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"GRU")
        await settle(pilot)
        assert "new · buried" in text_of(app.screen.query_one("#browse-table"))


async def test_the_preview_shows_an_answer_as_the_study_screen_does(tmp_path: Path) -> None:
    from llmcards.cards import CardDraft
    from llmcards.store.sync import sync_file
    from llmcards.tui.answer import MAX_SHOWN

    path = tmp_path / "math.db"
    db = open_db(path)
    drafts = [
        CardDraft(deck=("笔记",), front="缩放", back=r"除以 $\sqrt{d_k}$ 防止梯度过小", line=1),
        CardDraft(deck=("笔记",), front="巨大", back="很长的答案。" * MAX_SHOWN, line=2),
    ]
    with db.write() as conn:
        sync_file(conn, root="笔记", source_path="/n/m.md", drafts=drafts, now=NOW_DT)
    db.close()
    app = create_app(db_path=path, settings=Settings(), now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"缩放")
        await settle(pilot)
        answer = app.screen.query_one("#browse-markdown", Markdown)
        assert "√(d\\_k)" in answer.source and "sqrt" not in answer.source  # escaped Markdown
        await pilot.press(*["backspace"] * 2, *"巨大")
        await settle(pilot)
        assert len(answer.source) < MAX_SHOWN + 200  # cut, as in study, not 120,000 characters


async def test_end_goes_to_the_last_card_found_and_home_to_the_first(
    db_path: Path, settings: Settings, monkeypatch
) -> None:
    monkeypatch.setattr("llmcards.tui.screens.browse.PAGE_ROWS", 1)
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await pilot.press(*"GR", "end")  # in the search box End moves in the text
        await settle(pilot)
        assert isinstance(screen.focused, Input) and len(fronts_shown(screen)) == 1
        await pilot.press("backspace", "backspace", "enter", "end")
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert len(fronts_shown(screen)) == 3 and table.cursor_row == 2
        await pilot.press("home")
        await settle(pilot)
        assert table.cursor_row == 0
