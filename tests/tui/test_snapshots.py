"""Pictures of the screens with Chinese content, time frozen (LLMCARDS_NOW, `now=`),
FSRS fuzz off. Update after a deliberate change with `pytest --snapshot-update` and
look at the SVGs in tests/tui/__snapshots__ before committing them."""

from __future__ import annotations

from pathlib import Path

from llmcards.config import Settings
from llmcards.tui.app import create_app
from tests.tui.conftest import NOW_DT, ROOT, settle

SIZE = (100, 30)


def make_app(db_path: Path, deck: str | None = None):
    return create_app(
        db_path=db_path,
        deck=deck,
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )


def test_home_screen(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=settle)


def test_study_question(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path, ROOT), terminal_size=SIZE, run_before=settle)


def test_study_answer(snap_compare, db_path: Path) -> None:
    async def reveal(pilot) -> None:
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(make_app(db_path, ROOT), terminal_size=SIZE, run_before=reveal)


def test_study_answer_with_a_table(snap_compare, db_path: Path) -> None:
    async def reveal(pilot) -> None:
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(
        make_app(db_path, f"{ROOT}::强化学习"), terminal_size=SIZE, run_before=reveal
    )


def test_help_screen(snap_compare, db_path: Path) -> None:
    async def help(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(db_path, ROOT), terminal_size=SIZE, run_before=help)
