"""Command-line input that ended in a traceback (issue 16's list): card ids past 64 bits,
answer times past any clock, a clock in year 9999, config files that are UTF-16 or hold
numbers past SQLite's integers, FSRS-5's 19 parameters, and `%` in a search."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.clihelp import llmcards
from tests.hostile.helpers import assert_one_line_error, make_db, rows


def test_a_card_id_past_64_bits(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    before = rows(db)
    for card in (str(2**63), str(2**64 + 5)):
        assert_one_line_error(llmcards("--db", str(db), "rate", card, "good"), "no card")
    assert_one_line_error(llmcards("--db", str(db), "suspend", str(2**63)), "no card")
    assert rows(db) == before


def test_an_answer_time_past_any_clock_then_stats(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    card = str(llmcards("--db", str(db), "cards", "--json").json()[0]["id"])
    before = rows(db)
    for taken in (str(2**63 - 1), "-5"):
        assert_one_line_error(
            llmcards("--db", str(db), "rate", card, "good", "--duration-ms", taken),
            "--duration-ms",
        )
    assert rows(db) == before
    assert llmcards("--db", str(db), "rate", card, "good", "--duration-ms", "4200").exit_code == 0
    assert llmcards("--db", str(db), "stats").exit_code == 0


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_a_clock_at_the_end_of_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    db = make_db(tmp_path)
    monkeypatch.setenv("LLMCARDS_NOW", moment)
    for command in (["due"], ["decks"], ["stats"]):
        assert_one_line_error(llmcards("--db", str(db), *command), "LLMCARDS_NOW", "years")


def _config() -> Path:
    path = Path(os.environ["LLMCARDS_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_a_utf16_config_file(tmp_path: Path) -> None:
    db = make_db(tmp_path)
    _config().write_text("new_per_day = 30\n", encoding="utf-16")
    assert_one_line_error(llmcards("--db", str(db), "due"), "config.toml", "UTF-8")


@pytest.mark.parametrize(
    ("key", "value", "needles"),
    [
        ("new_per_day", "99999999999999999999", ["new_per_day", "more than"]),
        ("reviews_per_day", str(2**63), ["reviews_per_day"]),
        ("maximum_interval", "10000000", ["maximum_interval"]),
        ("fsrs_parameters", ",".join(["0.5"] * 19), ["fsrs_parameters", "19", "21"]),
        ("fsrs_parameters", ",".join(["inf"] * 21), ["fsrs_parameters", "finite"]),
    ],
    ids=["new", "reviews", "interval", "fsrs19", "fsrs-inf"],
)
def test_config_values_past_what_works(
    tmp_path: Path, key: str, value: str, needles: list[str]
) -> None:
    db = make_db(tmp_path)
    assert_one_line_error(llmcards("config", key, value), *needles)
    # written by hand instead, every command says so in one line
    text = f"{key} = [{value}]\n" if key == "fsrs_parameters" else f"{key} = {value}\n"
    _config().write_text(text, encoding="utf-8")
    assert_one_line_error(llmcards("--db", str(db), "due"), key)


def test_search_percent_and_underscore_are_text(tmp_path: Path) -> None:
    db = make_db(
        tmp_path, "1. 增长率：提高了 50% 左右\n2. 变量名：snake_case 写法\n3. 其他：普通\n"
    )
    found = llmcards("--db", str(db), "cards", "--search", "%", "--json").json()
    assert [c["front"] for c in found] == ["增长率"]
    found = llmcards("--db", str(db), "cards", "--search", "_", "--json").json()
    assert [c["front"] for c in found] == ["变量名"]
