"""What every command shares: which database, and how to open it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmcards.store.db import Database


@dataclass
class CliState:
    db_option: str | None = None

    @property
    def db_path(self) -> Path:
        from llmcards.paths import db_path

        return db_path(self.db_option)

    def open(self) -> Database:
        from llmcards.store.db import open_db

        return open_db(self.db_path)


STATE = CliState()
