"""The bad-input corpus: every case gets one clear line (what, where, what to do), a
non-zero exit, no traceback, and leaves the database as it was — or, for input that is
merely unusual (other encodings, huge or deeply nested notes), just works."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.clihelp import Result, llmcards

GOOD_NOTE = "# 基础\n\n1. Dropout：训练时随机失活部分神经元\n2. LSTM：带门控的循环网络\n"


def snapshot(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT id, front, back, retired, reps FROM card ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """A database with two cards in it, and a place for bad files."""
    db = tmp_path / "c.db"
    note = tmp_path / "good.md"
    note.write_text(GOOD_NOTE, encoding="utf-8")
    assert llmcards("--db", str(db), "import", str(note)).exit_code == 0
    return {"db": db, "dir": tmp_path, "good": note}


def assert_one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("llmcards: error:")
    for needle in needles:
        assert needle.lower() in lines[0].lower(), lines[0]


# --- notes that must be refused -------------------------------------------------------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _empty_dir(folder: Path) -> Path:
    (folder / "empty").mkdir()
    (folder / "empty" / "picture.png").write_bytes(b"\x89PNG\r\n")
    return folder / "empty"


REFUSED = {
    "missing file": (lambda d: d / "nope.md", ["nope.md", "no such file"]),
    "folder without notes": (_empty_dir, ["empty", "no notes"]),
    "binary (png)": (
        _write("img.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
        ["img.md", "binary"],
    ),
    "NUL bytes": (
        _write("nul.md", "1. 术语：解释\n".encode() + b"\x00\x00\x00" * 10),
        ["nul.md", "binary"],
    ),
    "random bytes": (_write("rand.txt", os.urandom(4096)), ["rand.txt", "binary"]),
    "a fifo, not a file": (
        lambda d: _fifo(d / "pipe.md"),
        ["pipe.md", "not a regular file"],
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_notes_are_refused_and_nothing_is_written(world: dict[str, Path], case: str) -> None:
    make, needles = REFUSED[case]
    bad = make(world["dir"])
    before = snapshot(world["db"])
    result = llmcards("--db", str(world["db"]), "import", str(world["good"]), str(bad))
    assert_one_line_error(result, *needles)
    assert snapshot(world["db"]) == before


# --- notes that are merely unusual must just work -----------------------------------------

NESTED_500 = "".join("  " * i + f"- 第{i}层：说明\n" for i in range(500))
WORKS = {
    "GB18030": ("gb.md", "# 编码\n\n1. 注意力机制：关注相关部分\n".encode("gb18030"), "GB18030", 1),
    "GBK": ("gbk.md", "# 编码\n\n1. 归一化：缩放特征\n".encode("gbk"), "GB", 1),
    "UTF-16 LE BOM": ("le.md", "1. 词向量：稠密表示\n".encode("utf-16"), "UTF-16", 1),
    "UTF-16 BE BOM": (
        "be.md",
        b"\xfe\xff" + "1. 词向量：稠密表示\n".encode("utf-16-be"),
        "UTF-16",
        1,
    ),
    "UTF-16 without BOM": ("nobom.md", "1. 词向量：稠密表示\n".encode("utf-16-le"), "UTF-16", 1),
    "UTF-8 BOM": ("bom.md", "\ufeff1. 词向量：稠密表示\n".encode(), None, 1),
    "Latin-1": (
        "latin.md",
        "1. Entropie: mesure de l'incertitude, très utilisée\n".encode("latin-1"),
        "1252",
        1,
    ),
    "CRLF": ("crlf.md", "1. 词向量：稠密表示\r\n2. 池化：下采样\r\n".encode(), None, 2),
    "lone CR": ("cr.md", "1. 词向量：稠密表示\r2. 池化：下采样\r".encode(), None, 2),
    "empty": ("empty.md", b"", None, 0),
    "only front matter": ("fm.md", b"---\ntitle: x\n---\n", None, 0),
    "unclosed fence": (
        "fence.md",
        "1. 代码：见下\n\n   ```python\n   print(1)\n".encode(),
        None,
        1,
    ),
    "unclosed HTML": ("html.md", "1. 公式：a<sub>i\n2. 列表：<ul><li>x\n".encode(), None, 2),
    "script tag": ("script.md", "1. 危险：<script>alert(1)</script> 文本\n".encode(), None, 1),
    "500-deep list": ("deep.md", NESTED_500.encode(), None, 1),
    "10k headings": (
        "heads.md",
        "".join(f"# 标题{i}\n\n- 概念{i}：解释\n" for i in range(10_000)).encode(),
        None,
        10_000,
    ),
}


@pytest.mark.parametrize("case", list(WORKS))
def test_unusual_notes_just_work(tmp_path: Path, case: str) -> None:
    name, data, notice, cards = WORKS[case]
    path = tmp_path / name
    path.write_bytes(data)
    db = tmp_path / "c.db"
    result = llmcards("--db", str(db), "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["new"] == cards
    if notice:
        assert notice in (report["files"][0]["encoding"] or "")
    listed = llmcards("--db", str(db), "cards", "--json").json()
    assert all("\ufeff" not in c["front"] and "\r" not in c["back"] for c in listed)
    if case == "script tag":
        assert "<script>" not in listed[0]["back"]


def test_fifty_megabyte_single_line(tmp_path: Path) -> None:
    path = tmp_path / "line.md"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("1. 长行：")
        handle.write("注意力" * (50 * 1024 * 1024 // 9))
        handle.write("\n")
    result = llmcards("--db", str(tmp_path / "c.db"), "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["new"] == 1


def test_symlink_loop_in_notes_folder(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.md").write_text(GOOD_NOTE, encoding="utf-8")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "dangling.md").symlink_to(tmp_path / "gone.md")
    result = llmcards("--db", str(tmp_path / "c.db"), "import", str(folder), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["new"] == 2


# --- databases ------------------------------------------------------------------------


def _corrupt(db: Path) -> None:
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))


def _truncate(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _newer(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()


def _foreign(db: Path) -> None:
    db.unlink()
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE recipes (id INTEGER)")
    con.commit()
    con.close()


def _text_file(db: Path) -> None:
    db.write_text("not a database\n" * 200)


DATABASES = {
    "corrupt": (_corrupt, ["not a readable llmcards database", "restore"]),
    "truncated": (_truncate, ["llmcards database", "restore"]),
    "newer version": (_newer, ["newer llmcards", "upgrade"]),
    "foreign sqlite": (_foreign, ["not an llmcards one"]),
    "text file": (_text_file, ["not a readable llmcards database"]),
}


@pytest.mark.parametrize("case", list(DATABASES))
@pytest.mark.parametrize("command", [["cards"], ["decks", "--json"], ["due"]])
def test_broken_databases(world: dict[str, Path], case: str, command: list[str]) -> None:
    breaker, needles = DATABASES[case]
    breaker(world["db"])
    result = llmcards("--db", str(world["db"]), *command)
    assert_one_line_error(result, str(world["db"].name), *needles)


def test_database_path_is_a_folder(tmp_path: Path) -> None:
    assert_one_line_error(llmcards("--db", str(tmp_path), "cards"), "is a directory", "--db")


def test_database_below_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_one_line_error(
        llmcards("--db", str(blocker / "c.db"), "decks"), f"no folder {blocker} for", "c.db"
    )


def test_read_only_database(world: dict[str, Path]) -> None:
    db = world["db"]
    if (
        shutil.which("chattr") is None
        or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode
    ):
        if os.geteuid() == 0:
            pytest.skip("root ignores file modes and chattr is unavailable here")
        db.chmod(0o400)
    try:
        note = world["dir"] / "more.md"
        note.write_text("1. GRU：两个门\n", encoding="utf-8")
        result = llmcards("--db", str(db), "import", str(note))
        assert_one_line_error(result, "read-only" if os.geteuid() else "")
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)
        db.chmod(0o600)


# --- settings and environment ---------------------------------------------------------


def test_bad_llmcards_now(world: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "next tuesday")
    assert_one_line_error(llmcards("--db", str(world["db"]), "due"), "LLMCARDS_NOW", "ISO-8601")


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ("desired_retention = 'high'\n", ["desired_retention", "not a number"]),
        ("desired_retention = 1.5\n", ["desired_retention", "0.70"]),
        ("learning_steps = ['1 minute']\n", ["1 minute", "duration"]),
        ("rollover_hour = 27\n", ["rollover_hour"]),
        ("new_per_day = -3\n", ["new_per_day"]),
        ("this is [not toml\n", ["not valid TOML"]),
    ],
    ids=["type", "range", "step", "hour", "negative", "syntax"],
)
def test_bad_config_values(world: dict[str, Path], content: str, needles: list[str]) -> None:
    config = Path(os.environ["LLMCARDS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(content, encoding="utf-8")
    assert_one_line_error(llmcards("--db", str(world["db"]), "due"), "config.toml", *needles)


def test_unwritable_config(world: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = world["dir"] / "cfgfile"
    blocker.write_text("x")
    monkeypatch.setenv("LLMCARDS_CONFIG", str(blocker / "config.toml"))
    assert_one_line_error(llmcards("config", "new_per_day", "30"), "cannot write", "config.toml")


def test_unknown_setting_and_bad_value(world: dict[str, Path]) -> None:
    assert_one_line_error(llmcards("config", "colour", "red"), "unknown setting", "colour")
    assert_one_line_error(llmcards("config", "new_per_day", "lots"), "new_per_day", "lots")


# --- ratings, decks, packages ---------------------------------------------------------


def test_rating_unknown_card_and_bad_rating(world: dict[str, Path]) -> None:
    db = str(world["db"])
    assert_one_line_error(llmcards("--db", db, "rate", "999999", "good"), "999999")
    card = llmcards("--db", db, "cards", "--json").json()[0]["id"]
    result = llmcards("--db", db, "rate", str(card), "superb")
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert "superb" in result.stderr


def test_unknown_deck(world: dict[str, Path]) -> None:
    assert_one_line_error(
        llmcards("--db", str(world["db"]), "due", "--deck", "没有这个"),
        "没有这个",
        "llmcards decks",
    )


def test_apkg_that_is_a_zip_of_junk(world: dict[str, Path]) -> None:
    package = world["dir"] / "junk.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("collection.anki2", os.urandom(4096))
        archive.writestr("media", "not json")
    before = snapshot(world["db"])
    assert_one_line_error(
        llmcards("--db", str(world["db"]), "import-anki", str(package)), "junk.apkg"
    )
    assert snapshot(world["db"]) == before


def test_apkg_that_is_not_a_zip(world: dict[str, Path]) -> None:
    package = world["dir"] / "notes.apkg"
    package.write_text(GOOD_NOTE, encoding="utf-8")
    assert_one_line_error(
        llmcards("--db", str(world["db"]), "import-anki", str(package)), "notes.apkg"
    )


def test_export_refuses_to_overwrite_without_force(world: dict[str, Path]) -> None:
    target = world["dir"] / "out.apkg"
    target.write_text("precious")
    assert_one_line_error(
        llmcards("--db", str(world["db"]), "export", "anki", str(target)), "out.apkg", "--force"
    )
    assert target.read_text() == "precious"


def test_export_to_unwritable_place(world: dict[str, Path]) -> None:
    blocker = world["dir"] / "file"
    blocker.write_text("x")
    assert_one_line_error(
        llmcards("--db", str(world["db"]), "export", "csv", str(blocker / "out.csv")), "out.csv"
    )


def test_apkg_in_the_newest_format_with_damaged_contents(world: dict[str, Path]) -> None:
    package = world["dir"] / "modern.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("collection.anki2", b"stub")
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd" + os.urandom(512))
    before = snapshot(world["db"])
    assert_one_line_error(
        llmcards("--db", str(world["db"]), "import-anki", str(package)),
        "modern.apkg",
        "Anki package",
    )
    assert snapshot(world["db"]) == before
