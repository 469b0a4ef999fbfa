"""What every command shares: which database, and how to open it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmcards.config import Settings
    from llmcards.store.db import Database


@dataclass
class CliState:
    db_option: str | None = None
    db_existed: bool | None = None  # before the command ran; None: no command ran

    @property
    def db_path(self) -> Path:
        from llmcards.paths import db_path

        return db_path(self.db_option)

    def created_notice(self) -> str | None:
        """What to tell a user whose command made a new database: a mistyped --db path
        would otherwise silently start an empty collection. Only the process that made
        it says so, not another that started before it was there."""
        from llmcards.store.new_files import made_here

        if self.db_existed is False and made_here(self.db_path):
            return f"created a new database at {self.db_path}"
        return None

    def open(self) -> Database:
        from llmcards.store.db import open_db

        return open_db(self.db_path)

    def settings(self) -> Settings:
        """The settings file's settings, with the FSRS parameters in effect for this
        database (`store.parameters.in_effect`: its fitted ones before the file's)."""
        from dataclasses import replace

        from llmcards.config import load_settings
        from llmcards.store.parameters import in_effect

        settings = load_settings()
        return replace(
            settings, fsrs_parameters=in_effect(self.db_path, settings.fsrs_parameters).parameters
        )


STATE = CliState()
