"""The end of a session says what is really left: done for now while learning cards come
back later today, and which daily limit keeps cards waiting, with how to study more (as
Anki's congratulations screen does)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from llmcards.cards import CardDraft
from llmcards.config import DeckLimits, Settings
from llmcards.store.db import open_db
from llmcards.store.models import CARD, REVIEW
from llmcards.store.sync import sync_file
from llmcards.tui.app import create_app
from llmcards.tui.screens.study import StudyScreen
from tests.tui.conftest import NOW_DT, ROOT, settle, text_of


def many_cards(tmp_path: Path, count: int, deck: str = "NLP") -> Path:
    path = tmp_path / "many.db"
    db = open_db(path)
    drafts = [
        CardDraft(deck=(ROOT, deck), front=f"概念 {i}", back="答案", line=i, heading_path=(deck,))
        for i in range(1, count + 1)
    ]
    with db.write() as conn:
        sync_file(conn, root=ROOT, source_path="/n.md", drafts=drafts, now=NOW_DT)
    db.close()
    return path


def study_app(db_path: Path, settings: Settings, deck: str = ROOT):
    return create_app(
        db_path=db_path, deck=deck, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent")
    )


def summary(app) -> str:
    return " ".join(text_of(app.screen.query_one("#summary")).split())


def progress(app) -> str:
    return text_of(app.screen.query_one("#progress"))


async def study_to_the_end(pilot, rating: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    for _ in range(50):
        await settle(pilot)
        if screen.view is not None and screen.view.card is None:
            return
        await pilot.press("space", rating)
    raise AssertionError("the session never ended")


async def test_learning_cards_due_later_today_make_it_done_for_now(db_path: Path) -> None:
    settings = Settings(fuzz=False, learning_steps=["1m", "1h"])
    app = study_app(db_path, settings, deck=f"{ROOT}::NLP")  # LSTM and GRU
    async with app.run_test(size=(100, 30)) as pilot:
        await study_to_the_end(pilot, "3")  # Good: both to their 1 h step
        said = summary(app)
        assert said.startswith("Done for now — 2 cards") and "Done for today" not in said
        assert "Next learning card: in 1 h (2 learning cards later today)" in said
        bar = progress(app)
        assert "learn 0 (2 later)" in bar
        assert "░" in bar  # not a full bar: two cards are still to come today


async def test_the_new_card_limit_says_how_many_wait_and_how_to_study_more(
    tmp_path: Path,
) -> None:
    path = many_cards(tmp_path, 14)
    app = study_app(path, Settings(fuzz=False, new_per_day=3))
    async with app.run_test(size=(100, 30)) as pilot:
        await study_to_the_end(pilot, "4")
        said = summary(app)
        assert said.startswith("Done for today — 3 cards")
        assert "New-card limit reached: 3 a day (new_per_day); 11 new cards wait" in said
        assert "llmcards config new_per_day 14" in said


async def test_a_decks_own_limit_names_its_own_setting(tmp_path: Path) -> None:
    path = many_cards(tmp_path, 5)
    nlp = f"{ROOT}::NLP"
    settings = Settings(fuzz=False, deck_limits={nlp: DeckLimits(new_per_day=2)})
    app = study_app(path, settings)  # the root: its sub-deck's own limit stops it
    async with app.run_test(size=(100, 30)) as pilot:
        await study_to_the_end(pilot, "4")
        said = summary(app)
        assert f"New-card limit reached: 2 a day for {ROOT} › NLP" in said
        assert "3 new cards wait" in said
        assert f"""llmcards config 'deck_limits."{nlp}".new_per_day' 5""" in said


async def test_the_review_limit_is_said_too(tmp_path: Path) -> None:
    path = many_cards(tmp_path, 3)
    db = open_db(path)
    with db.write() as conn:
        conn.execute(
            update(CARD).values(
                state=REVIEW,
                stability=3.0,
                difficulty=5.0,
                due=NOW_DT - timedelta(hours=1),
                last_review=NOW_DT - timedelta(days=3),
                reps=1,
            )
        )
    db.close()
    app = study_app(path, Settings(fuzz=False, reviews_per_day=1))
    async with app.run_test(size=(100, 30)) as pilot:
        await study_to_the_end(pilot, "3")
        said = summary(app)
        assert "Review limit reached: 1 a day (reviews_per_day); 2 reviews wait" in said
        assert "llmcards config reviews_per_day 3" in said


async def test_nothing_to_study_offers_undo_only_with_something_to_undo(tmp_path: Path) -> None:
    path = many_cards(tmp_path, 4)
    settings = Settings(fuzz=False, new_per_day=2)
    app = create_app(db_path=path, settings=settings, now=NOW_DT, bundled_dir=Path("/nonexistent"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await study_to_the_end(pilot, "4")
        assert "u undo" in summary(app)  # the two ratings can be taken back
        await pilot.press("escape", "enter")  # the same deck again: nothing left today
        await settle(pilot)
        said = summary(app)
        assert said.startswith("Nothing to study here right now")
        assert "New-card limit reached: 2 a day (new_per_day); 2 new cards wait" in said
        assert "u undo" in said  # still: this run's ratings

    app = study_app(path, settings)  # a new run: nothing of its own to undo
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = summary(app)
        assert said.startswith("Nothing to study here right now")
        assert "undo" not in said
        assert "█" not in progress(app)  # nothing done, nothing left: not a full bar


async def test_the_summary_names_the_keys_in_effect(tmp_path: Path) -> None:
    path = many_cards(tmp_path, 1)
    settings = Settings(fuzz=False, keys={"study.stats": "x", "study.undo": "z"})
    app = study_app(path, settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await study_to_the_end(pilot, "4")
        said = summary(app)
        assert "x stats" in said and "z undo" in said and "t stats" not in said
        assert "Enter back to decks" in said  # Space works too; the summary names Enter
