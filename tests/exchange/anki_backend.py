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


def add_notes(col, deck: str, notes: list[tuple[str, list[str]]]) -> list[int]:
    """Notes of the named note types (their fields in order) into `deck`; their ids."""
    deck_id = col.decks.id(deck)
    ids = []
    for type_name, fields in notes:
        note = col.new_note(col.models.by_name(type_name))
        for index, value in enumerate(fields):
            note.fields[index] = value
        col.add_note(note, deck_id)
        ids.append(note.id)
    return ids


def add_note_type(col, name: str, fields: list[str], qfmt: str, afmt: str):
    """A standard note type of one card template."""
    model = col.models.new(name)
    for field_name in fields:
        col.models.add_field(model, col.models.new_field(field_name))
    template = col.models.new_template("Card 1")
    template["qfmt"], template["afmt"] = qfmt, afmt
    col.models.add_template(model, template)
    col.models.add(model)
    return col.models.by_name(name)
