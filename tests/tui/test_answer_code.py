"""A code line longer than the answer pane wraps (it was cut at the edge, with no `…`
and no way to scroll to the rest), its continuation marked `↪` at the line's indent."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.content import Content

from llmcards.cards import CardDraft
from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file
from llmcards.tui import linebreak
from llmcards.tui.app import create_app
from llmcards.tui.widgets.answer_markdown import wrap_code
from tests.tui.conftest import NOW_DT, screen_text, settle

LONG_LINE = "x = torch.randn(3, 4)  # 一个很长的注释，用来说明这个张量的形状是三行四列，每个元素都服从标准正态分布"
CODE = f"""\
{LONG_LINE}
def scaled(q, k):
    return torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(k.size(-1)), dim=-1)  # 缩放点积
y = x @ x.T"""
BACK = f"下面的代码生成一个随机张量：\n\n```python\n{CODE}\n```\n"


def squeezed(text: str) -> str:
    return "".join(text.replace("↪", "").split())


@pytest.mark.parametrize("width", [6, 11, 20, 37, 60, 200])
def test_wrapped_code_fits_keeps_every_character_and_marks_continuations(width: int) -> None:
    linebreak.install()
    lines = wrap_code(Content(CODE), width).plain.split("\n")
    assert all(cell_len(line) <= width for line in lines)
    assert squeezed("".join(lines)) == squeezed(CODE)
    originals = CODE.split("\n")
    # Each line of the code starts a line of its own; the rest of it follows marked.
    firsts = [line for line in lines if "↪" not in line]
    assert len(firsts) == len(originals)
    assert all(whole.startswith(first) for first, whole in zip(firsts, originals, strict=True))
    if 20 <= width < 100:
        # The return statement's continuation starts at its indentation, after the mark.
        assert any(line.startswith("    ↪ ") for line in lines)
    if width == 200:
        assert lines == originals


@pytest.fixture
def code_db(tmp_path: Path) -> Path:
    notes = tmp_path / "notes" / "torch.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("# 张量\n", encoding="utf-8")
    path = tmp_path / "code.db"
    db = open_db(path)
    with db.write() as conn:
        draft = CardDraft(deck=("笔记",), front="torch.randn", back=BACK, line=2)
        sync_file(conn, root="笔记", source_path=str(notes), drafts=[draft], now=NOW_DT)
    db.close()
    return path


def shown_code(app) -> list[str]:
    """The screen's lines from the code's first line to its last."""
    lines = screen_text(app).split("\n")
    start = next(i for i, line in enumerate(lines) if "x = torch.randn" in line)
    end = next(i for i, line in enumerate(lines) if "y = x @ x.T" in line)
    return lines[start : end + 1]


@pytest.mark.parametrize("size", [(60, 30), (100, 30)])
async def test_the_whole_code_line_is_on_the_study_screen(code_db: Path, size) -> None:
    app = create_app(
        db_path=code_db, deck="笔记", settings=Settings(fuzz=False), now=NOW_DT, bundled_dir=None
    )
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        shown = shown_code(app)
        assert squeezed("".join(shown)).replace("▊", "") == squeezed(CODE)
        assert any("↪" in line for line in shown)


async def test_the_whole_code_line_is_in_the_browse_preview(code_db: Path) -> None:
    app = create_app(db_path=code_db, settings=Settings(fuzz=False), now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(60, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert squeezed("".join(shown_code(app))) == squeezed(CODE)
