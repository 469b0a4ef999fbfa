"""Where sync keeps its things: the mirror folder beside the database, and the login.

The login file holds the server address, the user name and the host key the server
handed out at login, never the password. It is created readable by its owner alone from
its first byte (`os.open` with mode 0600, then renamed into place), like ssh keys.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from llmcards.exchange.anki_mirror import Login

LOGIN_FILE = "login.json"


def sync_folder(db_path: Path) -> Path:
    """`llmcards.db` -> `llmcards-anki-sync/` beside it: the mirror and the login."""
    return db_path.with_name(f"{db_path.stem}-anki-sync")


def load_login(folder: Path) -> Login | None:
    try:
        data = json.loads((folder / LOGIN_FILE).read_text(encoding="utf-8"))
        return Login(str(data["user"]), str(data["hkey"]), str(data["endpoint"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_login(folder: Path, login: Login) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / LOGIN_FILE
    temp = folder / f".{LOGIN_FILE}.{os.getpid()}"
    text = json.dumps({"user": login.user, "endpoint": login.endpoint, "hkey": login.hkey})
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older file of that name keeps its mode otherwise
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    return target


def forget_login(folder: Path) -> bool:
    try:
        (folder / LOGIN_FILE).unlink()
    except FileNotFoundError:
        return False
    return True
