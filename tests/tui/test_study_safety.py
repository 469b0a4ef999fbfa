"""A rating goes to the card on screen, revealed, and is never lost: not when another
terminal retires that card, not when another terminal holds the database."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from textual.widgets import Static

from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file
from llmcards.tui.app import create_app
from llmcards.tui.screens.home import HomeScreen
from llmcards.tui.screens.study import KEY_NOT_USED, WAITING
from llmcards.tui.widgets.card_view import CardView
from tests.tui.conftest import NOW_DT, ROOT, drafts, reviews_in, screen_text, settle, text_of


def study_app(db_path: Path, deck: str = ROOT):
    return create_app(
        db_path=db_path,
        deck=deck,
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )


def front(app) -> str:
    return text_of(app.screen.query_one("#front", Static)).strip()


def status(app) -> str:
    return " ".join(text_of(app.screen.query_one("#status", Static)).split())


async def test_a_card_retired_by_another_terminal_is_not_rated_nor_the_next_one(
    db_path: Path, note_path: Path
) -> None:
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        assert front(app) == "LSTM" and app.screen.query_one(CardView).revealed

        other = open_db(db_path)  # another terminal: LSTM's bullet deleted, notes re-imported
        with other.write() as conn:
            kept = [d for d in drafts() if d.front != "LSTM"]
            sync_file(conn, root=ROOT, source_path=str(note_path), drafts=kept, now=NOW_DT)
        other.close()

        await pilot.press("3")
        await settle(pilot)
        assert front(app) == "GRU" and not app.screen.query_one(CardView).revealed
        assert "removed from its notes" in status(app)
        await pilot.press("3")  # GRU's answer was never shown: this rates nothing
        await settle(pilot)
        assert reviews_in(db_path) == []
        await pilot.press("space", "3")
        await settle(pilot)
        assert reviews_in(db_path) == [("GRU", 3)]


async def test_a_card_rated_in_another_terminal_meanwhile_is_not_rated_again(
    db_path: Path,
) -> None:
    from llmcards.scheduling.review import rate_card

    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        assert front(app) == "LSTM"
        other = open_db(db_path)  # `llmcards rate` in another terminal, on the card shown
        with other.read() as conn:
            lstm = conn.exec_driver_sql("SELECT id FROM card WHERE front = 'LSTM'").scalar_one()
        rate_card(other, lstm, 4, now=NOW_DT, settings=Settings(fuzz=False))
        other.close()
        await pilot.press("3")
        await settle(pilot)
        assert reviews_in(db_path) == [("LSTM", 4)]  # the other terminal's, once
        assert "rated elsewhere" in status(app) and front(app) != "LSTM"


async def test_space_and_enter_rate_good_on_the_answer_side_and_the_footer_says_so(
    db_path: Path,
) -> None:
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Show answer" in footer and "Good" not in footer
        await pilot.press("space")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "space Good" in footer and "Show answer" not in footer
        await pilot.press("space")
        await settle(pilot)
        assert reviews_in(db_path) == [("LSTM", 3)]
        assert front(app) == "GRU" and not app.screen.query_one(CardView).revealed
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert reviews_in(db_path) == [("LSTM", 3), ("GRU", 3)]


async def test_a_rating_while_another_terminal_writes_waits_and_is_saved_once(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A short busy timeout, so the locked database shows up at once, not after 30 s.
    monkeypatch.setattr("llmcards.store.sqlite.BUSY_TIMEOUT_MS", 20)
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()
        other = sqlite3.connect(db_path, isolation_level=None)  # another terminal importing
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("3")
            for _ in range(400):  # until the screen says the rating waits
                if WAITING in status(app):
                    break
                await pilot.pause(0.01)
            assert WAITING in status(app)
            assert front(app) == "LSTM"  # the next card only once the rating is saved
            await pilot.press("3")  # meant for LSTM again: not used, and the screen says so
            assert KEY_NOT_USED in status(app)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await settle(pilot)
        assert reviews_in(db_path) == [("LSTM", 3)]
        assert front(app) == "GRU" and not app.screen.query_one(CardView).revealed
        assert WAITING not in status(app)


async def test_on_the_summary_space_and_enter_go_back_to_the_decks(db_path: Path) -> None:
    app = study_app(db_path, deck=f"{ROOT}::强化学习")  # one card
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "4")
        await settle(pilot)
        assert "Done for today" in screen_text(app)
        footer = screen_text(app).splitlines()[-1]
        assert "space Decks" in footer and "Good" not in footer and "Show answer" not in footer
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


def slow_saves(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.3) -> None:
    """Each rating takes `seconds` to be saved (a slow disk's fsync), nothing else writing."""
    from llmcards.tui.study_driver import StudyDriver

    rate = StudyDriver.rate

    def slow_rate(self, *args, **kwargs):
        time.sleep(seconds)
        return rate(self, *args, **kwargs)

    monkeypatch.setattr(StudyDriver, "rate", slow_rate)


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_space_pressed_while_a_rating_is_saved_shows_the_next_cards_answer_after_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_saves(monkeypatch)
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")  # show the answer, rate Good (saving…)
        await pilot.press("space")  # meant for the next card
        assert front(app) == "LSTM"  # no next card before the rating is saved
        await settle(pilot)
        await pilot.pause()
        assert reviews_in(db_path) == [("LSTM", 3)]
        assert front(app) == "GRU" and app.screen.query_one(CardView).revealed
        assert not toasts(app) and "not used" not in status(app)


async def test_a_rating_key_while_a_rating_is_saved_is_not_used_and_the_screen_says_why(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_saves(monkeypatch)
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "3", "4")  # the 4: for LSTM again, or for a card not shown
        said = toasts(app)
        assert said == [
            "Saving the last rating… that key was not used: nothing was done to the next card."
        ]
        assert "busy" not in said[0]  # nothing else uses the database
        await settle(pilot)
        assert reviews_in(db_path) == [("LSTM", 3)]
        assert front(app) == "GRU" and not app.screen.query_one(CardView).revealed


async def test_undo_pressed_while_a_rating_is_saved_takes_that_rating_back_once_saved(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_saves(monkeypatch)
    app = study_app(db_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "3", "u")
        await settle(pilot)
        await pilot.pause()
        await settle(pilot)
        assert reviews_in(db_path) == []
        assert front(app) == "LSTM" and "Taken back" in status(app)
        assert not toasts(app)
