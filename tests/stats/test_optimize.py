"""Fitting FSRS parameters to a review log, judging them, and rescheduling with them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from llmcards import clock
from llmcards.config import Settings
from llmcards.stats.optimize import (
    HELD_OUT,
    MIN_REVIEWS,
    default_parameters,
    optimize,
    parameters_text,
    split_point,
)
from llmcards.store.models import LEARNING, NEW, REVIEW
from tests.stats.history import (
    CARD,
    LOG,
    add_review,
    history_of,
    make_collection,
    synthetic_collection,
)


def pairs(item: object) -> list[tuple[int, int]]:
    """(rating, delta_t) of each review in an FSRSItem (the binding exposes only its repr)."""
    return [(int(r), int(d)) for r, d in re.findall(r"rating: (\d+), delta_t: (\d+)", repr(item))]


@pytest.fixture
def synthetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """~5,500 reviews of 400 cards over 120 days, scheduled with the defaults."""
    monkeypatch.setenv("LLMCARDS_NOW", "2026-05-01T12:00:00+08:00")
    db = synthetic_collection(tmp_path / "cards.db")
    yield db
    db.close()


def test_fitted_parameters_predict_held_out_reviews_at_least_as_well_as_defaults(synthetic) -> None:
    history = history_of(synthetic)
    assert history.cross_day_reviews > 3 * MIN_REVIEWS and history.cards == 400
    result = optimize(history, Settings())
    assert result.enough and result.fitted_parameters is not None
    assert len(result.fitted_parameters) == 21 and result.fitted_parameters != default_parameters()
    held = result.held_out
    assert held is not None and held.tested + held.trained == history.cross_day_reviews
    assert (
        abs(held.tested - HELD_OUT * history.cross_day_reviews) < 0.05 * history.cross_day_reviews
    )
    assert held.fitted.log_loss <= held.current.log_loss
    assert held.fitted.rmse_bins <= held.current.rmse_bins
    assert result.fitted_all is not None and result.current_all is not None
    assert result.fitted_all.log_loss < result.current_all.log_loss
    assert result.improved
    # The learner forgets new cards faster than the defaults say; the fit finds that out.
    assert result.fitted_parameters[2] < default_parameters()[2]


def test_fitted_parameters_are_accepted_by_settings_and_py_fsrs(synthetic, tmp_path: Path) -> None:
    from fsrs import Scheduler

    from llmcards.config import load_settings
    from llmcards.config_edit import save_setting

    result = optimize(history_of(synthetic), Settings())
    assert result.fitted_parameters is not None
    saved = save_setting("fsrs_parameters", parameters_text(result.fitted_parameters))
    assert saved.fsrs_parameters == result.fitted_parameters == load_settings().fsrs_parameters
    Scheduler(parameters=tuple(saved.fsrs_parameters))  # raises when a parameter is out of bounds


def test_parameters_already_fitted_are_not_replaced_by_a_refit(synthetic) -> None:
    history = history_of(synthetic)
    first = optimize(history, Settings())
    again = optimize(history, Settings(fsrs_parameters=first.fitted_parameters or []))
    assert not again.improved


def test_items_are_cross_day_reviews_with_study_day_gaps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")
    db, ids = make_collection(tmp_path / "c.db", {"NLP": ["A", "B", "C"]})
    with db.write() as conn:
        add_review(conn, ids["A"], "2026-11-10 10:00", 1, NEW)
        add_review(conn, ids["A"], "2026-11-10 10:01", 3, LEARNING)
        add_review(conn, ids["A"], "2026-11-11 03:00", 3, REVIEW)  # before rollover: still the 10th
        add_review(conn, ids["A"], "2026-11-11 20:00", 3, REVIEW)  # 1 day later
        add_review(conn, ids["A"], "2026-11-15 09:00", 1, REVIEW)  # 4 days later
        add_review(conn, ids["B"], "2026-11-12 10:00", 3, REVIEW)  # no first rating: unusable
        add_review(conn, ids["B"], "2026-11-14 10:00", 3, REVIEW)
        add_review(conn, ids["C"], "2026-11-21 10:00", 4, NEW)  # one review: nothing to predict
    history = history_of(db)
    db.close()
    assert history.cards == 2 and history.reviews == 8
    assert [pairs(i) for i in history.items] == [
        [(1, 0), (3, 0), (3, 0), (3, 1)],
        [(1, 0), (3, 0), (3, 0), (3, 1), (1, 4)],
    ]
    assert [str(d) for d in history.item_days] == ["2026-11-11", "2026-11-15"]


def test_too_little_history_keeps_defaults_and_says_how_much_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")
    db, ids = make_collection(tmp_path / "c.db", {"NLP": ["A"]})
    empty = optimize(history_of(db), Settings())
    assert not empty.enough and empty.missing == MIN_REVIEWS and empty.fitted_parameters is None
    assert not empty.improved and empty.current_parameters == default_parameters()
    with db.write() as conn:
        add_review(conn, ids["A"], "2026-11-01 10:00", 3, NEW)
        add_review(conn, ids["A"], "2026-11-03 10:00", 3, REVIEW)
        add_review(conn, ids["A"], "2026-11-09 10:00", 3, REVIEW)
    few = optimize(history_of(db), Settings())
    db.close()
    assert few.cross_day_reviews == 2 and few.missing == MIN_REVIEWS - 2 and few.held_out is None


def test_held_out_items_are_the_latest_fifth_cut_between_days(synthetic) -> None:
    history = history_of(synthetic)
    days, count = history.days, history.cross_day_reviews
    cut = split_point(days)
    assert cut is not None and abs((count - cut) - HELD_OUT * count) < 0.05 * count
    assert max(days[:cut]) < min(
        days[cut:]
    )  # every held-out review is later than every training one
    result = optimize(history, Settings())
    assert result.held_out is not None and result.held_out.trained == cut
    assert result.held_out.since == history.item_days[cut]


def test_split_point_keeps_each_day_on_one_side() -> None:
    assert split_point([1] * 8 + [2, 2]) == 8
    assert (
        split_point([1, 2, 2, 2, 2, 2, 2, 2, 2, 3]) == 9
    )  # the boundary nearest to the last fifth
    assert split_point([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]) == 9
    assert split_point([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) is None  # one day: nothing to hold out
    assert split_point([]) is None


def test_reviews_all_due_on_one_day_are_judged_on_everything_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.clihelp import llmcards

    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-22T09:30:00+08:00")
    fronts = [f"术语 {i}" for i in range(MIN_REVIEWS)]
    db, ids = make_collection(tmp_path / "c.db", {"NLP": fronts})
    with db.write() as conn:
        for n, front in enumerate(fronts):
            add_review(conn, ids[front], "2026-11-01 10:00", 3, NEW)
            add_review(conn, ids[front], "2026-11-05 10:00", 1 if n % 3 == 0 else 3, REVIEW)
    history = history_of(db)
    db.close()
    assert history.cross_day_reviews == MIN_REVIEWS and split_point(history.days) is None
    result = optimize(history, Settings())
    assert result.enough and result.held_out is None and result.fitted_parameters is not None
    assert result.current_all is not None and result.fitted_all is not None
    shown = llmcards("--db", str(tmp_path / "c.db"), "optimize", "--evaluate")
    assert shown.exit_code == 0, shown.stderr
    assert (
        "held out: none (all reviews on one day)" in shown.stdout and "all reviews" in shown.stdout
    )
    assert (
        llmcards("--db", str(tmp_path / "c.db"), "optimize", "--evaluate", "--json").json()[
            "held_out"
        ]
        is None
    )


def test_reschedule_replays_history_and_keeps_the_log(synthetic) -> None:
    from llmcards.stats.reschedule import reschedule_cards

    result = optimize(history_of(synthetic), Settings())
    with synthetic.read() as conn:
        before = dict(
            conn.execute(select(CARD.c.id, CARD.c.stability).where(CARD.c.state != NEW)).all()
        )
        log_rows = conn.execute(select(func.count()).select_from(LOG)).scalar()
    assert result.fitted_parameters is not None
    with synthetic.write() as conn:
        report = reschedule_cards(
            conn, result.fitted_parameters, Settings(fuzz=False), now=clock.now()
        )
    with synthetic.read() as conn:
        after = dict(
            conn.execute(select(CARD.c.id, CARD.c.stability).where(CARD.c.state != NEW)).all()
        )
        assert conn.execute(select(func.count()).select_from(LOG)).scalar() == log_rows
    assert report.rescheduled == len(before) == 400 and report.skipped == 0
    # The fitted learner forgets faster: most cards end up with a smaller stability.
    smaller = sum(after[i] < before[i] for i in before)
    assert smaller > 0.7 * len(before)


def test_parameters_text_round_trips() -> None:
    assert parameters_text([0.212, 1.0, 0.0, 12.5]) == "0.212,1,0,12.5"


def test_fsrs5_parameters_in_the_config_are_a_one_line_error(tmp_path: Path) -> None:
    from llmcards.config import load_settings
    from llmcards.errors import UserError

    config = tmp_path / "config.toml"
    config.write_text(f"fsrs_parameters = {default_parameters()[:19]}\n")
    with pytest.raises(UserError, match=r"fsrs_parameters has 19 numbers, not 21 \(FSRS-6\)"):
        load_settings(config)
