"""The notes files an import reads: files as named, folders searched, bytes and digests."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from llmcards.errors import NoteError

NOTE_SUFFIXES = (".md", ".markdown", ".txt", ".mdown", ".mkd")


def collect_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The notes files named by `paths`: files as given, folders searched recursively."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            inside = sorted(_walk_notes(path))
            if not inside:
                raise NoteError(
                    str(path), "holds no notes", f"put {'/'.join(NOTE_SUFFIXES)} files in it"
                )
            found.extend(inside)
        elif path.exists():
            raise NoteError(str(path), "is not a regular file", "pass a Markdown file or a folder")
        else:
            raise NoteError(str(path), "no such file or folder", "check the path")
    unique: dict[Path, Path] = {}
    for path in found:
        _check_name(path)
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _check_name(path: Path) -> None:
    """The database keeps file names as UTF-8 text: a name in another encoding (bytes
    from an old archive or another system) cannot be stored, so it is named instead."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "replace")
        raise NoteError(
            shown, "file name is not valid UTF-8", "rename it (e.g. with convmv) and import again"
        ) from None


def _walk_notes(folder: Path) -> Iterable[Path]:
    # followlinks=False: a symlink loop in a notes folder cannot trap the walk.
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or not name.lower().endswith(NOTE_SUFFIXES):
                continue
            candidate = Path(dirpath) / name
            if candidate.is_file():
                yield candidate


def read_note(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise NoteError(
            str(path), "cannot be read (permission denied)", "check its permissions"
        ) from None
    except OSError as exc:
        raise NoteError(str(path), f"cannot be read ({exc.strerror})") from None


@dataclass(frozen=True)
class NoteFile:
    path: Path  # as the user named it (or found in a named folder)
    data: bytes
    resolved: str  # the identity the source table knows it by
    digest: str  # sha256 of `data`


def read_notes(paths: Sequence[str | os.PathLike[str]]) -> list[NoteFile]:
    """Every notes file under `paths`, read and hashed; `NoteError` for a bad path."""
    files = []
    for path in collect_files(paths):
        data = read_note(path)
        files.append(NoteFile(path, data, str(path.resolve()), hashlib.sha256(data).hexdigest()))
    return files
