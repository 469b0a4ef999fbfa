"""The stats screen at 40, 60, 80 and 100 columns: every chart and table adapts to the
width (fewer days, one cell a day, a column or a legend moved), so no row of any panel
is ever wrapped onto the next line (at 60 columns every chart row of "Reviews per day"
used to wrap; at 80 its `max 4s`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from llmcards import clock
from llmcards.cards import LEECH_TAG
from llmcards.config import Settings
from llmcards.stats.compute import Stats, compute_stats
from llmcards.store.models import REVIEW
from llmcards.tui.screens.stats import StatsScreen
from tests.stats.history import add_review, local, make_collection, set_card
from tests.stats.test_stats_screen import StatsHost
from tests.tui.conftest import text_of

NOW = "2026-11-22T09:30:00+08:00"


@pytest.fixture
def stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Stats:
    """A month of busy study: 3-digit days, long sessions, leeches with long fronts."""
    monkeypatch.setenv("LLMCARDS_NOW", NOW)
    fronts = [f"概念 {i}：一个相当长的卡片正面，用来占满表格的列" for i in range(40)]
    db, ids = make_collection(tmp_path / "cards.db", {"自然语言处理 NLP": fronts})
    cards = list(ids.values())
    with db.write() as conn:
        for day in range(1, 31):
            if day % 4 == 0:
                continue  # days off
            for k in range(20 + (day * 37) % 130):
                card = cards[(day + k) % len(cards)]
                at = f"2026-11-{day:02d} 10:{k % 60:02d}" if day < 22 else None
                at = at or f"2026-10-{day:02d} 10:{k % 60:02d}"
                add_review(conn, card, at, 1 if k % 5 == 0 else 3, REVIEW, seconds=25)
        for index, card in enumerate(cards):
            set_card(
                conn,
                card,
                state=REVIEW,
                stability=1.5 + index * 9,
                difficulty=1 + (index % 10),
                due=local(f"2026-12-{1 + index % 28:02d} 09:00"),
                lapses=index % 12,
                **({"tags": LEECH_TAG, "suspended": True} if index % 12 >= 8 else {}),
            )
    with db.read() as conn:
        computed = compute_stats(conn, deck=None, now=clock.now(), settings=Settings())
    db.close()
    assert max(d.reviews for d in computed.per_day) >= 100 and computed.hardest
    return computed


def cells(line: str) -> list[str]:
    """`line` one cell an item: a wide character, then "" for its second cell."""
    return [part for char in line for part in ((char, "") if cell_len(char) == 2 else (char,))]


def panel(lines: list[str], title: str) -> list[str]:
    """The body of the panel titled `title...`, each line without its borders."""
    rows = [cells(line) for line in lines]
    texts = ["".join(char or "\0" for char in row) for row in rows]
    found = [(y, text.find("╭─ " + title)) for y, text in enumerate(texts)]
    top, left = next(((y, x) for y, x in found if x >= 0), (-1, -1))
    assert top >= 0, f"no panel {title!r} in:\n" + "\n".join(lines)
    right = texts[top].index("╮", left)
    body: list[str] = []
    for row in rows[top + 1 :]:
        if row[left] == "╰":
            return body
        assert row[left] == "│" and row[right] == "│", (title, "".join(row))
        body.append("".join(row[left + 1 : right]).strip())
    raise AssertionError(f"panel {title!r} never closes")


FACT = (
    r"(latest \d+ days shown|\d+ reviews?|[\d.]+ (s|min|h)|\d+ of \d+ days studied"
    r"|\d+ a study day|max [\d.]+ ?(s|min|h) a day)"
)
BARS = "[ ▁▂▃▄▅▆▇█]"


@pytest.mark.parametrize("width", [40, 60, 80, 100])
async def test_no_row_of_any_panel_wraps(stats: Stats, width: int) -> None:
    screen = StatsScreen(None, stats=stats)
    app = StatsHost(screen)
    async with app.run_test(size=(width, 40)) as pilot:
        await pilot.pause()
        lines = text_of(screen.query_one("#stats-view")).split("\n")
    per_day = panel(lines, "Reviews per day")
    assert re.fullmatch(rf"\d+ ┤{BARS}+", per_day[0]), per_day
    assert all(re.fullmatch(rf"│{BARS}+", row) for row in per_day[1:6]), per_day
    assert re.fullmatch(r"(\d\d-\d\d *)+", per_day[6]), per_day
    assert re.fullmatch(rf"min ┤{BARS}+( max [\d.]+ ?(s|min|h))?", per_day[7]), per_day
    for line in per_day[8:]:  # the summary: whole facts on each line
        assert re.fullmatch(rf"{FACT}( · {FACT})*", line), per_day
    forecast = panel(lines, "Due")
    assert len(forecast) == 6 and forecast[5].startswith("today"), forecast
    retention = panel(lines, "True retention")
    labels = ["Today", "Yesterday", "Last 7 days", "This week", "Last week", "This month"]
    labels += ["Last month", "Last 365 days"]
    assert [row[: len(label)] for row, label in zip(retention[1:9], labels, strict=True)] == labels
    assert retention[9].startswith("weekly") and len(retention) in (10, 11), retention
    assert len(panel(lines, "Stability")) == len(stats.stability)
    assert len(panel(lines, "Difficulty")) == len(stats.difficulty)
    hardest = panel(lines, "Hardest cards")
    assert len(hardest) == 1 + len(stats.hardest), hardest
    assert all(row.endswith(("leech · suspended", "leech")) for row in hardest[1:9]), hardest
    assert len(panel(lines, "Cards")) == 8


def test_a_panel_title_too_long_for_its_width_ends_in_an_ellipsis() -> None:
    from rich.console import Console

    from llmcards.stats_view import _panel

    console = Console(width=30, record=True)
    console.print(_panel("Due — today 5, next 7 days 50, 30 days 400", "x"))
    top = console.export_text().splitlines()[0]
    assert top.startswith("╭─ Due — today 5") and top.endswith("…─╮"), top
