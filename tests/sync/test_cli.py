"""`llmcards sync login|logout|sync` as a user types them: one-line errors, a private key file."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from tests.sync.conftest import PASSWORD, USER, Server, _free_port


def llmcards(
    db: Path, *args: str, stdin: str = "", pre: str = ""
) -> subprocess.CompletedProcess[str]:
    code = f"{pre}\nimport sys\nsys.argv = ['llmcards', '--db', {str(db)!r}, *{list(args)!r}]\n"
    code += "from llmcards.cli.main import run\nrun()\n"
    return subprocess.run(
        [sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=120
    )


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("llmcards: error: "), done.stderr
    return lines[0]


def test_login_keeps_only_a_private_key_and_sync_runs(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    db = tmp_path / "c.db"
    assert llmcards(db, "import", str(notes)).returncode == 0
    assert "not logged in" in one_line_error(llmcards(db, "sync"))

    wrong = llmcards(
        db,
        "sync",
        "login",
        "--user",
        USER,
        "--endpoint",
        server.endpoint,
        "--password-stdin",
        stdin="guess\n",
    )
    assert "wrong user name or password" in one_line_error(wrong)

    done = llmcards(
        db,
        "sync",
        "login",
        "--user",
        USER,
        "--endpoint",
        server.endpoint,
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert done.returncode == 0, done.stderr
    key_file = tmp_path / "c-anki-sync" / "login.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    stored = key_file.read_text()
    assert PASSWORD not in stored and json.loads(stored)["hkey"]

    synced = llmcards(db, "sync", "--json")
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["pushed"]["notes_added"] == 7
    assert "nothing new" in llmcards(db, "sync").stdout

    assert llmcards(db, "sync", "logout").returncode == 0
    assert not key_file.exists()
    assert "not logged in" in one_line_error(llmcards(db, "sync"))


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    closed = f"http://127.0.0.1:{_free_port()}/"
    done = llmcards(
        db, "sync", "login", "--user", USER, "--endpoint", closed, "--password-stdin", stdin="x\n"
    )
    assert f"cannot reach the sync server at {closed}" in one_line_error(done)


def test_without_anki_sync_says_how_to_install_it(tmp_path: Path) -> None:
    block = "import sys\nsys.modules['anki'] = None  # as if the sync extra were not installed"
    for args in (["sync"], ["sync", "login", "--user", USER, "--password-stdin"]):
        message = one_line_error(llmcards(tmp_path / "c.db", *args, stdin="x\n", pre=block))
        assert "pip install 'llmcards[sync]'" in message and "--extra sync" in message


def test_a_server_that_does_not_speak_our_protocol_is_one_line(tmp_path: Path) -> None:
    """Anki's server answers an unsupported sync version with HTTP 501 (a stand-in here)."""
    import http.server
    import threading

    class TooOld(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            body = b"unsupported sync version"
            self.send_response(501)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TooOld)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/"
        done = llmcards(
            tmp_path / "c.db",
            "sync",
            "login",
            "--user",
            USER,
            "--endpoint",
            endpoint,
            "--password-stdin",
            stdin="x\n",
        )
    finally:
        server.shutdown()
    message = one_line_error(done)
    assert "does not speak this client's sync protocol" in message and "update" in message


def test_sync_on_a_database_not_logged_in_creates_nothing(tmp_path: Path) -> None:
    # A mistyped --db: the error, and no empty database left behind under that name.
    message = one_line_error(llmcards(tmp_path / "typo.db", "sync"))
    assert "not logged in to a sync server" in message
    assert list(tmp_path.iterdir()) == []
