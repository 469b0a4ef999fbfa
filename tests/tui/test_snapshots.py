"""Pictures of the screens with Chinese content, time frozen (LLMCARDS_NOW, `now=`),
FSRS fuzz off. Update after a deliberate change with `pytest --snapshot-update` and
look at the SVGs in tests/tui/__snapshots__ before committing them."""

from __future__ import annotations

from pathlib import Path

from llmcards.config import Settings
from llmcards.tui.app import create_app
from tests.tui.conftest import NOW_DT, ROOT, settle, starter_dir

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


# ---------------------------------------------------------------- more screens, small sizes

SMALL = (40, 12)


def pressing(*keys: str):
    """A `run_before` that waits for the data, presses `keys`, waits again, and stops the
    text cursor blinking so the picture does not depend on the moment it is taken."""

    async def run(pilot) -> None:
        from textual.widgets import Input

        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run


def test_browse_screen(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=pressing("slash"))


def test_stats_screen(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=pressing("t"))


def test_import_dialog(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SIZE, run_before=pressing("i"))


def test_small_home(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SMALL, run_before=pressing())


def test_small_study_question(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path, ROOT), terminal_size=SMALL, run_before=pressing())


def test_small_study_answer(snap_compare, db_path: Path) -> None:
    # The deck path on its own line, all four ratings with their intervals, some answer.
    assert snap_compare(make_app(db_path, ROOT), terminal_size=SMALL, run_before=pressing("space"))


def test_tiny_study_answer_still_shows_the_answer(snap_compare, db_path: Path) -> None:
    assert snap_compare(
        make_app(db_path, ROOT), terminal_size=(30, 8), run_before=pressing("space")
    )


def test_small_browse(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SMALL, run_before=pressing("slash"))


def test_small_stats(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SMALL, run_before=pressing("t"))


def test_small_help(snap_compare, db_path: Path) -> None:
    assert snap_compare(
        make_app(db_path, ROOT), terminal_size=SMALL, run_before=pressing("question_mark")
    )


def test_small_import_dialog(snap_compare, db_path: Path) -> None:
    assert snap_compare(make_app(db_path), terminal_size=SMALL, run_before=pressing("i"))


def first_run_app(tmp_path: Path):
    return create_app(
        db_path=tmp_path / "new.db",
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=starter_dir(tmp_path),
    )


def test_first_run_home(snap_compare, tmp_path: Path) -> None:
    # The first-run line once, under the decks, with no toast over it.
    assert snap_compare(first_run_app(tmp_path), terminal_size=SIZE, run_before=pressing())


def test_small_first_run_home(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(first_run_app(tmp_path), terminal_size=SMALL, run_before=pressing())
