"""The study header's deck path is one line, cut from the left with `…` when too long, so
the deck being studied (its last part) stays in sight."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from llmcards.cards import CardDraft
from llmcards.config import Settings
from llmcards.shorten import fit_path
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file
from llmcards.tui.app import create_app
from tests.tui.conftest import NOW_DT, settle, text_of

PARTS = ["002_f90a5a490f4ab5a9", "daily-llm", "CH.0 - 从兴趣出发而不是为了工作"]


def test_a_path_gives_up_its_first_parts_then_the_end_of_its_last() -> None:
    assert (
        fit_path(PARTS, 80) == "002_f90a5a490f4ab5a9 › daily-llm › CH.0 - 从兴趣出发而不是为了工作"
    )
    assert fit_path(PARTS, 60) == "… › daily-llm › CH.0 - 从兴趣出发而不是为了工作"
    assert fit_path(PARTS, 40) == "… › CH.0 - 从兴趣出发而不是为了工作"
    assert fit_path(PARTS, 24) == "… › CH.0 - 从兴趣出发而…"
    assert fit_path(PARTS, 9) == "CH.0 -…"
    assert fit_path(["All decks"], 5) == "All…"
    for width in range(90):
        assert cell_len(fit_path(PARTS, width)) <= width


@pytest.fixture
def deep_db(tmp_path: Path) -> Path:
    path = tmp_path / "deep.db"
    db = open_db(path)
    with db.write() as conn:
        draft = CardDraft(
            deck=tuple(PARTS), front="图灵讲座：生成式人工智能的未来", back="讨论", line=3
        )
        sync_file(conn, root=PARTS[0], source_path="/notes/d.md", drafts=[draft], now=NOW_DT)
    db.close()
    return path


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((100, 30), "… › daily-llm › CH.0 - 从兴趣出发而不是为了工作"),
        ((66, 20), "… › CH.0 - 从兴趣出发而…"),
        ((60, 20), "… › daily-llm › CH.0 - 从兴趣出发而不是为了工作"),  # a line of its own
        ((40, 12), "… › CH.0 - 从兴趣出发而不是为了工作"),  # on a line of its own
        ((30, 12), "… › CH.0 - 从兴趣出发而不…"),
    ],
)
async def test_the_header_shows_the_decks_last_part_on_one_line(
    deep_db: Path, size: tuple[int, int], expected: str
) -> None:
    app = create_app(db_path=deep_db, deck=PARTS[0], settings=Settings(fuzz=False), now=NOW_DT)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        path = app.screen.query_one("#deck-path")
        assert path.size.height == 1
        assert text_of(path) == expected
        assert path.region.right <= app.screen.query_one("#progress").region.x or size[0] < 66
