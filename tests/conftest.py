"""Shared fixtures. No test touches $HOME: the database, config and clock are per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("LLMCARDS_CONFIG", str(home / "config" / "llmcards" / "config.toml"))
    monkeypatch.delenv("LLMCARDS_DB", raising=False)
    monkeypatch.delenv("LLMCARDS_NOW", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cards.db"
