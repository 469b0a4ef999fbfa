"""Reading an Anki package (`.apkg`/`.colpkg`): the collection inside, as plain rows.

Packages hold `collection.anki2` (old), `collection.anki21` (Anki 2.1, or newer Anki with
"Support older Anki versions") or `collection.anki21b` (current Anki: zstd-compressed,
beside a stub `collection.anki2` that only says "please update"). Schema 11 keeps note
types and decks as JSON in `col`; schema 18 keeps them in tables.

A package is a file from someone else, so reading it is bounded: the collection is
unpacked through a cap on its size and on its compression ratio (a 96 KB zstd bomb
once wrote 3 GiB), opened read-only with untrusted schema objects off, every name read
must be a real table (a recursive VIEW named `config` hung the import), and reading has
a time budget. What is read is then checked row by row (`package_check`).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from llmcards.errors import UserError
from llmcards.exchange.protowire import fields as wire_fields

LEGACY_NAMES = ("collection.anki21", "collection.anki2")
ZSTD_NAME = "collection.anki21b"

# A collection may expand to MAX_RATIO times the bytes it was packed in, and to at
# least MIN_ALLOWED (small packages of sparse databases compress very well), never past
# MAX_COLLECTION. Real collections compress 3–20×.
MAX_RATIO = 100
MIN_ALLOWED = 64 * 1024 * 1024
MAX_COLLECTION = 4 * 1024 * 1024 * 1024
READ_SECONDS = 300.0  # reading rows out of even a million-review collection takes seconds
# A note field longer than this is not read: converting its HTML costs about a second per
# million characters of dense markup (a 32 MB field once took 36 s and 1.8 GB), and no
# field a person studies comes near it. Its note is passed over and reported.
MAX_FIELD_CHARS = 1_000_000
_CHUNK = 1024 * 1024

TABLES_11 = ("col", "notes", "cards", "revlog")
TABLES_18 = ("config", "notetypes", "fields", "templates", "decks")


@dataclass
class Model:
    """A note type: what reading its notes needs (kind, field names), and what Anki
    knows it by when they go back (its template names, sort field, last change)."""

    id: int
    name: str
    cloze: bool
    fields: list[str]
    templates: list[str] = field(default_factory=list)  # their names, in order
    sort_field: int = 0
    mtime: int = 0  # seconds


@dataclass
class AnkiCollection:
    crt: int
    conf: dict[str, object]
    models: dict[int, Model]
    decks: dict[int, str]
    notes: dict[int, tuple[str, int, str, str]] = field(
        default_factory=dict
    )  # id -> guid, mid, tags, flds
    cards: list[tuple] = field(default_factory=list)
    revlog: dict[int, list[tuple]] = field(default_factory=dict)  # cid -> rows by id
    note_mtime: dict[int, int] = field(default_factory=dict)  # id -> modified (seconds)
    # notes left unread for a field over MAX_FIELD_CHARS: id -> (mid, field index, length)
    oversize: dict[int, tuple[int, int, int]] = field(default_factory=dict)


class PackageProblem(Exception):
    """What is wrong inside a package, in words that follow "is not an Anki package (…)"."""


def _not_a_package(path: Path, why: str) -> UserError:
    return UserError(
        f"{path} is not an Anki package ({why}); export an .apkg from Anki (File › Export) and try again"
    )


def read_package(path: Path) -> AnkiCollection:
    from llmcards.exchange.package_check import check_collection

    path = path.expanduser()
    if path.is_dir():
        raise UserError(f"{path} is a folder; give the .apkg file in it")
    if not path.is_file():
        raise UserError(f"{path} does not exist; check the file name")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_package(path, "not a zip archive") from None
    with archive, tempfile.TemporaryDirectory(prefix="llmcards-anki-") as folder:
        target = Path(folder) / "collection.sqlite"
        try:
            _unpack_collection(archive, target)
            collection = _read_collection(target)
            check_collection(collection)
        except PackageProblem as exc:
            raise _not_a_package(path, str(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise _not_a_package(path, f"its collection is unreadable: {exc}") from None
        except OSError as exc:
            if "No space" in str(exc) or "too large" in str(exc):
                raise UserError(
                    f"disk full while unpacking {path} into {folder}; free some space (or set TMPDIR)"
                ) from None
            raise
        return collection


def _unpack_collection(archive: zipfile.ZipFile, target: Path) -> None:
    """The collection file inside, written to `target` within the size caps; only the fixed
    member names are read: nothing in the archive decides a path."""
    names = set(archive.namelist())
    name = ZSTD_NAME if ZSTD_NAME in names else next((n for n in LEGACY_NAMES if n in names), None)
    if name is None:
        raise PackageProblem("no collection inside")
    info = archive.getinfo(name)
    if info.flag_bits & 0x1:
        raise PackageProblem("its collection is encrypted")
    try:
        with archive.open(info) as member, target.open("wb") as sink:
            if name == ZSTD_NAME:
                _unzstd(member, sink)
            else:
                _copy_capped(member, sink, lambda: info.compress_size)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise PackageProblem(f"its zip archive is damaged: {exc}") from None


def _unzstd(member: IO[bytes], sink: IO[bytes]) -> None:
    import zstandard

    counted = _Counting(member)
    try:
        with zstandard.ZstdDecompressor().stream_reader(
            cast("IO[bytes]", counted), closefd=False
        ) as reader:
            _copy_capped(reader, sink, lambda: counted.bytes)
    except zstandard.ZstdError as exc:
        raise PackageProblem(f"its compressed collection is damaged: {exc}") from None


class _Counting:
    """A file's reads, counted: the ratio cap compares output to the input used so far."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.bytes += len(data)
        return data


def _copy_capped(source: IO[bytes], sink: IO[bytes], packed_so_far: Callable[[], int]) -> None:
    """Copy while the output stays within the caps (`packed_so_far()`: input bytes used)."""
    written = 0
    while chunk := source.read(_CHUNK):
        written += len(chunk)
        allowed = min(MAX_COLLECTION, max(MIN_ALLOWED, MAX_RATIO * packed_so_far()))
        if written > allowed:
            raise PackageProblem(
                f"its collection expands to more than {allowed // (1024 * 1024):,} MB "
                f"({MAX_RATIO}× its packed size at most): a damaged package or a zip bomb"
            )
        sink.write(chunk)


def _read_collection(path: Path) -> AnkiCollection:
    db = sqlite3.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True)
    deadline = time.monotonic() + READ_SECONDS
    db.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        db.execute("PRAGMA trusted_schema = OFF")  # no SQL functions run from its schema
        kinds = dict(db.execute("select name, type from sqlite_master"))
        needed = TABLES_11 + (TABLES_18 if "notetypes" in kinds else ())
        for name in needed:
            if kinds.get(name) != "table":
                what = "missing" if name not in kinds else f"a {kinds[name]}, not a table"
                raise PackageProblem(f"its `{name}` table is {what}")
        row = db.execute("select crt, conf, models, decks from col").fetchone()
        if row is None:
            raise PackageProblem("its `col` table has no row")
        crt, conf_text, models_text, decks_text = row
        if "notetypes" in kinds:
            conf, models, decks = _schema18(db)
        else:
            conf = _json(conf_text, "col.conf")
            models = _models11(_json(models_text, "col.models"))
            decks = _decks11(_json(decks_text, "col.decks"))
        col = AnkiCollection(crt, conf, models, decks)
        for nid, guid, mid, mod, tags, flds in db.execute(
            "select id, guid, mid, mod, tags, flds from notes"
        ):
            if isinstance(flds, str) and len(flds) > MAX_FIELD_CHARS:
                index, length = longest_field(flds)
                if length > MAX_FIELD_CHARS:
                    col.oversize[nid] = (mid, index, length)
                    continue
            col.notes[nid] = (guid, mid, tags, flds)
            col.note_mtime[nid] = mod if isinstance(mod, int) and 0 <= mod < 2**40 else 0
        col.cards = db.execute(
            "select id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, data"
            " from cards order by nid, ord"
        ).fetchall()
        for row in db.execute(
            "select id, cid, ease, ivl, lastIvl, factor, time, type from revlog order by id"
        ):
            col.revlog.setdefault(row[1], []).append(row)
        return col
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise PackageProblem(
                f"reading its collection took longer than {READ_SECONDS:.0f} s"
            ) from None
        raise
    finally:
        db.close()


def longest_field(flds: str) -> tuple[int, int]:
    """(index, length) of the longest of the note's fields, without copying them out."""
    best = (0, 0)
    start, index = 0, 0
    while True:
        end = flds.find("\x1f", start)
        length = (len(flds) if end < 0 else end) - start
        if length > best[1]:
            best = (index, length)
        if end < 0:
            return best
        start, index = end + 1, index + 1


def _json(text: object, where: str) -> dict:
    if not isinstance(text, (str, bytes, type(None))):
        raise PackageProblem(f"its {where} is not text")
    try:
        value = json.loads(text or "{}")
    except (ValueError, TypeError):
        raise PackageProblem(f"its {where} is not valid JSON") from None
    if not isinstance(value, dict):
        raise PackageProblem(f"its {where} is not a JSON object")
    return value


def _models11(raw: dict[str, dict]) -> dict[int, Model]:
    models = {}
    for key, m in raw.items():
        fields = m.get("flds", []) if isinstance(m, dict) else None
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
        ):
            raise PackageProblem(f"note type {key} in col.models has no proper field list")
        models[_int_key(key, "col.models")] = Model(
            _int_key(key, "col.models"),
            str(m.get("name", "?")),
            m.get("type", 0) == 1,
            [f["name"] for f in fields],
            [_text(t.get("name")) for t in m.get("tmpls") or [] if isinstance(t, dict)],
            _small_int(m.get("sortf")),
            _small_int(m.get("mod"), 2**40),
        )
    return models


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _small_int(value: object, high: int = 1000) -> int:
    """A count or time a note type holds, 0 when it is not a sane one."""
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < high else 0
    )


def _decks11(raw: dict[str, dict]) -> dict[int, str]:
    decks = {}
    for key, deck in raw.items():
        if not isinstance(deck, dict) or not isinstance(deck.get("name"), str):
            raise PackageProblem(f"deck {key} in col.decks has no name")
        decks[_int_key(key, "col.decks")] = deck["name"]
    return decks


def _settings18(model: Model, config: object) -> None:
    """From Notetype.Config: kind 1 (1 = cloze), sort_field_idx 2."""
    if not isinstance(config, bytes):
        return
    for key, value in wire_fields(config):
        if key == 1 and isinstance(value, int):
            model.cloze = model.cloze or value == 1
        elif key == 2 and isinstance(value, int):
            model.sort_field = _small_int(value)


def _int_key(key: str, where: str) -> int:
    try:
        return int(key)
    except ValueError:
        raise PackageProblem(f"its {where} has a key {key[:20]!r} that is not an id") from None


def _schema18(db: sqlite3.Connection) -> tuple[dict[str, object], dict[int, Model], dict[int, str]]:
    """Newer collections: note types, fields, templates, decks and config in tables."""
    conf: dict[str, object] = {}
    for key, value in db.execute("select key, val from config"):
        try:
            conf[key] = json.loads(value)
        except (ValueError, TypeError):
            continue
    models: dict[int, Model] = {}
    for ntid, name, mtime, config in db.execute(
        "select id, name, mtime_secs, config from notetypes"
    ):
        fields = [
            r[0] for r in db.execute("select name from fields where ntid = ? order by ord", (ntid,))
        ]
        templates = db.execute(
            "select name, config from templates where ntid = ? order by ord", (ntid,)
        ).fetchall()
        # a cloze template is the visible sign of the kind the note type's settings hold
        cloze = any(isinstance(t[1], bytes) and b"{{cloze:" in t[1] for t in templates)
        model = Model(ntid, name, cloze, fields, [_text(t[0]) for t in templates])
        model.mtime = _small_int(mtime, 2**40)
        _settings18(model, config)
        models[ntid] = model
    decks = {
        did: name.replace("\x1f", "::") if isinstance(name, str) else name
        for did, name in db.execute("select id, name from decks")
    }
    return conf, models, decks
