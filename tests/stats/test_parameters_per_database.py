"""`llmcards optimize` keeps fitted parameters in the database they were fitted on, and
only when they predict reviews they were not fitted on better."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from llmcards.stats.optimize import Metrics, OptimizeResult, SplitEvaluation, default_parameters
from tests.clihelp import llmcards
from tests.stats.history import synthetic_collection


def _result(
    held_current: float, held_fitted: float, all_current: float, all_fitted: float
) -> OptimizeResult:
    fitted = [p * 1.01 for p in default_parameters()]
    return OptimizeResult(
        cross_day_reviews=5000,
        cards=400,
        current_parameters=default_parameters(),
        fitted_parameters=fitted,
        held_out=SplitEvaluation(Metrics(held_current, 0.05), Metrics(held_fitted, 0.05), 1000),
        current_all=Metrics(all_current, 0.05),
        fitted_all=Metrics(all_fitted, 0.05),
    )


def test_parameters_worse_on_held_out_reviews_are_not_kept() -> None:
    # better on the reviews they were fitted on, worse on the ones they were not
    assert not _result(0.30, 0.31, 0.30, 0.29).improved
    assert not _result(0.30, 0.29, 0.30, 0.31).improved
    assert _result(0.30, 0.29, 0.30, 0.29).improved


@pytest.fixture
def two_databases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-05-01T12:00:00+08:00")
    mine = tmp_path / "mine.db"
    synthetic_collection(mine).close()
    shutil.copy(mine, tmp_path / "other.db")  # the same reviews, never optimized
    return str(mine), str(tmp_path / "other.db")


def _current(db: str) -> list[float]:
    result = llmcards("--db", db, "optimize", "--evaluate", "--json")
    assert result.exit_code == 0, result.stderr
    return result.json()["current_parameters"]


def test_fitted_parameters_stay_with_their_database(two_databases: tuple[str, str]) -> None:
    mine, other = two_databases
    done = llmcards("--db", mine, "optimize", "--json").json()
    assert done["saved"] is True
    fitted = done["fitted_parameters"]
    assert _current(mine) == fitted
    assert _current(other) == default_parameters()  # another database is not touched
    assert llmcards("config", "fsrs_parameters", "--json").json() == {"fsrs_parameters": []}
    # rating uses the database's own parameters: the same card, rated alike, differs
    card = llmcards("--db", mine, "due", "--json").json()["cards"][0]["id"]
    here = llmcards("--db", mine, "rate", str(card), "good", "--json").json()
    there = llmcards("--db", other, "rate", str(card), "good", "--json").json()
    assert here["stability"] != pytest.approx(there["stability"])


def test_parameters_set_by_hand_in_the_settings_file_are_the_fallback(
    two_databases: tuple[str, str],
) -> None:
    mine, other = two_databases
    fitted = llmcards("--db", mine, "optimize", "--json").json()["fitted_parameters"]
    by_hand = [round(p * 0.98, 4) for p in default_parameters()]
    text = ",".join(str(p) for p in by_hand)
    assert llmcards("config", "fsrs_parameters", text).exit_code == 0
    assert _current(other) == pytest.approx(by_hand)  # no fitted ones: the file's
    assert _current(mine) == fitted  # its own fitted ones come first


def test_config_shows_the_parameters_in_effect_for_the_database_and_where_they_come_from(
    two_databases: tuple[str, str],
) -> None:
    mine, other = two_databases
    done = llmcards("--db", mine, "optimize", "--json").json()
    fitted, reviews = done["fitted_parameters"], done["cross_day_reviews"]
    shown = llmcards("--db", mine, "config", "--json").json()
    assert shown["settings"]["fsrs_parameters"] == []  # the file's own: none
    assert shown["fsrs_parameters_in_effect"] == {
        "database": mine,
        "source": "fitted",
        "fitted_at": "2026-05-01T04:00:00+00:00",
        "fitted_reviews": reviews,
        "parameters": fitted,
    }
    lines = llmcards("--db", mine, "config").stdout.splitlines()
    said = lines[lines.index("fsrs_parameters = []") + 1 :][:2]
    assert said[0] == (
        f"# In effect for {mine}: fitted to this database's reviews on 2026-05-01"
        f" from {reviews:,} reviews (llmcards optimize)"
    )
    assert said[1] == f"#   {json.dumps(fitted)}"

    one = llmcards("--db", other, "config", "--json").json()
    assert one["fsrs_parameters_in_effect"]["source"] == "default"
    assert one["fsrs_parameters_in_effect"]["parameters"] == default_parameters()
    by_hand = [round(p * 0.98, 4) for p in default_parameters()]
    llmcards("config", "fsrs_parameters", ",".join(str(p) for p in by_hand))
    text = llmcards("--db", other, "config", "fsrs_parameters").stdout
    assert f"# In effect for {other}: this settings file's fsrs_parameters" in text
    assert llmcards("--db", mine, "config", "--json").json()["fsrs_parameters_in_effect"][
        "parameters"
    ] == pytest.approx(fitted)  # its own fitted ones still come first
