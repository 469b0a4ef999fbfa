"""Anki packages with one thing wrong, each built from a sound one made by llmcards."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.clihelp import llmcards
from tests.hostile.helpers import make_db

_SOUND: dict[str, bytes] = {}


def sound_package(folder: Path) -> bytes:
    """An .apkg of two cards, one of them reviewed (made once, then reused)."""
    if "apkg" not in _SOUND:
        db = make_db(folder, name="source.db")
        card = llmcards("--db", str(db), "cards", "--json").json()[0]["id"]
        assert llmcards("--db", str(db), "rate", str(card), "good").exit_code == 0
        out = folder / "sound.apkg"
        done = llmcards("--db", str(db), "export", "anki", str(out))
        assert done.exit_code == 0, done.stderr
        _SOUND["apkg"] = out.read_bytes()
    return _SOUND["apkg"]


def collection_of(package: bytes, folder: Path) -> Path:
    """The package's collection as a file to change."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        data = archive.read("collection.anki2")
    path = folder / "collection.anki2"
    path.write_bytes(data)
    return path


def changed_package(
    folder: Path, name: str, change: Callable[[sqlite3.Connection], object]
) -> Path:
    """The sound package with its collection changed by `change` (SQL on it)."""
    collection = collection_of(sound_package(folder), folder)
    con = sqlite3.connect(collection)
    change(con)
    con.commit()
    con.close()
    out = folder / name
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(collection, "collection.anki2")
        archive.writestr("media", "{}")
    collection.unlink()
    return out


def raw_zip(folder: Path, name: str, member: str, data: bytes, *, stored: bool = True) -> Path:
    out = folder / name
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            member, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        )
    return out


def zstd_bomb(expanded: int) -> bytes:
    """A zstd frame of `expanded` zero bytes in RLE blocks: 4 bytes per 128 KiB, so 3 GiB
    fit in 96 KB (the one the attack review found)."""
    block = 128 * 1024
    frame = bytearray(b"\x28\xb5\x2f\xfd")  # magic
    frame += bytes([0x00, 0x38])  # no content size, no checksum; window 128 KiB
    count = expanded // block
    for index in range(count):
        last = 1 if index == count - 1 else 0
        header = (block << 3) | (1 << 1) | last  # RLE block of `block` bytes
        frame += header.to_bytes(3, "little") + b"\x00"
    return bytes(frame)
