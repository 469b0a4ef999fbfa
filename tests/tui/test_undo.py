"""`u` takes back what this run of the app did, also after leaving the study screen (as
Anki's Undo Answer Card still works from the deck list), and never a review made
elsewhere since."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from llmcards.config import Settings
from llmcards.scheduling.review import rate_card
from llmcards.store.db import open_db
from llmcards.tui.app import create_app
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.screens.study import StudyScreen
from llmcards.tui.widgets.card_view import CardView
from llmcards.tui.widgets.deck_tree import DeckTree
from tests.tui.conftest import NOW_DT, ROOT, reviews_in, settle, text_of


def home_app(db_path: Path):
    return create_app(
        db_path=db_path, settings=Settings(fuzz=False), now=NOW_DT, bundled_dir=Path("/nonexistent")
    )


def front(app) -> str:
    return text_of(app.screen.query_one("#front", Static)).strip()


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def status(app) -> str:
    return " ".join(text_of(app.screen.query_one("#status", Static)).split())


async def rate_lstm_and_go_home(pilot, db_path: Path) -> None:
    app = pilot.app
    await settle(pilot)
    await pilot.press("enter")  # study the root deck
    await settle(pilot)
    assert isinstance(app.screen, StudyScreen) and front(app) == "LSTM"
    await pilot.press("space", "3")
    await settle(pilot)
    assert reviews_in(db_path) == [("LSTM", 3)] and front(app) == "GRU"
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(app.screen, HomeScreen)


async def test_undo_in_a_new_study_session_takes_back_the_rating_of_the_one_before(
    db_path: Path,
) -> None:
    app = home_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await rate_lstm_and_go_home(pilot, db_path)
        await pilot.press("enter")  # the same deck again: a new session
        await settle(pilot)
        assert front(app) == "GRU"
        await pilot.press("u")
        await settle(pilot)
        assert reviews_in(db_path) == []
        assert front(app) == "LSTM" and "Taken back" in status(app)
        assert not toasts(app)
        await pilot.press("space", "4")  # and it can be rated again
        await settle(pilot)
        assert reviews_in(db_path) == [("LSTM", 4)]


async def test_u_on_the_deck_list_takes_back_the_last_rating_and_shows_that_card(
    db_path: Path,
) -> None:
    app = home_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await rate_lstm_and_go_home(pilot, db_path)
        await pilot.press("down")  # the highlighted deck does not matter
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)
        assert reviews_in(db_path) == []
        assert front(app) == "LSTM" and not app.screen.query_one(CardView).revealed
        assert "Taken back" in status(app)
        assert app.screen.driver.deck == ROOT  # the deck studied when it was rated
        await pilot.press("u")  # nothing left
        await settle(pilot)
        assert toasts(app) == ["Nothing to undo."]


async def test_u_on_the_deck_list_with_nothing_done_says_so_and_stays(db_path: Path) -> None:
    app = home_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Nothing to undo" in text_of(app.screen.query_one("#notice"))
        assert app.screen.query_one(DeckTree).has_focus


async def test_undo_of_a_card_rated_elsewhere_since_is_refused_and_the_step_before_still_works(
    db_path: Path,
) -> None:
    app = home_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space", "1")  # LSTM: Again, back in minutes
        await settle(pilot)
        await pilot.press("space", "3")  # GRU
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        other = open_db(db_path)  # `llmcards rate` in another terminal, on GRU
        with other.read() as conn:
            gru = conn.exec_driver_sql("SELECT id FROM card WHERE front = 'GRU'").scalar_one()
        rate_card(other, gru, 4, now=NOW_DT, settings=Settings(fuzz=False))
        other.close()
        await pilot.press("enter")
        await settle(pilot)
        shown = front(app)
        await pilot.press("u")
        await settle(pilot)
        assert "rated elsewhere since" in status(app)
        assert front(app) == shown  # nothing taken back, the same card
        assert reviews_in(db_path) == [("LSTM", 1), ("GRU", 3), ("GRU", 4)]  # history kept
        await pilot.press("u")  # the step before: LSTM's rating
        await settle(pilot)
        assert reviews_in(db_path) == [("GRU", 3), ("GRU", 4)]
        assert front(app) == "LSTM"


async def test_undo_of_a_step_done_in_another_deck_goes_back_to_that_deck(
    db_path: Path,
) -> None:
    app = home_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await rate_lstm_and_go_home(pilot, db_path)  # studying the root deck
        tree = app.screen.query_one(DeckTree)
        while tree.current_deck != f"{ROOT}::强化学习":
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert front(app) == "折扣回报 Discounted Return"
        await pilot.press("space", "3", "u")  # this deck's own step first
        await settle(pilot)
        assert front(app) == "折扣回报 Discounted Return" and reviews_in(db_path) == [("LSTM", 3)]
        await pilot.press("u")  # LSTM was rated while studying the root deck
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.deck == ROOT
        assert front(app) == "LSTM" and reviews_in(db_path) == []
        assert "new 3" in text_of(screen.query_one("#progress"))  # the root deck's counts
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_u_on_the_deck_list_that_cannot_undo_says_why_there(db_path: Path) -> None:
    app = home_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await rate_lstm_and_go_home(pilot, db_path)
        other = open_db(db_path)  # `llmcards rate` in another terminal, on LSTM
        with other.read() as conn:
            lstm = conn.exec_driver_sql("SELECT id FROM card WHERE front = 'LSTM'").scalar_one()
        rate_card(other, lstm, 4, now=NOW_DT, settings=Settings(fuzz=False))
        other.close()
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # no deck opened that was not asked for
        assert "rated elsewhere since" in text_of(app.screen.query_one("#notice"))
        assert reviews_in(db_path) == [("LSTM", 3), ("LSTM", 4)]
