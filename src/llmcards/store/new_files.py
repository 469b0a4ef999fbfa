"""Creating a database's files, and remembering which this process made. Free of
SQLAlchemy: the CLI asks `made_here` after every command, the fast ones included."""

from __future__ import annotations

import os
from pathlib import Path

# The files this process created (O_EXCL: no other process can have made the same one).
_MADE_HERE: set[str] = set()


def new_private_file(path: Path) -> None:
    """Create the empty file `path`, readable by its owner only from the first byte.
    FileExistsError when it is there already (another process may have made it first)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    _MADE_HERE.add(os.path.abspath(path))


def made_here(path: Path) -> bool:
    """Whether this process created the file `path`, rather than found it: of two first
    imports into one new database, only the one that made it says so."""
    return os.path.abspath(path) in _MADE_HERE
