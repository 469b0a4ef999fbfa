"""Anki's real backend (PyPI `anki`, test-only): import a package headless, read it back."""

from __future__ import annotations

from pathlib import Path

import pytest

anki_collection = pytest.importorskip("anki.collection")


def open_anki(path: Path):
    return anki_collection.Collection(str(path))


def import_package(col, package: Path, *, with_scheduling: bool = True):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    options = ImportAnkiPackageOptions(
        with_scheduling=with_scheduling, with_deck_configs=with_scheduling
    )
    return col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(package), options=options)
    )


def export_legacy_package(col, out: Path) -> None:
    """What a user gets from Anki with "Support older Anki versions" ticked."""
    from anki.collection import ExportAnkiPackageOptions

    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=False, legacy=True
    )
    col.export_anki_package(out_path=str(out), options=options, limit=None)


def deck_names(col) -> set[str]:
    return {d.name for d in col.decks.all_names_and_ids()} - {"Default"}


def anki_cards(col) -> list:
    return [col.get_card(cid) for cid in col.find_cards("")]
