"""Items 1, 4, 5, 11, 13, 14 and 16 of issue 16: what an export writes cannot leak local
files or carry scripts, a CSV cannot run formulas, and an export can neither overwrite
the database nor leave half-written files or stray workers behind."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from llmcards.exchange.media import MAX_IMAGE_BYTES
from llmcards.exchange.render import safe_url
from llmcards.store.backup import backup_dir, make_backup
from tests.clihelp import llmcards
from tests.hostile.helpers import assert_one_line_error, make_db, rows
from tests.hostile.packages import changed_package

PNG = b"\x89PNG\r\n\x1a\n"


def _package_files(package: Path) -> tuple[list[str], dict[str, bytes]]:
    """The notes' fields and the packed media (name -> bytes) of an exported .apkg."""
    with zipfile.ZipFile(package) as archive:
        media_map = json.loads(archive.read("media"))
        media = {name: archive.read(entry) for entry, name in media_map.items()}
        collection = package.with_suffix(".anki2")
        collection.write_bytes(archive.read("collection.anki2"))
    con = sqlite3.connect(collection)
    fields = [f for (flds,) in con.execute("SELECT flds FROM notes") for f in flds.split("\x1f")]
    con.close()
    return fields, media


# --- item 1: local files ------------------------------------------------------------------


def test_only_the_notes_own_images_are_packed(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "pic").mkdir(parents=True)
    (notes / "pic" / "ok.png").write_bytes(PNG + b"mine")
    secret = tmp_path / "private" / "key.png"
    secret.parent.mkdir()
    secret.write_bytes(PNG + b"SECRET-KEY")
    (notes / "pic" / "link.png").symlink_to(secret)
    with (notes / "pic" / "huge.png").open("wb") as huge:
        huge.truncate(MAX_IMAGE_BYTES + 1)  # sparse: big, yet instant
    (notes / "n.md").write_text(
        "# 图\n\n"
        "1. 自己的图：![ok](pic/ok.png)\n"
        f"2. 绝对路径：![k]({secret})\n"
        "3. 上级目录：![k](../private/key.png)\n"
        "4. 链接出去：![k](pic/link.png)\n"
        "5. 进程环境：![e](/proc/self/environ)\n"
        "6. 太大：![h](pic/huge.png)\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    assert llmcards("--db", str(db), "import", str(notes)).exit_code == 0
    out = tmp_path / "out.apkg"
    result = llmcards("--db", str(db), "export", "anki", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["media"] == 1
    assert summary["media_refused"] == {"outside the notes' folder": 4, "larger than 20 MB": 1}
    fields, media = _package_files(out)
    assert media == {"ok.png": PNG + b"mine"}
    assert f'src="{secret}"' in "".join(fields)  # left as written: Anki finds nothing there
    plain = llmcards("--db", str(db), "export", "anki", str(tmp_path / "o2.apkg"))
    assert "Images left as links" in plain.stdout and "4 outside" in plain.stdout


def test_images_in_an_imported_package_are_not_packed(tmp_path: Path) -> None:
    secret = tmp_path / "private" / "key.png"
    secret.parent.mkdir()
    secret.write_bytes(PNG + b"SECRET-KEY")
    package = changed_package(
        tmp_path,
        "shared.apkg",
        lambda con: con.execute(
            "UPDATE notes SET flds = ?", (f'问题<img src="{secret}">\x1f答案\x1f',)
        ),
    )
    db = tmp_path / "c.db"
    assert llmcards("--db", str(db), "import-anki", str(package)).exit_code == 0
    out = tmp_path / "again.apkg"
    result = llmcards("--db", str(db), "export", "anki", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["media_refused"] == {"outside the notes' folder": 2}  # two notes
    _fields, media = _package_files(out)
    assert media == {}


# --- item 4: scripts ----------------------------------------------------------------------


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed"):
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}")
            if name in ("href", "src") and not safe_url(value or ""):
                self.problems.append(f"{tag} {name}={value}")


HOSTILE_NOTE = (
    "# 链接\n\n"
    "1. 点我：看这里 [click](javascript:alert(document.cookie)) 就行\n"
    "2. 自动链接：看这里 <javascript:alert(1)> 就行\n"
    "3. 数据：看 [d](data:text/html;base64,PHNjcmlwdD4=) 和 ![i](data:image/svg+xml;base64,PHN2Zz4=)\n"
    "4. 伪装：看 [x](JaVaScRiPt:alert(1)) [y](vbscript:msgbox) [z](file:///etc/passwd) 三个\n"
    "5. 原始：看 <img src=x onerror=alert(1)><script>alert(1)</script> 这个\n"
    "6. 正常：看 [ok](https://example.org) [mail](mailto:a@example.org) [rel](other.md) 三个\n"
)


def test_exported_fields_carry_no_scripts(tmp_path: Path) -> None:
    db = make_db(tmp_path, HOSTILE_NOTE)
    package = changed_package(
        tmp_path,
        "scripts.apkg",
        lambda con: con.execute(
            "UPDATE notes SET flds = ?",
            (
                '<a href="javascript:alert(1)">x</a><script>alert(1)</script>'
                '<img src=y onerror="alert(2)"><div onclick="alert(3)">点</div>\x1f答案\x1f',
            ),
        ),
    )
    assert llmcards("--db", str(db), "import-anki", str(package)).exit_code == 0
    out = tmp_path / "out.apkg"
    assert llmcards("--db", str(db), "export", "anki", str(out)).exit_code == 0
    fields, _media = _package_files(out)
    markup = _Markup()
    for value in fields:
        markup.feed(value)
    assert markup.problems == []
    joined = "".join(fields)
    assert 'href="https://example.org"' in joined and 'href="mailto:a@example.org"' in joined
    assert 'href="other.md"' in joined and ">click</a>" in joined  # the text stays


# --- item 5: CSV formulas ------------------------------------------------------------------


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    note = (
        "---\ntitle: =cmd|' /C calc'!A0\n---\n\n"
        '1. =HYPERLINK("http://evil.example","x")：答案\n'
        "2. +1+1：-2+3\n"
        "3. @SUM(A1)：普通\n"
    )
    db = make_db(tmp_path, note)
    out = tmp_path / "out.csv"
    assert llmcards("--db", str(db), "export", "csv", str(out)).exit_code == 0
    lines = [
        line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    cells = [cell for row in csv.reader(io.StringIO("\n".join(lines))) for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells


# --- item 13: Anki's field separator ------------------------------------------------------------


def test_field_separator_in_notes_never_splits_a_field(tmp_path: Path) -> None:
    db = make_db(tmp_path, "1. 分隔\x1f符：前\x1f后\n2. 普通：答案\n")
    out = tmp_path / "out.apkg"
    assert llmcards("--db", str(db), "export", "anki", str(out)).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        (out.parent / "c.anki2").write_bytes(archive.read("collection.anki2"))
    con = sqlite3.connect(out.parent / "c.anki2")
    counts = [flds.count("\x1f") for (flds,) in con.execute("SELECT flds FROM notes")]
    con.close()
    assert counts == [2, 2]  # Basic: front, back, context


# --- item 11: the database is never an export target ------------------------------------------


@pytest.mark.parametrize("which", ["database", "wal", "backup", "fifo"])
@pytest.mark.parametrize("kind", ["anki", "csv"])
def test_export_never_overwrites_the_database(tmp_path: Path, which: str, kind: str) -> None:
    db = make_db(tmp_path)
    targets = {
        "database": db,
        "wal": Path(f"{db}-wal"),
        "backup": make_backup(db),
        "fifo": tmp_path / "pipe",
    }
    target = targets[which]
    if which == "fifo":
        os.mkfifo(target)
    elif not target.exists():
        target.write_bytes(b"")
    before, size = rows(db), db.stat().st_size
    result = llmcards("--db", str(db), "export", kind, str(target), "--force")
    assert_one_line_error(result, target.name)
    assert rows(db) == before and db.stat().st_size == size


# --- item 14: a full disk leaves nothing behind -----------------------------------------------


def _run_limited(args: list[str], limit: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`llmcards ARGS` in a process that may not write files past `limit` bytes: writes
    fail as on a full disk (EFBIG; SIGXFSZ ignored)."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "llmcards", *args],
        preexec_fn=limit_files,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def _big_db(folder: Path) -> Path:
    note = "".join(f"{i}. 概念{i}：{'解释' * 40}{i}\n" for i in range(1, 1500))
    return make_db(folder, note)


@pytest.mark.parametrize(
    "command", [["backup"], ["export", "anki", "{out}"], ["export", "csv", "{out}"]]
)
def test_a_full_disk_is_one_line_and_leaves_no_partial_files(
    tmp_path: Path, command: list[str]
) -> None:
    db = _big_db(tmp_path)
    out = tmp_path / "exports" / "out.file"
    out.parent.mkdir()
    before_files = {p for p in tmp_path.rglob("*") if p.is_file()}
    before = rows(db)
    args = ["--db", str(db), *[a.replace("{out}", str(out)) for a in command]]
    done = _run_limited(args, 64 * 1024, tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("llmcards: error:"), done.stderr
    assert "full" in lines[0]
    left = {p for p in tmp_path.rglob("*") if p.is_file()} - before_files
    assert not [p for p in left if p.suffix in (".partial", ".part") or p.name.startswith(".")]
    assert not out.exists() and rows(db) == before
    assert not list(backup_dir(db).glob("*.partial"))


# --- item 16: workers die with their parent -------------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_export_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    db = _big_db(tmp_path)
    for card in llmcards("--db", str(db), "cards", "--json").json()[:300]:
        llmcards("--db", str(db), "rate", str(card["id"]), "good")
    parent = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llmcards",
            "--db",
            str(db),
            "export",
            "anki",
            str(tmp_path / "o.apkg"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while not children and parent.poll() is None and time.monotonic() < deadline:
        children = _children(parent.pid)
        time.sleep(0.002)
    assert children, "the export finished before its worker was seen"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}
        time.sleep(0.05)
    assert alive == set()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
