"""`llmcards sync`: the mirror synced with the server, reviews pulled, state pushed, synced.

Order matters. The mirror first takes the server's news (a normal Anki sync), so the
reviews made elsewhere are in it before llmcards writes anything; then they are pulled
into the database (`sync_pull`), llmcards' state, now including them, is pushed into
the mirror (`sync_push`), and a second Anki sync sends it. Every step can be repeated:
a sync cut off anywhere is completed by the next one.

A full sync (Anki's "no common history") is done unasked only when nothing can be lost:
an empty mirror downloads, an empty server receives an upload. Otherwise the user
chooses with `--upload` or `--download`, and both the database and the mirror are
backed up first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from llmcards.config import Settings
from llmcards.exchange import anki_mirror as am
from llmcards.exchange.sync_login import load_login, save_login, sync_folder
from llmcards.exchange.sync_pull import PullReport, pull
from llmcards.exchange.sync_push import PushReport, push
from llmcards.store.db import Store
from llmcards.wording import counted

NOT_LOGGED_IN = (
    "not logged in to a sync server; run: llmcards sync login --user NAME "
    "(add --endpoint URL for a self-hosted server)"
)
FULL_SYNC_NEEDED = (
    "the sync server and this computer's mirror have no common history (Anki asks for a "
    "full sync); run llmcards sync --download to take the server's collection and merge "
    "llmcards' cards and reviews back into it (nothing of llmcards is lost), or llmcards "
    "sync --upload to replace the server's collection with this computer's (what only the "
    "server has is lost, and other devices must download); a backup is made first"
)


@dataclass
class SyncReport:
    endpoint: str
    pulled: PullReport = field(default_factory=PullReport)
    pushed: PushReport = field(default_factory=PushReport)
    full_sync: str | None = None  # "upload" | "download"
    backups: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        pulled = asdict(self.pulled)
        pulled.pop("touched")
        return {
            "endpoint": self.endpoint,
            "pulled": pulled,
            "pushed": asdict(self.pushed),
            "full_sync": self.full_sync,
            "backups": self.backups,
        }

    def summary(self) -> str:
        """One plain line for people: what came in, what went out."""
        if not self.changed:
            return f"Synced with {self.endpoint}: nothing new"
        pulled, pushed = self.pulled, self.pushed
        text = f"Synced with {self.endpoint}: "
        if self.full_sync:
            text += f"full {self.full_sync}; "
        text += (
            f"{counted(pulled.reviews, 'review')} in, {pushed.reviews:,} out; "
            f"{counted(pushed.notes_added, 'note')} added, {pushed.notes_updated:,} updated"
        )
        if pulled.cards_created:
            text += f"; {counted(pulled.cards_created, 'card')} from the server"
        if pulled.suspensions:
            text += f"; {counted(pulled.suspensions, 'suspension')} from Anki"
        if pushed.cards_retired:
            text += (
                f"; {counted(pushed.cards_retired, 'card')} gone from the notes suspended in Anki"
            )
        return text

    @property
    def changed(self) -> bool:
        p, q = self.pulled, self.pushed
        return bool(
            p.reviews or p.cards_created or p.cards_updated or p.suspensions
            or q.notes_added or q.notes_updated or q.cards_scheduled or q.reviews or q.media
            or q.cards_retired
            or self.full_sync
        )  # fmt: skip


def logged_in(db_path: Path) -> am.Login:
    """The login of the database at `db_path`; SyncFailure when it has none (checked
    before the database is opened: a mistyped --db must not create an empty one)."""
    login = load_login(sync_folder(db_path))
    if login is None:
        raise am.SyncFailure(NOT_LOGGED_IN)
    return login


def run_sync(
    db: Store,
    *,
    settings: Settings,
    now: datetime,
    direction: str | None = None,
) -> SyncReport:
    """One sync of the database at `db.path` with the server it is logged in to."""
    if db.path is None:
        raise am.SyncFailure("sync needs a database file; pass --db PATH")
    am.require_anki()
    folder = sync_folder(db.path)
    login = logged_in(db.path)
    report = SyncReport(login.server)
    with am.Mirror(folder) as mirror:
        login = _settle(mirror, login, folder, db.path, direction, report)
        models = mirror.note_type_ids()
        with db.write() as conn:
            report.pulled = pull(conn, mirror, models, settings, now)
        report.pushed = push(db, mirror, models, settings, now)
        mark_changed(mirror, now)
        answer = mirror.sync(login)
        if answer.required == am.FULL_UPLOAD:  # the server was empty: nothing to lose there
            mirror.full_sync(login, upload=True)
            report.full_sync = "upload"
        elif answer.required in (am.FULL_SYNC, am.FULL_DOWNLOAD):
            raise am.SyncFailure(FULL_SYNC_NEEDED)
        mirror.sync_media(login)
    return report


def _settle(
    mirror: am.Mirror,
    login: am.Login,
    folder: Path,
    db_path: Path,
    direction: str | None,
    report: SyncReport,
) -> am.Login:
    """The first Anki sync: the server's news into the mirror, or the full sync it asks for."""
    answer = mirror.sync(login)
    if answer.new_endpoint and answer.new_endpoint != login.endpoint:
        login = am.Login(login.user, login.hkey, answer.new_endpoint)  # AnkiWeb moved us
        save_login(folder, login)
        report.endpoint = login.server
    required = answer.required
    if required == am.FULL_DOWNLOAD and mirror.empty:
        upload = False
    elif required == am.FULL_UPLOAD:
        upload = True
    elif required in (am.FULL_SYNC, am.FULL_DOWNLOAD):
        if direction is None:
            raise am.SyncFailure(FULL_SYNC_NEEDED)
        report.backups = _backups(mirror, folder, db_path)
        upload = direction == "upload"
    else:
        return login
    mirror.full_sync(login, upload=upload)
    report.full_sync = "upload" if upload else "download"
    if upload:  # the server had nothing: sync again so both sides share history
        mirror.sync(login)
    return login


def _backups(mirror: am.Mirror, folder: Path, db_path: Path) -> list[str]:
    from llmcards.store.backup import make_backup

    saved = [str(make_backup(db_path, "before-full-sync"))]
    target = folder / "backups" / f"collection-{datetime.now():%Y%m%d-%H%M%S}.anki2"
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    source = sqlite3.connect(f"file:{folder / am.COLLECTION_FILE}?mode=ro", uri=True)
    try:
        with sqlite3.connect(target) as out:
            source.backup(out)
        out.close()
    finally:
        source.close()
    saved.append(str(target))
    return saved


def mark_changed(mirror: am.Mirror, now: datetime) -> None:
    """Rows written with SQL (usn -1) are sent only when the collection's mtime moved; a
    push cut off before it moved is completed here on the next run."""
    pending = mirror.query(
        "select exists(select 1 from cards where usn = -1)"
        " or exists(select 1 from revlog where usn = -1)"
        " or exists(select 1 from notes where usn = -1)"
    )[0][0]
    if pending:
        mirror.execute("update col set mod = max(mod + 1, ?)", int(now.timestamp() * 1000))
