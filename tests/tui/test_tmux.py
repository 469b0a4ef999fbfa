"""The real `llmcards` binary in a real terminal (tmux): start, study, quit.

Polls the pane for text instead of sleeping a fixed time; skipped where tmux is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.tui.conftest import ROOT, reviews_in

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Pane:
    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def text(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if needle in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; the pane shows:\n{self.text()}")

    def alive(self) -> bool:
        return (
            subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode
            == 0
        )


def binary() -> str:
    # Beside this interpreter first: `.venv/bin/pytest` runs without .venv/bin on PATH.
    beside = Path(sys.executable).with_name("llmcards")
    found = str(beside) if beside.exists() else shutil.which("llmcards")
    if found is None:
        pytest.skip("the llmcards script is not installed in this environment")
    return found


def start(
    db_path: Path,
    *,
    size: tuple[int, int] = (100, 30),
    study: bool = True,
    extra_env: dict[str, str] | None = None,
) -> Pane:
    name = f"llmcards-test-{uuid.uuid4().hex[:8]}"
    env = {
        k: os.environ[k]
        for k in ("LLMCARDS_NOW", "LLMCARDS_CONFIG", "HOME", "PATH")
        if k in os.environ
    }
    env.update(extra_env or {})
    exports = " ".join(f"{k}={v!r}" for k, v in env.items())
    what = f"study --deck {ROOT!r}" if study else ""
    # COLUMNS / LINES from the test run would override the pane's real size.
    command = f"exec env -u COLUMNS -u LINES {exports} TERM=xterm-256color {binary()} --db {str(db_path)!r} {what}"
    width, height = size
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), command],
        check=True,
    )
    return Pane(name)


def test_study_in_a_real_terminal(db_path: Path) -> None:
    pane = start(db_path)
    name = pane.name
    try:
        pane.wait_for("LSTM")
        pane.wait_for("show answer")
        pane.send("Space")
        pane.wait_for("输入门权重矩阵")
        screen = pane.wait_for("Good")
        assert "1 Again" in screen and "4 Easy" in screen
        pane.send("3")
        pane.wait_for("GRU")
        pane.send("q")
        deadline = time.monotonic() + 10
        while pane.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pane.alive(), "llmcards did not quit on q"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    assert reviews_in(db_path) == [("LSTM", 3)]


def test_kill_9_loses_no_rating_already_shown_as_done(db_path: Path) -> None:
    pane = start(db_path)
    try:
        pane.wait_for("show answer")
        pane.send("Space")
        pane.wait_for("Good")
        pane.send("4")
        pane.wait_for("GRU")  # LSTM is done as far as the user can see
        pid = subprocess.run(
            ["tmux", "display-message", "-p", "-t", pane.name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        os.kill(int(pid), 9)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", pane.name], capture_output=True)
    assert reviews_in(db_path) == [("LSTM", 4)]


def test_a_small_terminal_the_palette_and_a_missing_editor(db_path: Path) -> None:
    """40×12: Ctrl+P lists "Browse  [/]" without crashing, `e` with a missing $EDITOR
    gives the screen back and says so, and all four ratings show."""
    pane = start(db_path, size=(40, 12), study=False, extra_env={"EDITOR": "/no/such/editor"})
    try:
        pane.wait_for("强化学习")
        pane.send("C-p")
        pane.send(*"brow")
        pane.wait_for("Browse  [/]")
        pane.send("Enter")  # runs it: the browser, its search box focused
        pane.wait_for("3 cards")
        pane.send("Escape")
        pane.wait_for("New  Learn")
        pane.send("Enter")
        pane.wait_for("LSTM")
        pane.send("e")
        pane.wait_for("not found")
        pane.send("Space")
        screen = pane.wait_for("4 Easy")
        assert "1 Again" in screen and "2 Hard" in screen and "3 Good" in screen
        assert "权重参数计算" in screen  # some of the answer is in sight
        pane.send("3")
        pane.wait_for("GRU")
        pane.send("q")
        deadline = time.monotonic() + 10
        while pane.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pane.alive(), "llmcards did not quit on q"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", pane.name], capture_output=True)
    assert reviews_in(db_path) == [("LSTM", 3)]
