"""`llmcards config`: show all settings, one, or set one."""

from __future__ import annotations

import os
from pathlib import Path

from tests.clihelp import llmcards


def test_shows_every_setting_and_the_file() -> None:
    result = llmcards("config")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"# {os.environ['LLMCARDS_CONFIG']} (not created yet: all defaults)"
    assert "desired_retention = 0.9" in lines and 'learning_steps = ["1m", "10m"]' in lines
    assert "rollover_hour = 4" in lines and "new_per_day = 20" in lines and "fuzz = true" in lines


def test_set_then_show_one_and_it_is_used() -> None:
    assert llmcards("config", "desired_retention", "0.85").stdout == "desired_retention = 0.85\n"
    assert (
        llmcards("config", "learning_steps", "1m 5m 30m").stdout
        == 'learning_steps = ["1m", "5m", "30m"]\n'
    )
    assert llmcards("config", "desired_retention").stdout == "desired_retention = 0.85\n"
    text = Path(os.environ["LLMCARDS_CONFIG"]).read_text()
    assert "desired_retention = 0.85" in text
    assert llmcards("config", "--json").json()["settings"]["learning_steps"] == ["1m", "5m", "30m"]


def test_bad_values_are_one_line_errors_and_change_nothing() -> None:
    llmcards("config", "new_per_day", "30")
    for args, fragment in [
        (("config", "desired_retention", "1.5"), "outside 0.70–0.99"),
        (("config", "rollover_hour", "25"), "not an hour"),
        (("config", "new_per_day", "many"), "not a valid int"),
        (("config", "learning_steps", "soon"), "not a duration"),
        (("config", "colour", "red"), "unknown setting 'colour'"),
        (("config", "colour"), "unknown setting 'colour'"),
    ]:
        result = llmcards(*args)
        assert result.exit_code == 1, args
        assert fragment in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert llmcards("config", "new_per_day").stdout == "new_per_day = 30\n"
