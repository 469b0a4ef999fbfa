"""A whole study session driven like a user would: keys in, screen and database out."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Button, Static

from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.models import CARD
from llmcards.tui.app import create_app
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.screens.study import StudyScreen
from llmcards.tui.widgets.card_view import CardView
from llmcards.tui.widgets.rating_bar import RatingBar
from tests.tui.conftest import NOW_DT, ROOT, reviews_in, settle, text_of


def reviews(db_path: Path) -> list[tuple[str, int]]:
    return reviews_in(db_path)


def card_flags(db_path: Path, front: str) -> tuple[bool, object]:
    db = open_db(db_path)
    try:
        with db.read() as conn:
            row = conn.execute(
                select(CARD.c.suspended, CARD.c.buried_until).where(CARD.c.front == front)
            ).one()
    finally:
        db.close()
    return bool(row.suspended), row.buried_until


def front(app) -> str:
    return text_of(app.screen.query_one("#front", Static)).strip()


async def test_whole_session_reveal_rate_undo_suspend_finish(
    db_path: Path, settings: Settings
) -> None:
    app = create_app(
        db_path=db_path, deck=ROOT, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert front(app) == "LSTM"
        assert text_of(screen.query_one("#context", Static)).strip() == "RNN 家族"
        assert not screen.query_one("#answer").display or not screen.query_one(CardView).revealed
        assert not screen.query_one(RatingBar).display

        await pilot.press("3")  # a rating before the answer is shown does nothing
        await settle(pilot)
        assert reviews(db_path) == []

        await pilot.press("space")
        card_view = screen.query_one(CardView)
        assert card_view.revealed and screen.query_one(RatingBar).display
        good = str(screen.query_one("#rate-3", Button).label)
        assert good.startswith("3 Good ") and len(good) > len("3 Good ")  # carries its interval

        await pilot.press("3")
        await settle(pilot)
        assert reviews(db_path) == [("LSTM", 3)]
        assert front(app) == "GRU" and not card_view.revealed
        assert getattr(app.db, "checkpoints", None) is not None  # see store.checkpoints

        await pilot.press("u")
        await settle(pilot)
        assert reviews(db_path) == []
        assert front(app) == "LSTM"

        await pilot.press("space", "4")
        await settle(pilot)
        assert front(app) == "GRU"
        await pilot.press("s")
        await settle(pilot)
        assert card_flags(db_path, "GRU")[0] is True
        assert front(app) == "折扣回报 Discounted Return"

        await pilot.press("enter", "4")  # Enter shows the answer too
        await settle(pilot)
        assert reviews(db_path) == [("LSTM", 4), ("折扣回报 Discounted Return", 4)]
        summary = text_of(screen.query_one("#summary", Static))
        assert "Done for today — 2 cards" in summary
        assert "Again 0 (0%) · Hard 0 · Good 0 · Easy 2" in summary

        await pilot.press("u")  # undo works from the summary too
        await settle(pilot)
        assert front(app) == "折扣回报 Discounted Return"
        assert reviews(db_path) == [("LSTM", 4)]
        await pilot.press("u")  # and further back: the suspend
        await settle(pilot)
        assert front(app) == "GRU"
        assert card_flags(db_path, "GRU")[0] is False

        await pilot.press("b")
        await settle(pilot)
        assert card_flags(db_path, "GRU")[1] is not None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_rating_buttons_work_with_the_mouse(db_path: Path, settings: Settings) -> None:
    app = create_app(
        db_path=db_path, deck=ROOT, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.click("#reveal")
        await pilot.click("#rate-1")
        await settle(pilot)
        assert reviews(db_path) == [("LSTM", 1)]
        assert front(app) == "GRU"


async def test_keys_remapped_in_settings_work_and_show(db_path: Path) -> None:
    settings = Settings(fuzz=False, keys={"study.good": "j", "study.reveal": "k"})
    app = create_app(
        db_path=db_path, deck=ROOT, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space")  # no longer bound
        assert not app.screen.query_one(CardView).revealed
        await pilot.press("k")
        assert str(app.screen.query_one("#rate-3", Button).label).startswith("j Good")
        await pilot.press("j")
        await settle(pilot)
        assert reviews(db_path) == [("LSTM", 3)]
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = text_of(app.screen.query_one("#help-keys", Static))
        good_line = next(line for line in help_text.splitlines() if "Good" in line)
        assert good_line.split()[0] == "j" and good_line.split()[-1] == "study.good"
        foot = text_of(app.screen.query_one("#help-foot", Static))
        assert "llmcards config keys.study.good j" in foot


async def test_open_link(
    db_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    app = create_app(
        db_path=db_path, deck=ROOT, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )

    def open_link(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(app, "open_link", open_link)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")  # links open from the answer side only, and it says so
        assert opened == []
        status = app.screen.query_one("#status", Static)
        assert "show it first" in text_of(status) and status.display
        await pilot.press("space", "o")
        assert opened == ["https://juejin.cn/post/6973082167970627620"]
        from textual.widgets import Markdown

        answer = app.screen.query_one("#answer", Markdown)  # a click on a link in the answer
        answer.post_message(Markdown.LinkClicked(answer, "https://example.com/clicked"))
        await pilot.pause()
        assert opened[-1] == "https://example.com/clicked"


async def test_a_link_nothing_can_open_is_shown_to_copy_not_said_to_be_opening(
    db_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    asked: list[str] = []

    def no_browser(url: str, *args: object, **kwargs: object) -> bool:
        asked.append(url)
        return False  # what webbrowser.open says when it knows no browser (over SSH)

    monkeypatch.setattr(webbrowser, "open", no_browser)
    url = "https://juejin.cn/post/6973082167970627620"
    app = create_app(
        db_path=db_path, deck=ROOT, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )
    async with app.run_test(size=(40, 12)) as pilot:  # small: the link must still show whole
        await settle(pilot)
        await pilot.press("space", "o")
        await pilot.pause()
        assert asked == [url]  # the system's browser was asked, and could not
        said = "".join(text_of(app.screen.query_one("#status", Static)).split())
        assert said.startswith("Nobrowsercanopenithere.")
        assert said.endswith(url)  # the link whole, to copy
        assert not any("Opening" in str(n.message) for n in app._notifications)
        assert app.clipboard == url


async def test_o_on_a_card_without_a_link_says_so_and_the_summary_offers_no_card_keys(
    db_path: Path, settings: Settings
) -> None:
    app = create_app(
        db_path=db_path, deck=ROOT, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        while "juejin" in (screen.query_one(CardView).first_link or ""):
            await pilot.press("space", "3")  # past the card with a link
            await settle(pilot)
        await pilot.press("space", "o")
        assert text_of(screen.query_one("#status", Static)) == "This card has no link to open."
        for _ in range(20):  # to the end of the session
            if screen.view is not None and screen.view.card is None:
                break
            await pilot.press("space", "4")
            await settle(pilot)
        assert "Done for today" in text_of(screen.query_one("#summary", Static))
        offered = {b.binding.action for b in app.active_bindings.values()}
        assert "done" in offered  # the key bar offers what works on the summary
        assert not offered & {"edit", "suspend", "bury", "open_link"}


async def test_a_warmed_up_driver_shows_its_first_card_and_escape_builds_the_deck_list(
    db_path: Path, settings: Settings
) -> None:
    # What `llmcards study --deck` does: the queue and first view are built before the app.
    from llmcards import clock
    from llmcards.tui.study_driver import StudyDriver

    db = open_db(db_path)
    driver = StudyDriver(db, deck=ROOT, settings=settings, clock=lambda: clock.ensure_utc(NOW_DT))
    driver.warm_up()
    app = create_app(
        db_path=db_path,
        deck=ROOT,
        settings=settings,
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
        db=db,
        first_driver=driver,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and front(app) == "LSTM"
        assert driver.take_ready_view() is None  # handed over once
        await pilot.press("space", "3")
        await settle(pilot)
        assert reviews(db_path) == [("LSTM", 3)]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_study_from_a_fast_start_shows_the_card_then_opens_the_store_and_keeps_ratings(
    db_path: Path, settings: Settings, monkeypatch
) -> None:
    # `llmcards study --deck nlp` on an existing database: the first card is read with
    # the stdlib alone; the store (SQLAlchemy, daily backup) opens while it is on screen.
    from llmcards.cli.state import STATE
    from llmcards.cli.study import _fast_start
    from llmcards.store.deferred import DeferredDatabase

    monkeypatch.setattr(STATE, "db_option", str(db_path))
    started = _fast_start("nlp", settings)
    assert started is not None
    db, full, driver = started
    assert isinstance(db, DeferredDatabase) and not db.is_open and full == f"{ROOT}::NLP"
    app = create_app(
        db_path=db_path,
        deck=full,
        settings=settings,
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
        db=db,
        first_driver=driver,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and front(app) == "LSTM"
        for _ in range(300):
            if db.is_open:
                break
            await pilot.pause(0.01)
        assert db.is_open
        await pilot.press("space", "3")
        await settle(pilot)
        assert front(app) == "GRU"
        assert reviews(db_path) == [("LSTM", 3)]
        # The rating's commit left copying the log into the file to a thread of its own.
        assert db.get().checkpoints is not None


def test_a_deck_name_that_matches_nothing_is_refused_by_the_fast_start_too(
    db_path: Path, settings: Settings, monkeypatch
) -> None:
    import pytest

    from llmcards.cli.state import STATE
    from llmcards.cli.study import _fast_start
    from llmcards.errors import UserError

    monkeypatch.setattr(STATE, "db_option", str(db_path))
    with pytest.raises(UserError, match="no deck named 'Vision'"):
        _fast_start("Vision", settings)


async def test_t_shows_the_studied_decks_stats_and_escape_returns_to_the_same_card(
    db_path: Path, settings: Settings
) -> None:
    from llmcards.tui.screens.stats import StatsScreen

    app = create_app(
        db_path=db_path, deck="NLP", settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "3")
        await settle(pilot)
        assert front(app) == "GRU"
        await pilot.press("t")
        await settle(pilot)
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        assert (
            stats.stats is not None
            and stats.stats.deck == f"{ROOT}::NLP"
            and stats.stats.today_reviews == 1
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and front(app) == "GRU"


async def test_at_40_columns_the_progress_counts_show_whole(tmp_path: Path) -> None:
    """A new user's first session (20 new cards) at 40x12: the counts are the meaning of
    the progress line and must not be cut off; the bar gives way."""
    from llmcards.cards import CardDraft
    from llmcards.store.sync import sync_file

    path = tmp_path / "many.db"
    db = open_db(path)
    drafts = [
        CardDraft(deck=(ROOT, "NLP"), front=f"概念 {i}", back="答案", line=i, heading_path=("NLP",))
        for i in range(1, 31)
    ]
    with db.write() as conn:
        sync_file(conn, root=ROOT, source_path="/n.md", drafts=drafts, now=NOW_DT)
    db.close()
    app = create_app(db_path=path, deck=ROOT, settings=Settings(fuzz=False), now=NOW_DT)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        header = app.screen.query_one("#study-header")
        progress = app.screen.query_one("#progress")
        assert "new 20 · learn 0 · due 0" in text_of(progress)
        assert progress.region.right <= header.content_region.right, progress.region


@pytest.mark.parametrize("width", [60, 65, 66, 80])
async def test_every_rating_label_shows_whole_at_any_width(tmp_path: Path, width: int) -> None:
    from rich.cells import cell_len
    from textual.widgets import Button

    from llmcards.cards import CardDraft
    from llmcards.store.sync import sync_file

    path = tmp_path / "r.db"
    db = open_db(path)
    drafts = [CardDraft(deck=(ROOT,), front="概念", back="答案", line=1)]
    with db.write() as conn:
        sync_file(conn, root=ROOT, source_path="/n.md", drafts=drafts, now=NOW_DT)
    db.close()
    app = create_app(db_path=path, deck=ROOT, settings=Settings(fuzz=False), now=NOW_DT)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        for rating in (1, 2, 3, 4):
            button = app.screen.query_one(f"#rate-{rating}", Button)
            label = str(button.label)
            assert button.region.right <= width, (width, label, button.region)
            assert button.content_region.width >= cell_len(label), (width, label)
