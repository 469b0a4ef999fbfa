"""`llmcards stats` and `llmcards optimize`, run the way a shell runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clihelp import llmcards
from tests.stats.history import hand_checked_collection, synthetic_collection


@pytest.fixture
def hand_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")
    path = tmp_path / "cards.db"
    hand_checked_collection(path)[0].close()
    return path


@pytest.fixture
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-05-01T12:00:00+08:00")
    path = tmp_path / "cards.db"
    synthetic_collection(path).close()
    return path


def test_stats_json_tags_and_suspends_leeches_first(hand_checked: Path) -> None:
    result = llmcards("--db", str(hand_checked), "stats", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["today"]["reviews"] == 3 and data["streak"] == 3 and len(data["heatmap"]) == 365
    # B has 9 lapses: a leech at the default threshold of 8.
    assert [(h["front"], h["leech"]) for h in data["hardest"]] == [("B", True), ("A", False)]
    assert len(data["leeches_marked"]) == 1 and data["counts"]["suspended"] == 2
    again = llmcards("--db", str(hand_checked), "stats", "--json").json()
    assert again["leeches_marked"] == []


def test_leech_threshold_comes_from_the_config(hand_checked: Path) -> None:
    assert llmcards("config", "leech_threshold", "10").exit_code == 0
    data = llmcards("--db", str(hand_checked), "stats", "--json").json()
    assert data["leeches_marked"] == [] and data["leech_threshold"] == 10


def test_stats_for_people_draws_the_charts(hand_checked: Path) -> None:
    result = llmcards("--db", str(hand_checked), "stats", "--deck", "NLP")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Stats — LLM 学习笔记::NLP" in out and "streak 3 days" in out
    for title in (
        "Reviews in the last year",
        "Reviews per day",
        "Due — today 1",
        "True retention (desired 90%)",
        "Stability",
        "Difficulty",
        "Hardest cards",
    ):
        assert title in out
    assert "Mon " in out and "less ·░▒▓█ more" in out
    # B, overdue, was just suspended as a leech: only C (a learning step) is due today.
    assert "Tagged and suspended 1 leech" in out


def test_unknown_deck_is_one_line_error(hand_checked: Path) -> None:
    result = llmcards("--db", str(hand_checked), "stats", "--deck", "Nope")
    assert result.exit_code == 1
    assert (
        result.stderr.startswith("llmcards: error: no deck named 'Nope'")
        and "Traceback" not in result.stderr
    )


def test_optimize_with_little_history_says_how_much_more_and_keeps_defaults(
    hand_checked: Path,
) -> None:
    result = llmcards("--db", str(hand_checked), "optimize")
    assert result.exit_code == 0, result.stderr
    assert (
        "Not enough history" in result.stdout and "400" in result.stdout and "more" in result.stdout
    )
    data = llmcards("--db", str(hand_checked), "optimize", "--json").json()
    assert (
        data["enough"] is False
        and data["saved"] is False
        and data["missing"] == 400 - data["cross_day_reviews"]
    )
    assert llmcards("config", "fsrs_parameters", "--json").json() == {"fsrs_parameters": []}


def test_optimize_saves_better_parameters_once(synthetic: Path) -> None:
    evaluated = llmcards("--db", str(synthetic), "optimize", "--evaluate", "--json").json()
    assert evaluated["improved"] is True and evaluated["saved"] is False
    assert llmcards("config", "fsrs_parameters", "--json").json() == {"fsrs_parameters": []}

    result = llmcards("--db", str(synthetic), "optimize")
    assert result.exit_code == 0, result.stderr
    assert (
        "held out: the latest " in result.stdout and "Saved the fitted parameters" in result.stdout
    )
    held = evaluated["held_out"]
    assert f"the latest {held['tested']:,} reviews since {held['since']}" in result.stdout
    assert f"fitted on the {held['trained']:,} before" in result.stdout
    # kept in the database, not in the settings file
    assert llmcards("config", "fsrs_parameters", "--json").json() == {"fsrs_parameters": []}
    second = llmcards("--db", str(synthetic), "optimize", "--json").json()
    assert second["improved"] is False and second["saved"] is False
    assert second["current_parameters"] == evaluated["fitted_parameters"]


def test_optimize_reschedule_needs_yes_without_a_terminal(synthetic: Path) -> None:
    refused = llmcards("--db", str(synthetic), "optimize", "--reschedule", "--json")
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert llmcards("config", "fsrs_parameters", "--json").json() == {"fsrs_parameters": []}
    done = llmcards("--db", str(synthetic), "optimize", "--reschedule", "--yes", "--json").json()
    assert done["saved"] is True and done["rescheduled"] == {"rescheduled": 400, "skipped": 0}


def test_optimize_simulate_shows_the_workload_of_each_retention(hand_checked: Path) -> None:
    data = llmcards("--db", str(hand_checked), "optimize", "--simulate", "--json").json()
    retentions = [p["desired_retention"] for p in data["workload"]]
    assert retentions == sorted(retentions) and 0.9 in retentions
    reviews = [p["reviews_per_day"] for p in data["workload"]]
    assert reviews[0] < reviews[-1]
    shown = llmcards("--db", str(hand_checked), "optimize", "--simulate")
    assert "Workload over a year" in shown.stdout and "◂ 90%" in shown.stdout


def test_stats_on_a_new_collection_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")
    result = llmcards("--db", str(tmp_path / "new.db"), "stats")
    assert result.exit_code == 0, result.stderr
    assert "No reviews yet" in result.stdout and "streak 0 days" in result.stdout
    assert "Hardest cards" not in result.stdout


def test_the_heatmap_fits_a_narrow_terminal_with_its_latest_weeks(
    hand_checked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.cells import cell_len

    def rows(out: str) -> list[str]:
        """The heatmap's seven weekday rows, cells only (no labels, no border)."""
        lines = out.splitlines()
        mon = next(i for i, line in enumerate(lines) if "Mon " in line)
        return [line.strip("│ ")[4:].rstrip() for line in lines[mon : mon + 7]]

    wide = llmcards("--db", str(hand_checked), "stats").stdout
    monkeypatch.setenv("COLUMNS", "40")
    narrow = llmcards("--db", str(hand_checked), "stats").stdout
    lines = narrow.splitlines()
    top = next(i for i, line in enumerate(lines) if "Reviews in the last year" in line)
    panel = lines[top : top + 11]  # title, months, seven weekdays, legend, bottom border
    assert panel[-1].startswith("╰") and max(cell_len(line) for line in panel) <= 40
    assert [line.count("Mon ") for line in lines if "Mon " in line] == [1]
    # The latest weeks are the ones kept: this week's reviews show in both.
    assert [row[-8:] for row in rows(narrow)] == [row[-8:] for row in rows(wide)]
    assert len(rows(narrow)[0]) < len(rows(wide)[0])


def test_side_by_side_panels_stack_in_a_narrow_terminal(
    hand_checked: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = llmcards("--db", str(hand_checked), "stats").stdout
    monkeypatch.setenv("COLUMNS", "40")
    narrow = llmcards("--db", str(hand_checked), "stats").stdout
    # Squeezed side by side, the retention table's labels were cut to "Ye…", "La…".
    for out in (wide, narrow):
        assert "Yesterday" in out and "Last 7 days" in out and "relearning" in out
    both = [line for line in wide.splitlines() if "Cards" in line and "True retention" in line]
    assert both  # side by side where they fit
    assert not [line for line in narrow.splitlines() if "─╮  ╭─" in line]  # stacked here
