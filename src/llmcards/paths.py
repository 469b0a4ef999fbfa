"""Where llmcards keeps things on disk, where its bundled files live, and where a file a
note refers to is."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "llmcards"
ENV_DB = "LLMCARDS_DB"
ENV_CONFIG = "LLMCARDS_CONFIG"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "llmcards.db"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Absolute, so that no spelling of it (`file:x.db`) can read as an SQLite URI."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    from_env = os.environ.get(ENV_DB)
    if from_env:
        return Path(from_env).expanduser().absolute()
    return default_db_path()


def config_path() -> Path:
    from_env = os.environ.get(ENV_CONFIG)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def media_dir(db: Path) -> Path:
    """The database's own media folder (images that arrived from Anki), beside it as
    Anki keeps `collection.media` beside `collection.anki2`."""
    return db.with_name(db.stem + ".media")


def _bundled(name: str) -> Path:
    """A top-level project folder (`decks`, `migrations`), in a wheel or a checkout."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_bundled" / name
    if installed.is_dir():
        return installed
    return package_dir.parent.parent / name


def bundled_decks_dir() -> Path:
    return _bundled("decks")


def migrations_dir() -> Path:
    return _bundled("migrations")


def file_beside_notes(src: str, notes_dir: Path) -> Path | None:
    """The existing file a note's relative link (`picture/arch.png`, %-escapes allowed)
    names, looked up beside the notes file; None for a URL or a file that is not there."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # a URL (or a Windows drive, `C:`)
    path = (notes_dir / unquote(parts.path)).resolve()
    return path if path.is_file() else None
