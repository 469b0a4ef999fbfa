"""The sync mirror: an Anki collection beside the database, driven by Anki's own backend.

This is the one module that imports `anki` (the optional `sync` extra, AGPL), and only
when a sync runs. Everything llmcards decides (what to push, what to pull) lives in
`sync_push`/`sync_pull`; here are the few operations they need from Anki, with Anki's
errors turned into one-line `SyncFailure`s that say what to do.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmcards.errors import UserError
from llmcards.exchange import apkg_schema as s

ANKIWEB = "AnkiWeb"  # how the default server is named; Anki's backend knows its address
INSTALL_HINT = (
    "sync needs Anki's library, an optional extra: pip install 'llmcards[sync]' "
    "(or uv run --extra sync llmcards sync)"
)
COLLECTION_FILE = "collection.anki2"

# What the server asks for after comparing histories (Anki's ChangesRequired).
NO_CHANGES, NORMAL, FULL_SYNC, FULL_DOWNLOAD, FULL_UPLOAD = range(5)


class SyncFailure(UserError):
    """A sync that could not run, said in one line."""


def _anki() -> Any:
    try:
        import anki.collection
    except ImportError:
        raise SyncFailure(INSTALL_HINT) from None
    return anki


def require_anki() -> None:
    _anki()


@dataclass(frozen=True)
class Login:
    user: str
    hkey: str
    endpoint: str  # "" for AnkiWeb, which Anki's backend addresses itself

    @property
    def server(self) -> str:
        return self.endpoint or ANKIWEB


@dataclass(frozen=True)
class ServerAnswer:
    required: int
    new_endpoint: str | None
    server_message: str


@contextmanager
def _explained(endpoint: str) -> Iterator[None]:
    """Anki's exceptions as one-line failures (what happened, what to do)."""
    from anki import errors

    try:
        yield
    except errors.SyncError as exc:
        if "too old" in str(exc).lower():
            # A server answers a protocol version it does not speak with HTTP 501, which
            # Anki words as "your Anki is too old" even when the server is the older one.
            raise SyncFailure(
                f"the sync server at {endpoint} does not speak this client's sync protocol "
                f"(Anki {_version()}): update a self-hosted server to the same Anki version "
                "(pip install -U anki, then python -m anki.syncserver), or update the sync "
                "extra: pip install -U 'llmcards[sync]'"
            ) from None
        if exc.kind == errors.SyncErrorKind.AUTH:
            raise SyncFailure(
                f"the sync server at {endpoint} refused the login (wrong user name or "
                "password, or a key that has expired); run: llmcards sync login --user NAME"
            ) from None
        raise SyncFailure(f"the sync server at {endpoint} said: {_one_line(exc)}") from None
    except errors.NetworkError as exc:
        raise SyncFailure(
            f"cannot reach the sync server at {endpoint} ({_one_line(exc)}); "
            "check the address (--endpoint) and your connection, then sync again"
        ) from None
    except errors.Interrupted:
        raise SyncFailure("the sync was interrupted; run llmcards sync again") from None
    except errors.BackendError as exc:
        raise SyncFailure(f"Anki could not sync: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).replace("Error details:", ";").split())
    return text.replace("\u2068", "").replace("\u2069", "") or type(exc).__name__


def _version() -> str:
    from anki.buildinfo import version

    return str(version)


def login(user: str, password: str, endpoint: str | None) -> Login:
    """Log in to `endpoint` (None: AnkiWeb); the server's host key, never the password."""
    anki = _anki()
    from anki import sync_pb2

    backend = anki.collection.RustBackend()
    with _explained(endpoint or ANKIWEB):
        auth = backend.sync_login(
            sync_pb2.SyncLoginRequest(username=user, password=password, endpoint=endpoint)
        )
    return Login(user, auth.hkey, auth.endpoint or endpoint or "")


class Mirror:
    """An open mirror collection. Close it (or use `with`) so Anki's lock is released."""

    def __init__(self, folder: Path) -> None:
        anki = _anki()
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        try:
            self.col = anki.collection.Collection(str(folder / COLLECTION_FILE))
        except anki.errors.BackendError as exc:
            raise SyncFailure(
                f"cannot open the sync mirror {folder} ({_one_line(exc)}); "
                "is another llmcards sync running?"
            ) from None

    def __enter__(self) -> Mirror:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self.col.db is not None:
            self.col.close()

    # server

    def _auth(self, login: Login) -> Any:
        from anki.sync import SyncAuth

        return SyncAuth(hkey=login.hkey, endpoint=login.endpoint or None)

    def sync(self, login: Login) -> ServerAnswer:
        """A normal sync (Anki merges both sides), or what the server asks for instead."""
        with _explained(login.server):
            out = self.col.sync_collection(self._auth(login), False)
        new = out.new_endpoint if out.HasField("new_endpoint") else None
        return ServerAnswer(int(out.required), new or None, out.server_message)

    def full_sync(self, login: Login, *, upload: bool) -> None:
        """Replace the server's collection with the mirror, or the mirror with it."""
        self.col.close_for_full_sync()
        try:
            with _explained(login.server):
                self.col.full_upload_or_download(
                    auth=self._auth(login), server_usn=None, upload=upload
                )
        finally:
            self.col.reopen(after_full_sync=True)

    def sync_media(self, login: Login, timeout: float = 600) -> None:
        with _explained(login.server):
            self.col.sync_media(self._auth(login))
            deadline = time.monotonic() + timeout
            while self.col.media_sync_status().active and time.monotonic() < deadline:
                time.sleep(0.05)

    # contents

    @property
    def empty(self) -> bool:
        return not self.col.db.scalar("select exists(select 1 from cards)")

    @property
    def crt(self) -> int:
        return int(self.col.crt)

    @property
    def media_dir(self) -> Path:
        return Path(self.col.media.dir())

    def query(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        return self.col.db.all(sql, *args)

    def execute(self, sql: str, *args: Any) -> None:
        self.col.db.execute(sql, *args)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """All rows in one transaction: row by row, each would be a commit (100k: 25 s)."""
        if rows:
            self.col.db.transact(lambda: self.col.db.executemany(sql, rows))

    def note_type_ids(self) -> dict[int, str]:
        """llmcards' two note types in the mirror (made when missing): id -> "basic"/"cloze"."""
        found: dict[int, str] = {}
        for kind, name in (("basic", s.BASIC_MODEL_NAME), ("cloze", s.CLOZE_MODEL_NAME)):
            model = self.col.models.by_name(name)
            found[int(model["id"] if model else self._add_note_type(kind, name))] = kind
        return found

    def _add_note_type(self, kind: str, name: str) -> int:
        from anki.stdmodels import StockNotetypeKind
        from anki.utils import from_json_bytes

        models = self.col.models
        stock = StockNotetypeKind.KIND_CLOZE if kind == "cloze" else StockNotetypeKind.KIND_BASIC
        model = from_json_bytes(self.col._backend.get_stock_notetype_legacy(stock))
        model["name"], model["flds"], model["tmpls"] = name, [], []
        for field in s.CLOZE_FIELDS if kind == "cloze" else s.BASIC_FIELDS:
            models.add_field(model, models.new_field(field))
        spec = s.CLOZE_TEMPLATE if kind == "cloze" else s.BASIC_TEMPLATE
        template = models.new_template(spec["name"])
        template["qfmt"], template["afmt"] = spec["qfmt"], spec["afmt"]
        models.add_template(model, template)
        model["css"] = s.CSS
        return int(models.add(model).id)

    def deck_id(self, name: str) -> int:
        return int(self.col.decks.id(name, create=True))

    def add_notes(self, notes: list[tuple[str, int, list[str], list[str], int]]) -> None:
        """(guid, note type id, fields, tags, deck id) each; Anki makes their cards."""
        from anki.collection import AddNoteRequest
        from anki.decks import DeckId

        requests = []
        for guid, model_id, fields, tags, deck in notes:
            note = self.col.new_note(self.col.models.get(model_id))
            note.guid = guid
            note.fields = list(fields)
            note.tags = list(tags)
            requests.append(AddNoteRequest(note, DeckId(deck)))
        for start in range(0, len(requests), 2000):
            self.col.add_notes(requests[start : start + 2000])

    def import_package(self, path: Path) -> None:
        """Notes of a package (`apkg_export.write_notes_package`) added as Anki's importer
        adds them: a note type the mirror lacks under its own id; one it has (same id and
        fields) used as it is, never changed; a note whose GUID it has left alone."""
        from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
        from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_NEVER as never

        options = ImportAnkiPackageOptions(
            with_scheduling=False,
            with_deck_configs=False,
            update_notes=never,
            update_notetypes=never,
        )
        self.col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(path), options=options)
        )

    def guids_present(self, guids: Sequence[str]) -> set[str]:
        """Which of these note GUIDs the mirror has, under any note type."""
        found: set[str] = set()
        wanted = sorted(set(guids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self.col.db.list(f"select guid from notes where guid in ({marks})", *chunk)
            )
        return found

    def update_notes(self, notes: list[tuple[int, list[str], list[str]]]) -> None:
        """(note id, fields, tags) each; Anki adds cards for new cloze numbers."""
        changed = []
        for nid, fields, tags in notes:
            note = self.col.get_note(nid)
            note.fields, note.tags = list(fields), list(tags)
            changed.append(note)
        for start in range(0, len(changed), 2000):
            self.col.update_notes(changed[start : start + 2000])
