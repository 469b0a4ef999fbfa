"""The console script leaves without tearing the interpreter down (`cli.main.leave`):
what it printed, its exit status and its one-line errors must be exactly as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTE = """\
# 正则化

1. Dropout：训练时随机让一部分神经元失活，减少神经元之间的共适应
2. 权重衰减：在损失函数中加入权重的平方和，乘以一个正的超参数
3. Early stopping：验证集上的损失不再下降时停止训练
"""


def llmcards(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmcards", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_output_into_a_pipe_arrives_whole_and_the_status_is_zero(tmp_path: Path) -> None:
    notes = tmp_path / "regularization.md"
    notes.write_text(NOTE, encoding="utf-8")
    done = llmcards("import", str(notes), "--json", db=tmp_path / "c.db")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["new"] == 3
    # The first run says once, on stderr, that it made the database.
    assert "created a new database" in done.stderr
    cards = llmcards("cards", "--json", db=tmp_path / "c.db")
    assert cards.returncode == 0
    assert [c["front"] for c in json.loads(cards.stdout)] == [
        "Dropout",
        "权重衰减",
        "Early stopping",
    ]


def test_a_user_error_is_one_line_and_a_non_zero_status(tmp_path: Path) -> None:
    done = llmcards("import", str(tmp_path / "missing.md"), db=tmp_path / "c.db")
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("llmcards: error: ") and "missing.md" in line


def test_usage_mistakes_are_one_line_that_points_at_the_help(tmp_path: Path) -> None:
    for args, said, command in [
        (("rate", "abc", "good"), "'abc' is not a valid int", "llmcards rate"),
        (("due", "--bogus"), "No such option: --bogus", "llmcards due"),
        (("nosuchcommand",), "No such command 'nosuchcommand'", "llmcards"),
    ]:
        done = llmcards(*args, db=tmp_path / "c.db")
        assert done.returncode == 2 and done.stdout == ""
        [line] = done.stderr.splitlines()
        assert line.startswith("llmcards: error: ") and said in line, line
        assert "; see `" in line and line.endswith(f"{command} --help`"), line


def test_without_a_terminal_the_study_app_says_so_instead_of_waiting(tmp_path: Path) -> None:
    # A script or a cron job: no terminal to read keys from or draw on.
    for args in ((), ("study", "--deck", "x")):
        done = subprocess.run(
            [sys.executable, "-m", "llmcards", "--db", str(tmp_path / "c.db"), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1 and done.stdout == ""
        [line] = done.stderr.splitlines()
        assert line.startswith("llmcards: error: the study app needs a terminal"), line
    assert not (tmp_path / "c.db").exists()  # nothing was opened, nor created


def test_a_reader_that_goes_away_early_gets_no_traceback(tmp_path: Path) -> None:
    notes = tmp_path / "many.md"
    notes.write_text(
        "".join(
            f"- 术语 {i}：第 {i} 个术语的解释，足够长以便填满管道的缓冲区\n" for i in range(3000)
        ),
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    assert llmcards("import", str(notes), db=db).returncode == 0
    # `llmcards cards --json | head -c 100`: the pipe closes long before the output ends.
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmcards", "--db", str(db), "cards", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) != 0
    assert err == ""  # quiet, as `cat` or `grep` are


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_standard_output_is_named_not_the_database(tmp_path: Path) -> None:
    notes = tmp_path / "regularization.md"
    notes.write_text(NOTE, encoding="utf-8")
    db = tmp_path / "c.db"
    assert llmcards("import", str(notes), db=db).returncode == 0
    for args in (("cards",), ("cards", "--json"), ("export", "csv", "-"), ("decks",)):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "llmcards", "--db", str(db), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        assert (done.returncode, done.stderr) == (
            1,
            "llmcards: error: cannot write to standard output (no space left on device)\n",
        ), args


def test_a_closed_standard_output_is_said_in_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "regularization.md"
    notes.write_text(NOTE, encoding="utf-8")
    db = tmp_path / "c.db"
    assert llmcards("import", str(notes), db=db).returncode == 0
    for args in (("cards",), ("cards", "--json"), ("decks",)):
        done = subprocess.run(  # `llmcards cards >&-`
            [
                "sh",
                "-c",
                'exec "$@" >&-',
                "sh",
                sys.executable,
                "-m",
                "llmcards",
                "--db",
                str(db),
                *args,
            ],
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
        assert (done.returncode, done.stderr) == (
            1,
            "llmcards: error: cannot write to standard output (it is closed)\n",
        ), args


def _leaving(code: str) -> subprocess.Popen[bytes]:
    # Buffered, as a terminal's user has it (with -u there would be nothing to flush).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom llmcards.cli.main import leave\n" + code],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_leaving_flushes_what_is_still_buffered_and_keeps_the_status() -> None:
    proc = _leaving("sys.stdout.write('卡片 ' * 10)\nleave(3)\n")
    out, err = proc.communicate(timeout=60)
    assert (out.decode(), err, proc.returncode) == ("卡片 " * 10, b"", 3)


def test_leaving_into_a_closed_pipe_fails_quietly() -> None:
    # What is written stays in Python's buffer until `leave` flushes it, and by then
    # nobody reads.
    proc = _leaving("sys.stdin.read()\nsys.stdout.write('x' * 100)\nleave(0)\n")
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stdin.close()  # now it leaves
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert err == ""


def test_with_its_output_redirected_the_study_app_says_so(tmp_path: Path) -> None:
    # `llmcards > log.txt` in a terminal: Textual would take 80×24 for the window's size.
    import pty

    master, slave = pty.openpty()
    out = tmp_path / "log.txt"
    with out.open("w") as log:
        done = subprocess.run(
            [sys.executable, "-m", "llmcards", "--db", str(tmp_path / "c.db")],
            stdin=slave,
            stdout=log,
            stderr=slave,
            timeout=60,
        )
    os.close(slave)
    said = os.read(master, 4096).decode()
    os.close(master)
    assert done.returncode == 1 and out.read_text() == ""
    assert "the study app needs a terminal (standard output is not one)" in said, said
    assert not (tmp_path / "c.db").exists()
