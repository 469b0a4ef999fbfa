"""A real Anki sync server on 127.0.0.1 (started and stopped by the tests), a phone
played by Anki's own Python client, and llmcards databases logged in to the server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("anki.collection")

FIXTURES = Path(__file__).parent / "fixtures"
USER, PASSWORD = "learner", "s3cret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, base: Path) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}/"
        env = dict(
            os.environ,
            SYNC_USER1=f"{USER}:{PASSWORD}",
            SYNC_BASE=str(base),
            SYNC_HOST="127.0.0.1",
            SYNC_PORT=str(self.port),
            RUST_LOG="error",
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "anki.syncserver"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the Anki sync server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "server")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    shutil.copytree(FIXTURES, folder)
    return folder
