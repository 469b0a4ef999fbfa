"""FSRS parameters fitted to one database's reviews, kept in that database (`meta` table).

Parameters describe how one person remembers one collection: kept in its database they
go with it (backups, copies, another machine) and never apply to another database, as a
single global setting did. A database without fitted parameters uses `fsrs_parameters`
from the settings file if someone set them there by hand, else FSRS-6's defaults.

Beside them the database keeps when they were fitted and from how many reviews, so
`llmcards config` can say which parameters are in effect and where they come from.

Read with the standard library (the start-up paths must not load SQLAlchemy); written
inside the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sqlalchemy import Connection

KEY = "fsrs_parameters"
FITTED_KEY = "fsrs_parameters_fitted"  # {"at": ISO time, "reviews": N}


@dataclass(frozen=True)
class Fitted:
    parameters: list[float]
    # Unknown (None) for parameters fitted before llmcards kept these.
    at: datetime | None = None
    reviews: int | None = None


@dataclass(frozen=True)
class InEffect:
    """Which FSRS parameters a database is scheduled with, and where they come from."""

    source: Literal["fitted", "settings file", "default"]
    parameters: list[float]  # empty: FSRS's defaults
    fitted: Fitted | None = None


def in_effect(db_path: Path, from_settings_file: Sequence[float]) -> InEffect:
    """The database's fitted parameters come first, then the settings file's, then the
    defaults: the one rule every command schedules by."""
    fitted = read_fitted(db_path)
    if fitted is not None:
        return InEffect("fitted", fitted.parameters, fitted)
    if from_settings_file:
        return InEffect("settings file", list(from_settings_file))
    return InEffect("default", [])


def read_parameters(db_path: Path) -> list[float] | None:
    """The parameters fitted for this database, or None (none yet, or no database yet)."""
    fitted = read_fitted(db_path)
    return None if fitted is None else fitted.parameters


def read_fitted(db_path: Path) -> Fitted | None:
    """The parameters fitted for this database, with when and from how many reviews."""
    if not db_path.is_file():
        return None
    try:
        # Not `mode=ro`: that fails on a WAL database whose -shm file is missing.
        conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only=1")
        rows = dict(
            conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (KEY, FITTED_KEY))
        )
    except sqlite3.Error:  # not an llmcards database, or one from before `meta`
        return None
    finally:
        conn.close()
    values = _json(rows.get(KEY))
    if not isinstance(values, list) or not all(isinstance(v, int | float) for v in values):
        return None
    about = _json(rows.get(FITTED_KEY))
    at = reviews = None
    if isinstance(about, dict):
        try:
            at = datetime.fromisoformat(about["at"])
        except (KeyError, TypeError, ValueError):
            at = None
        reviews = about.get("reviews") if isinstance(about.get("reviews"), int) else None
    return Fitted([float(v) for v in values], at, reviews)


def _json(text: str | None) -> object:
    try:
        return None if text is None else json.loads(text)
    except ValueError:
        return None


def save_parameters(
    conn: Connection, parameters: Sequence[float], *, fitted_at: datetime, reviews: int
) -> None:
    """Keep these parameters for this database, fitted at `fitted_at` on `reviews`
    reviews (inside the caller's write transaction)."""
    from sqlalchemy import delete, insert

    from llmcards.store.models import META

    conn.execute(delete(META).where(META.c.key.in_([KEY, FITTED_KEY])))
    conn.execute(
        insert(META),
        [
            {"key": KEY, "value": json.dumps([float(p) for p in parameters])},
            {
                "key": FITTED_KEY,
                "value": json.dumps({"at": fitted_at.isoformat(), "reviews": reviews}),
            },
        ],
    )
