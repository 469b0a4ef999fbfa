"""`e`: the card's note in $EDITOR. A missing or failing editor gives the terminal back and
says why; a good edit is imported at once, so the changed card shows.

The headless test driver cannot hand the terminal over, so `App.suspend` is replaced by
one that behaves like Textual's: it resumes only when the code inside returns normally.
The editors are real programs (small shell scripts).
"""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Markdown

from llmcards.config import Settings
from llmcards.tui.app import LlmcardsApp, create_app
from llmcards.tui.screens.browse import BrowseScreen
from llmcards.tui.widgets.card_view import CardView
from tests.tui.conftest import NOW_DT, ROOT, settle, text_of


def script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class Terminal:
    """Stands in for the real terminal: records suspends and resumes like Textual's."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @contextlib.contextmanager
    def suspend(self) -> Iterator[None]:
        self.events.append("suspended")
        yield  # no try/finally: Textual's suspend does not resume after an exception
        self.events.append("resumed")


@pytest.fixture
def db_path(tmp_path: Path, note_path: Path) -> Path:
    """The notes imported by the importer itself, as a user's would be."""
    from llmcards.importing.files import import_paths
    from llmcards.store.db import open_db

    path = tmp_path / "imported.db"
    db = open_db(path)
    try:
        import_paths(db, [note_path], deck=ROOT, now=NOW_DT)
    finally:
        db.close()
    return path


def notes_shown(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def study_app(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, editor: str
) -> tuple[LlmcardsApp, Terminal]:
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("VISUAL", raising=False)
    app = create_app(
        db_path=db_path,
        deck=ROOT,
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )
    terminal = Terminal()
    monkeypatch.setattr(app, "suspend", terminal.suspend)
    return app, terminal


@pytest.mark.parametrize(
    ("editor", "said"),
    [
        ("no-such-editor-xyz", "'no-such-editor-xyz' not found; set $EDITOR"),
        ("{broken}", "Could not start"),  # on PATH's terms a program, but it cannot run
        ("{failing}", "exited with status 3"),
    ],
)
async def test_an_editor_that_is_missing_or_fails_gives_the_app_back_and_says_why(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, editor: str, said: str
) -> None:
    broken = script(tmp_path, "broken", "exit 0")
    broken.write_text("#!/no/such/interpreter\n", encoding="utf-8")
    failing = script(tmp_path, "failing", "exit 3")
    app, terminal = study_app(db_path, monkeypatch, editor.format(broken=broken, failing=failing))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert terminal.events in ([], ["suspended", "resumed"])  # never left suspended
        assert said in notes_shown(app)
        await pilot.press("space", "3")  # and the app goes on working
        await settle(pilot)
        assert text_of(app.screen.query_one("#front")) == "GRU"


async def test_a_good_edit_is_imported_at_once_and_the_card_shows_it(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note_path: Path
) -> None:
    log = tmp_path / "editor.log"
    editor = script(
        tmp_path,
        "edit",
        f'echo "$@" >> {log}\n'
        'sed -i "s/LSTM：长短期记忆网络/LSTM：长短期记忆网络，有输入门、遗忘门和输出门/" "$2"',
    )
    app, terminal = study_app(db_path, monkeypatch, str(editor))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space", "e")
        await settle(pilot)
        assert log.read_text(encoding="utf-8").split() == ["+3", str(note_path)]
        assert terminal.events == ["suspended", "resumed"]
        screen = app.screen
        assert text_of(screen.query_one("#front")) == "LSTM"
        assert screen.query_one(CardView).revealed, notes_shown(app)  # still on the answer
        assert "有输入门、遗忘门和输出门" in screen.query_one("#answer", Markdown).source
        assert "Re-imported learning.md: " in text_of(screen.query_one("#status"))
        assert notes_shown(app) == ""  # said once, under the card: no toast over it


async def test_an_edit_of_notes_imported_under_a_nested_root_goes_back_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note_path: Path
) -> None:
    # `--deck 课程::LLM` is one root deck: the card's deck name alone (课程::LLM::NLP)
    # does not tell where the root ends, and its first part would be refused as another.
    from llmcards.importing.files import import_paths
    from llmcards.store.db import open_db

    path = tmp_path / "nested.db"
    db = open_db(path)
    try:
        import_paths(db, [note_path], deck="课程::LLM", now=NOW_DT)
    finally:
        db.close()
    editor = script(
        tmp_path, "edit", 'sed -i "s/LSTM：长短期记忆网络/LSTM：长短期记忆网络，三个门/" "$2"'
    )
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = create_app(
        db_path=path,
        deck="课程::LLM",
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )
    monkeypatch.setattr(app, "suspend", Terminal().suspend)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space", "e")
        await settle(pilot)
        screen = app.screen
        assert "Re-imported learning.md: " in text_of(screen.query_one("#status")), notes_shown(app)
        assert "三个门" in screen.query_one("#answer", Markdown).source


async def test_a_bundled_starter_card_is_not_handed_to_the_editor(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note_path: Path
) -> None:
    # The bundled decks are files of the installed package: an upgrade would overwrite
    # the edit. Here the notes' folder stands for that package folder.
    log = tmp_path / "editor.log"
    editor = script(tmp_path, "edit", f'echo "$@" >> {log}')
    app, terminal = study_app(db_path, monkeypatch, str(editor))
    app.bundled_dir = note_path.parent
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space", "e")
        await settle(pilot)
        assert not log.exists() and terminal.events == []
        assert "bundled starter deck" in notes_shown(app)


async def test_an_edit_that_removes_the_card_moves_on_and_says_so(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = script(tmp_path, "edit", 'sed -i "/LSTM/d" "$2"')
    app, _terminal = study_app(db_path, monkeypatch, str(editor))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert text_of(screen.query_one("#front")) == "GRU"
        assert not screen.query_one(CardView).revealed
        assert "no longer due today" in text_of(screen.query_one("#status"))


async def test_e_in_the_browser_opens_the_line_and_shows_the_edit(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note_path: Path
) -> None:
    log = tmp_path / "editor.log"
    editor = script(
        tmp_path,
        "edit",
        f'echo "$@" >> {log}\nsed -i "s/GRU：门控循环单元/GRU：门控循环单元，两个门/" "$2"',
    )
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    app = create_app(db_path=db_path, settings=Settings(fuzz=False), now=NOW_DT, bundled_dir=None)
    monkeypatch.setattr(app, "suspend", Terminal().suspend)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"GRU", "enter", "e")
        await settle(pilot)
        assert log.read_text(encoding="utf-8").split() == ["+4", str(note_path)]
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        assert "两个门" in screen.query_one("#browse-markdown", Markdown).source
        assert "Re-imported learning.md: " in notes_shown(app)
