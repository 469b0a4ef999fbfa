"""The home screen's date is the study day, the same one the stats screen names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from llmcards.tui.home_rows import HomeData
from llmcards.tui.widgets.home_header import header_line


def _line(now: datetime, rollover_hour: int) -> str:
    from rich.console import Console

    console = Console(width=100, record=True)
    console.print(header_line(HomeData(now=now, decks=(), streak=0, rollover_hour=rollover_hour)))
    return console.export_text()


def test_before_the_rollover_hour_the_home_date_is_still_yesterdays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-12-05T01:00:00+00:00")  # days counted in UTC
    one_am = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # Saturday, 01:00
    assert "Fri 4 Dec" in _line(one_am, rollover_hour=4)
    assert "Sat 5 Dec" in _line(one_am, rollover_hour=0)


@pytest.mark.parametrize("width", [38, 60, 100])
def test_the_name_gives_way_to_the_day_s_facts_rather_than_being_cut(width: int) -> None:
    from rich.console import Console

    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    console = Console(width=width, record=True)
    data = HomeData(now=now, decks=(), streak=12, rollover_hour=4)
    console.print(header_line(data))
    line = console.export_text().rstrip("\n")
    assert "\n" not in line and line.rstrip().endswith("12-day streak")
    assert "llmcards" in line if width >= 60 else "llm" not in line and "…" not in line
