"""Writing an export file all at once: a temp file beside the target, then a rename.

Interrupted or failed exports leave nothing half-written behind; an existing file is
replaced only with `--force`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from llmcards.errors import UserError


def check_target(path: Path, *, force: bool) -> Path:
    """Refuse early (before any work) what the final rename would refuse."""
    path = path.expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name, e.g. {path / 'llmcards.apkg'}")
    if path.exists() and not force:
        raise UserError(f"{path} already exists; pass --force to replace it or choose another name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(
            f"cannot write {path}: folder {parent} does not exist; create it or choose another place"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(
            f"cannot write {path}: folder {parent} is not writable; choose another place"
        )
    return path


@contextmanager
def atomic_output(path: Path, *, force: bool) -> Iterator[Path]:
    """Yields a temp path to write; on success it becomes `path`, on failure it is removed."""
    path = check_target(path, force=force)
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}; choose another place") from None
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        os.chmod(temp, 0o644 & ~_umask())
        if path.exists() and not force:  # someone else created it meanwhile
            raise UserError(
                f"{path} already exists; pass --force to replace it or choose another name"
            )
        os.replace(temp, path)
    except OSError as exc:
        raise UserError(
            f"cannot write {path}: {exc.strerror}; check free space and permissions"
        ) from None
    finally:
        temp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
