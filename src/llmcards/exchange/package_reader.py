"""Reading an Anki package (`.apkg`/`.colpkg`): the collection inside, as plain rows.

Packages hold `collection.anki2` (old), `collection.anki21` (Anki 2.1, or newer Anki with
"Support older Anki versions") or `collection.anki21b` (current Anki: zstd-compressed,
beside a stub `collection.anki2` that only says "please update"). Schema 11 keeps note
types and decks as JSON in `col`; schema 18 keeps them in tables.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from llmcards.errors import UserError

LEGACY_NAMES = ("collection.anki21", "collection.anki2")
ZSTD_NAME = "collection.anki21b"


@dataclass
class Model:
    id: int
    name: str
    cloze: bool
    fields: list[str]


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


def _not_a_package(path: Path, why: str) -> UserError:
    return UserError(
        f"{path} is not an Anki package ({why}); export an .apkg from Anki (File › Export) and try again"
    )


def read_package(path: Path) -> AnkiCollection:
    path = path.expanduser()
    if not path.is_file():
        raise UserError(f"{path} does not exist; check the file name")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _not_a_package(path, "not a zip archive") from None
    with archive, tempfile.TemporaryDirectory(prefix="llmcards-anki-") as folder:
        names = set(archive.namelist())
        target = Path(folder) / "collection.sqlite"
        if ZSTD_NAME in names:
            _extract_zstd(archive, path, target)
        else:
            inner = next((n for n in LEGACY_NAMES if n in names), None)
            if inner is None:
                raise _not_a_package(path, "no collection inside")
            # only the fixed member name is read: nothing in the archive decides a path
            with archive.open(inner) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
        try:
            return _read_collection(target)
        except sqlite3.DatabaseError as exc:
            raise _not_a_package(path, f"its collection is unreadable: {exc}") from None


def _extract_zstd(archive: zipfile.ZipFile, path: Path, target: Path) -> None:
    import zstandard

    try:
        with archive.open(ZSTD_NAME) as source, target.open("wb") as sink:
            zstandard.ZstdDecompressor().copy_stream(source, sink)
    except zstandard.ZstdError as exc:
        raise _not_a_package(path, f"its compressed collection is damaged: {exc}") from None


def _read_collection(path: Path) -> AnkiCollection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
        if not {"col", "notes", "cards", "revlog"} <= tables:
            raise sqlite3.DatabaseError("Anki tables missing")
        crt, conf_text, models_text, decks_text = db.execute(
            "select crt, conf, models, decks from col"
        ).fetchone()
        if "notetypes" in tables:
            conf, models, decks = _schema18(db)
        else:
            conf = json.loads(conf_text or "{}")
            models = _models11(json.loads(models_text or "{}"))
            decks = {int(k): v["name"] for k, v in json.loads(decks_text or "{}").items()}
        col = AnkiCollection(int(crt), conf, models, decks)
        for nid, guid, mid, tags, flds in db.execute("select id, guid, mid, tags, flds from notes"):
            col.notes[nid] = (guid, mid, tags, flds)
        col.cards = db.execute(
            "select id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, data"
            " from cards order by nid, ord"
        ).fetchall()
        for row in db.execute(
            "select id, cid, ease, ivl, lastIvl, factor, time, type from revlog order by id"
        ):
            col.revlog.setdefault(row[1], []).append(row)
        return col
    finally:
        db.close()


def _models11(raw: dict[str, dict]) -> dict[int, Model]:
    return {
        int(key): Model(
            int(key),
            m.get("name", "?"),
            m.get("type", 0) == 1,
            [f["name"] for f in m.get("flds", [])],
        )
        for key, m in raw.items()
    }


def _schema18(db: sqlite3.Connection) -> tuple[dict[str, object], dict[int, Model], dict[int, str]]:
    """Newer collections: note types, fields, templates, decks and config in tables."""
    conf: dict[str, object] = {}
    for key, value in db.execute("select key, val from config"):
        try:
            conf[key] = json.loads(value)
        except (ValueError, TypeError):
            continue
    models: dict[int, Model] = {}
    for ntid, name in db.execute("select id, name from notetypes"):
        fields = [
            r[0] for r in db.execute("select name from fields where ntid = ? order by ord", (ntid,))
        ]
        # the note type kind sits in a protobuf blob; a cloze template is the visible sign
        templates = db.execute("select config from templates where ntid = ?", (ntid,)).fetchall()
        cloze = any(b"{{cloze:" in (t[0] or b"") for t in templates)
        models[ntid] = Model(ntid, name, cloze, fields)
    decks = {
        did: name.replace("\x1f", "::") for did, name in db.execute("select id, name from decks")
    }
    return conf, models, decks
