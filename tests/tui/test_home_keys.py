"""Home-screen keys beyond studying: `t` opens the stats, `i` imports notes in place."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from llmcards.config import Settings
from llmcards.tui.app import create_app
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.screens.import_notes import ImportScreen
from llmcards.tui.screens.stats import StatsScreen
from llmcards.tui.widgets.deck_tree import DeckTree
from tests.tui.conftest import NOW_DT, settle


async def test_t_opens_stats_for_the_highlighted_deck_and_escape_returns(
    db_path: Path, settings: Settings
) -> None:
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        highlighted = app.screen.query_one(DeckTree).current_deck
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen) and app.screen.deck == highlighted
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_i_imports_a_notes_file_and_the_tree_shows_it(
    db_path: Path, settings: Settings, tmp_path: Path
) -> None:
    notes = tmp_path / "more.md"
    notes.write_text(
        "# 优化器\n\n1. AdamW：把权重衰减从梯度更新中解耦\n2. SGD：随机梯度下降\n3. Lion\n",
        encoding="utf-8",
    )
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, ImportScreen)
        await pilot.press(*str(notes))
        await pilot.press("tab")  # on to the (optional) deck field
        await pilot.press(*"新笔记")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        notice = str(app.screen.query_one("#notice").render())
        assert "2 new" in notice and "1 named but never explained" in notice
        decks = [row.name for row in app.screen.query_one(DeckTree).rows]
        assert "新笔记::优化器" in decks


async def test_import_of_a_missing_file_says_why_and_stays_open(
    db_path: Path, settings: Settings, tmp_path: Path
) -> None:
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.press(*str(tmp_path / "nope.md"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert "no such file" in str(app.screen.query_one("#import-result").render())


async def test_import_under_a_deck_with_no_name_says_why_and_stays_open(
    db_path: Path, settings: Settings, tmp_path: Path
) -> None:
    notes = tmp_path / "daily.md"
    notes.write_text("# 模型\n\n- Dropout：随机失活\n", encoding="utf-8")
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i", *str(notes), "tab", *"::", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        said = str(app.screen.query_one("#import-result").render())
        assert "root deck '::' has no name in it" in said and "give a deck name" in said


async def test_import_accepts_a_path_with_spaces_and_tilde_and_no_deck(
    db_path: Path, settings: Settings, tmp_path: Path
) -> None:
    home = tmp_path / "home"  # $HOME in these tests
    notes = home / "my notes" / "optimizers.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("# 优化器\n\n- AdamW：把权重衰减从梯度更新中解耦\n", encoding="utf-8")
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        deck_field = app.screen.query_one("#import-deck", Input)
        assert deck_field.value == "" and deck_field.placeholder.startswith("empty:")
        await pilot.press(*"~/my notes/optimizers.md", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), app.screen.query_one("#import-result").render()
        decks = [row.name for row in app.screen.query_one(DeckTree).rows]
        assert any(name.endswith("优化器") for name in decks)
        assert not any("empty" in name or "remembered" in name for name in decks)
        await pilot.press("i")
        await pilot.press(*"'~/my notes/optimizers.md'", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "1 unchanged" in str(app.screen.query_one("#notice").render())


async def test_reimport_in_the_app_says_which_fronts_kept_their_history(
    db_path: Path, settings: Settings, tmp_path: Path
) -> None:
    notes = tmp_path / "more.md"
    notes.write_text("# 优化器\n\n1. Transfomer：完全基于注意力的模型\n", encoding="utf-8")
    app = create_app(db_path=db_path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i", *str(notes), "tab", *"新笔记", "enter")
        await settle(pilot)
        notes.write_text("# 优化器\n\n1. Transformer：完全基于注意力的模型\n", encoding="utf-8")
        await pilot.press("i", *str(notes), "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        notice = str(app.screen.query_one("#notice").render())
        assert "kept history: 优化器 › Transfomer → 优化器 › Transformer" in notice


async def test_enter_in_the_path_field_imports_names_the_deck_and_shows_it_in_the_list(
    tmp_path: Path, settings: Settings
) -> None:
    from llmcards.cards import CardDraft
    from llmcards.store.db import open_db
    from llmcards.store.sync import sync_file
    from tests.tui.conftest import NOW_DT

    path = tmp_path / "decks.db"  # more decks than a 40x12 terminal shows
    db = open_db(path)
    with db.write() as conn:
        for n in range(12):
            root = f"Deck {n:02d}"
            draft = CardDraft(deck=(root,), front=f"术语 {n}", back="解释", line=1)
            sync_file(conn, root=root, source_path=f"/d{n}.md", drafts=[draft], now=NOW_DT)
    db.close()
    notes = tmp_path / "optimizers.md"
    notes.write_text("# 优化器\n\n- AdamW：把权重衰减从梯度更新中解耦\n", encoding="utf-8")
    app = create_app(db_path=path, settings=settings, now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(DeckTree)
        assert tree.current_deck == "Deck 00"
        await pilot.press("i", *str(notes), "enter")  # Enter imports at once
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        notice = " ".join(str(app.screen.query_one("#notice").render()).split())
        assert notice.startswith("Imported into optimizers: 1 new"), notice
        assert tree.current_deck == "optimizers"  # the cursor on the new deck…
        row = tree.highlighted
        assert row is not None
        top = tree.scroll_offset.y
        assert top <= row < top + tree.scrollable_content_region.height  # …scrolled into view
