"""Issue 11 items 2 and 10 on screen: math as Unicode, the context with the question."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from llmcards.cards import CardDraft
from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file
from llmcards.tui.app import create_app
from llmcards.tui.browse_data import BrowseRow
from llmcards.tui.screens.browse import front_text
from llmcards.tui.screens.study import StudyScreen
from llmcards.tui.widgets.card_view import CardView
from tests.tui.conftest import NOW_DT, settle, text_of

ROOT = "公式"


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "math.db"
    card = CardDraft(
        deck=(ROOT, "Attention"),
        front=r"缩放因子 $\sqrt{d_k}$",
        back=r"防止 $QK^T$ 过大，$\rho^*$ 是最优值",
        line=3,
        context=r"Scaled $\alpha$ attention",
        heading_path=("Attention",),
    )
    db = open_db(path)
    with db.write() as conn:
        sync_file(conn, root=ROOT, source_path=str(tmp_path / "n.md"), drafts=[card], now=NOW_DT)
    db.close()
    return path


async def test_study_screen_shows_math_as_unicode(tmp_path: Path) -> None:
    app = create_app(
        db_path=_db(tmp_path),
        deck=ROOT,
        settings=Settings(fuzz=False),
        now=NOW_DT,
        bundled_dir=Path("/nonexistent"),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert text_of(screen.query_one("#front", Static)).strip() == "缩放因子 √(d_k)"
        assert text_of(screen.query_one("#context", Static)).strip() == "Scaled α attention"
        await pilot.press("space")
        await settle(pilot)
        assert screen.query_one(CardView).prepared.markdown == r"防止 QK^T 过大，ρ^\* 是最优值"


def test_browser_shows_the_context_before_the_front() -> None:
    row = BrowseRow(
        id=1,
        deck="LoRA",
        front="Typical ranges",
        context="Rank $r$",
        back="",
        state="new",
        is_new=True,
        cloze=False,
        due=None,
        reps=0,
        lapses=0,
        suspended=False,
        buried=False,
        source_path="",
        source_line=1,
    )
    assert front_text(row).plain == "Rank r › Typical ranges"
