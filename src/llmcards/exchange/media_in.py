"""An Anki package's images, brought into the media folder beside the database.

Anki fields name images by their file in the collection's flat media folder
(`<img src="arch.png">`); a package carries those files as members "0", "1", … and a
`media` map from member to name (JSON in older packages; zstd-compressed protobuf, with
zstd-compressed members, in current ones). Only images the imported notes show are
brought in, and nothing in the package decides where a file goes:

- a file lands in `<database name>.media/` under a safe flat name (no folders, no
  leading dot, no control or reserved characters, a bounded length); a name already
  taken by another file gets a short content hash;
- each image is capped in size and so are all of them together, both checked while
  reading (a member's declared size is not trusted);
- what is left out is counted with its reason: not in the package, not an image, too
  large, over the total.

The `src` in the note becomes the file's absolute path, which the study screen opens and
`export anki` packs again.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from llmcards.exchange.media import MAX_IMAGE_BYTES
from llmcards.exchange.protowire import fields
from llmcards.paths import media_dir

MAX_TOTAL_BYTES = 500 * 2**20
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif", ".tif", ".tiff"}
)
_MAX_NAME = 120
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s]+')


@dataclass
class MediaReport:
    folder: Path
    imported: int = 0
    left_out: Counter[str] = field(default_factory=Counter)  # reason -> images

    def as_json(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "imported": self.imported,
            "left_out": dict(self.left_out),
        }


def image_names(fields_html: list[str]) -> set[str]:
    """The media names the `<img src>`s of these fields refer to (URLs excluded)."""
    names = set()
    for text in fields_html:
        for match in _IMG_SRC.finditer(text):
            src = html.unescape(match[3]).strip()
            if src and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) and not src.startswith("//"):
                names.add(src)
    return names


def rewrite_sources(field_html: str, paths: dict[str, Path]) -> str:
    """The field with each imported image's `src` pointing at its file."""
    if "<img" not in field_html.lower():
        return field_html

    def swap(match: re.Match[str]) -> str:
        path = paths.get(html.unescape(match[3]).strip())
        if path is None:
            return match[0]
        return f"{match[1]}{match[2]}{html.escape(str(path))}{match[2]}"

    return _IMG_SRC.sub(swap, field_html)


def import_images(
    package: Path, wanted: set[str], db_path: Path
) -> tuple[dict[str, Path], MediaReport]:
    """Copy the wanted images out of the package; {media name: file}, and the report."""
    report = MediaReport(media_dir(db_path))
    if not wanted:
        return {}, report
    placed: dict[str, Path] = {}
    total = 0
    with zipfile.ZipFile(package) as archive:
        members = _media_map(archive)
        by_name = {name: member for member, name in members.items()}
        for name in sorted(wanted):
            member = by_name.get(name)
            if member is None or member not in archive.namelist():
                report.left_out["not in the package"] += 1
                continue
            if Path(name).suffix.lower() not in IMAGE_SUFFIXES:
                report.left_out["not an image"] += 1
                continue
            data = _read_capped(archive, member, compressed=_is_latest(archive))
            if isinstance(data, str):
                report.left_out[data] += 1
                continue
            if total + len(data) > MAX_TOTAL_BYTES:
                report.left_out[f"over {MAX_TOTAL_BYTES // 2**20} MB in all"] += 1
                continue
            total += len(data)
            placed[name] = _store(report.folder, safe_name(name), data)
            report.imported += 1
    return placed, report


def safe_name(name: str) -> str:
    """A flat file name for a media name: its last part, harmless characters only."""
    last = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    stem, dot, suffix = last.rpartition(".")
    if not dot:
        stem, suffix = last, ""
    stem = _UNSAFE.sub("_", stem).strip("._") or "image"
    suffix = _UNSAFE.sub("", suffix)[:10]
    stem = stem[: _MAX_NAME - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


def _store(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as `name` in `folder` (atomically); an equal file there is reused,
    a different one keeps its name and this one gets a content hash."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.exists() and target.read_bytes() != data:
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, suffix = name.rpartition(".")
        target = folder / (f"{stem}-{digest}.{suffix}" if dot else f"{name}-{digest}")
    if target.exists() and target.read_bytes() == data:
        return target.resolve()
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target.resolve()


def _is_latest(archive: zipfile.ZipFile) -> bool:
    """Current packages (collection.anki21b) compress the media map and files with zstd."""
    return "collection.anki21b" in archive.namelist()


def _media_map(archive: zipfile.ZipFile) -> dict[str, str]:
    """Member name -> media name."""
    if "media" not in archive.namelist():
        return {}
    raw = _read_capped(archive, "media", compressed=_is_latest(archive), cap=64 * 2**20)
    if isinstance(raw, str):
        return {}
    if not _is_latest(archive):
        try:
            parsed = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {}
        return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}
    return _media_entries(raw)


def _media_entries(raw: bytes) -> dict[str, str]:
    """Anki's `MediaEntries` message: entry i (member "i", or its legacy zip name) -> name.

    Two fields of a small protobuf message are read by hand rather than loading a
    protobuf runtime for them: entries (1), and in each its name (1) and legacy zip
    file name (255)."""
    out: dict[str, str] = {}
    for index, entry in enumerate(v for k, v in fields(raw) if k == 1 and isinstance(v, bytes)):
        name, member = None, str(index)
        for key, value in fields(entry):
            if key == 1 and isinstance(value, bytes):
                name = value.decode("utf-8", "replace")
            elif key == 255 and isinstance(value, int):
                member = str(value)
        if name:
            out[member] = name
    return out


def _read_capped(
    archive: zipfile.ZipFile, member: str, *, compressed: bool, cap: int = MAX_IMAGE_BYTES
) -> bytes | str:
    """The member's bytes (zstd-decompressed when `compressed`), or why not: read no
    further than `cap` (a declared size can lie)."""
    import zlib

    import zstandard

    try:
        with archive.open(member) as source:
            stream: IO[bytes] = source
            if compressed:
                stream = zstandard.ZstdDecompressor().stream_reader(source)
            chunks, size = [], 0
            while size <= cap:
                chunk = stream.read(min(1 << 20, cap + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except (zstandard.ZstdError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return "damaged in the package"
    if size > cap:
        return f"larger than {cap // 2**20} MB"
    return b"".join(chunks)
