"""`import-anki` brings a package's images into the media folder beside the database:
safe flat names, never outside that folder, sizes capped, the rest reported."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from llmcards.exchange.media_in import MAX_IMAGE_BYTES, safe_name
from llmcards.exchange.render import markdown_to_html
from llmcards.paths import file_beside_notes
from tests.clihelp import llmcards
from tests.exchange import collection as fixture
from tests.exchange.anki_backend import open_anki

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _anki_package(tmp_path: Path, *, legacy: bool) -> Path:
    """A note whose answer shows an image, exported by Anki itself (with media)."""
    from anki.collection import ExportAnkiPackageOptions

    (tmp_path / "anki").mkdir()
    col = open_anki(tmp_path / "anki" / "c.anki2")
    try:
        name = col.media.write_data("结构 arch.png", PNG)
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "Transformer", f'编码器和解码器 <img src="{name}">'
        col.add_note(note, col.decks.id("模型"))
        package = tmp_path / ("legacy.apkg" if legacy else "latest.apkg")
        options = ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy
        )
        col.export_anki_package(out_path=str(package), options=options, limit=None)
    finally:
        col.close()
    return package


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-package", "latest-package"])
def test_images_arrive_beside_the_database_and_the_answer_shows_them(
    tmp_path: Path, legacy: bool
) -> None:
    package = _anki_package(tmp_path, legacy=legacy)
    db = tmp_path / "study" / "cards.db"
    db.parent.mkdir()
    result = llmcards("--db", str(db), "import-anki", str(package), "--json")
    assert result.exit_code == 0, result.stderr
    images = result.json()["images"]
    folder = tmp_path / "study" / "cards.media"
    assert images == {"folder": str(folder), "imported": 1, "left_out": {}}
    (stored,) = list(folder.iterdir())
    assert stored.read_bytes() == PNG and stored.name == "结构_arch.png"
    (card,) = llmcards("--db", str(db), "cards", "--json").json()
    # the study screen (and `export anki`) find the file the rendered answer shows
    (src,) = re.findall(r'<img src="([^"]*)"', markdown_to_html(card["back"]))
    assert file_beside_notes(src, Path(card["source"]).parent) == stored.resolve()
    exported = llmcards("--db", str(db), "export", "anki", str(tmp_path / "out.apkg"), "--json")
    assert exported.json()["media"] == 1  # and they travel on to Anki again
    again = llmcards("--db", str(db), "import-anki", str(package)).stdout
    assert f"1 image imported into {folder}" in again
    assert len(list(folder.iterdir())) == 1  # the same file, not a copy


def _crafted_package(tmp_path: Path) -> Path:
    """llmcards' own export, with images written into a note's answer and the package:
    one to keep, one whose name climbs out of the folder, one too large, a sound, and
    one the package does not have."""
    built = fixture.build(tmp_path / "source", history=False)
    plain = tmp_path / "plain.apkg"
    from llmcards.exchange.apkg_export import export_apkg

    export_apkg(built.db, plain, settings=built.settings, now=built.now)
    built.db.close()
    work = tmp_path / "work"
    work.mkdir()
    with zipfile.ZipFile(plain) as archive:
        archive.extractall(work)
    inner = next(n for n in ("collection.anki21", "collection.anki2") if (work / n).exists())
    conn = sqlite3.connect(work / inner)
    images = (
        '<img src="ok.png"><img src="../../../escape.png"><img src="big.png">'
        '<img src="song.mp3"><img src="gone.png"><img src="https://example.org/web.png">'
    )
    nid, flds = conn.execute("select id, flds from notes where flds like 'Dropout%'").fetchone()
    fields = flds.split("\x1f")
    fields[1] += images  # the answer
    conn.execute("update notes set flds = ? where id = ?", ("\x1f".join(fields), nid))
    conn.commit()
    conn.close()
    media = {"0": "ok.png", "1": "../../../escape.png", "2": "big.png", "3": "song.mp3"}
    crafted = tmp_path / "crafted.apkg"
    with zipfile.ZipFile(crafted, "w") as archive:
        for name in os.listdir(work):
            if name not in ("media",) and not name.isdigit():
                archive.write(work / name, name)
        archive.writestr("media", json.dumps(media))
        archive.writestr("0", PNG)
        archive.writestr("1", PNG + b"escape")
        archive.writestr("2", b"\x00" * (MAX_IMAGE_BYTES + 1), zipfile.ZIP_DEFLATED)
        archive.writestr("3", b"ID3 sound")
    return crafted


def test_unsafe_large_and_missing_media_are_kept_out_and_reported(tmp_path: Path) -> None:
    package = _crafted_package(tmp_path)
    db = tmp_path / "here" / "cards.db"
    db.parent.mkdir()
    result = llmcards("--db", str(db), "import-anki", str(package))
    assert result.exit_code == 0, result.stderr
    folder = db.parent / "cards.media"
    assert sorted(p.name for p in folder.iterdir()) == ["escape.png", "ok.png"]
    assert not any(p.name == "escape.png" for p in tmp_path.rglob("*") if p.parent != folder)
    assert (
        "2 images imported into" in result.stdout
        and "left out: 1 larger than 20 MB, 1 not an image, 1 not in the package" in result.stdout
    )
    dropout = next(
        c for c in llmcards("--db", str(db), "cards", "--json").json() if c["front"] == "Dropout"
    )
    assert str(folder / "ok.png") in dropout["back"]
    assert "https://example.org/web.png" in dropout["back"]  # a URL stays a URL


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Windows\\evil.png", "evil.png"),
        (".hidden.png", "hidden.png"),
        ("a b\tc\x00d.png", "a_b_c_d.png"),
        ("x" * 300 + ".png", "x" * 116 + ".png"),
        ("..", "image"),
    ],
)
def test_media_names_become_safe_flat_names(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_the_own_export_brings_no_copies_of_the_notes_images(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "picture").mkdir(parents=True)
    (notes / "picture" / "arch.png").write_bytes(PNG)
    (notes / "llm.md").write_text(
        "# NLP\n\n1. Transformer：编码器和解码器\n\n   ![结构](picture/arch.png)\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "cards.db")
    assert llmcards("--db", db, "import", str(notes / "llm.md")).exit_code == 0
    package = tmp_path / "llm.apkg"
    assert llmcards("--db", db, "export", "anki", str(package), "--json").json()["media"] == 1
    again = llmcards("--db", db, "import-anki", str(package), "--json").json()
    assert (again["new"], again["unchanged"], again["images"]["imported"]) == (0, 1, 0)
    assert not (tmp_path / "cards.media").exists()  # the card still shows the notes' file
