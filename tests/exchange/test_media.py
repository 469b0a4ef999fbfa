"""Images stored beside the notes travel into Anki with the package."""

from __future__ import annotations

from pathlib import Path

from llmcards.exchange.media import MediaPacker
from tests.clihelp import llmcards
from tests.exchange.anki_backend import anki_cards, import_package, open_anki

PNG = b"\x89PNG\r\n\x1a\n" + b"not really pixels"

NOTES = """\
# 生成模型

- VAE：编码器把输入映射成分布，解码器从采样重建

  ![vae 结构](picture/vae.png "VAE")

- GAN：生成器与判别器对抗训练

  ![gan](picture/gan%20arch.png)
  ![在线图](https://example.org/gan.png)
  ![不存在](picture/missing.png)
"""


def _notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    (folder / "picture").mkdir(parents=True)
    (folder / "picture" / "vae.png").write_bytes(PNG + b"vae")
    (folder / "picture" / "gan arch.png").write_bytes(PNG + b"gan")
    path = folder / "learning.md"
    path.write_text(NOTES, encoding="utf-8")
    return path


def test_local_images_are_renamed_flat_and_collected_once(tmp_path: Path) -> None:
    notes = str(_notes(tmp_path))
    other = tmp_path / "other" / "picture"
    other.mkdir(parents=True)
    (other / "vae.png").write_bytes(PNG + b"another vae")
    packer = MediaPacker()
    first = packer.localize('<p><img src="picture/vae.png" alt="a" /></p>', notes)
    again = packer.localize('<img src="./picture/vae.png" alt="b" />', notes)
    clash = packer.localize('<img src="picture/vae.png" alt="c" />', str(other.parent / "n.md"))
    spaced = packer.localize('<img src="picture/gan%20arch.png" alt="d" />', notes)
    assert (
        first == '<p><img src="vae.png" alt="a" /></p>' and again == '<img src="vae.png" alt="b" />'
    )
    clash_name = clash.split('"')[1]
    assert clash_name.startswith("vae-") and clash_name.endswith(".png")
    assert spaced == '<img src="gan arch.png" alt="d" />'
    assert [(name, path.read_bytes()[len(PNG) :]) for name, path in packer.files.items()] == [
        ("vae.png", b"vae"),
        (clash_name, b"another vae"),
        ("gan arch.png", b"gan"),
    ]
    for untouched in (
        '<img src="https://example.org/x.png" />',
        '<img src="picture/missing.png" />',
        '<img src="data:image/png;base64,AAAA" />',
    ):
        assert packer.localize(untouched, notes) == untouched
    assert len(packer.files) == 3


def test_anki_receives_the_images_beside_the_notes(tmp_path: Path) -> None:
    notes = _notes(tmp_path)
    db = tmp_path / "c.db"
    assert llmcards("--db", str(db), "import", str(notes)).exit_code == 0
    exported = llmcards("--db", str(db), "export", "anki", str(tmp_path / "llm.apkg"), "--json")
    assert exported.exit_code == 0, exported.stderr
    assert exported.json()["media"] == 2
    (tmp_path / "anki").mkdir()
    col = open_anki(tmp_path / "anki" / "collection.anki2")
    try:
        import_package(col, tmp_path / "llm.apkg")
        media = Path(col.media.dir())
        assert (media / "vae.png").read_bytes() == PNG + b"vae"
        assert (media / "gan arch.png").read_bytes() == PNG + b"gan"
        backs = {c.note().fields[0]: c.note().fields[1] for c in anki_cards(col)}
        assert '<img src="vae.png"' in backs["VAE"]
        assert (
            '<img src="gan arch.png"' in backs["GAN"]
            and "https://example.org/gan.png" in backs["GAN"]
        )
        assert '<img src="picture/missing.png"' in backs["GAN"]  # not there: left as written
    finally:
        col.close()
