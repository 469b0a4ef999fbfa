"""`llmcards config`: show all settings, one, or set one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from fsrs import Scheduler

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
        (("config", "new_per_day", "many"), "not a whole number"),
        (("config", "learning_steps", "soon"), "not a duration"),
        (("config", "colour", "red"), "unknown setting colour"),
        (("config", "colour"), "unknown setting colour"),
        (("config", "new_per_day", "-3"), "'-3' is below 0"),  # a value, not an option
    ]:
        result = llmcards(*args)
        assert result.exit_code == 1, args
        assert fragment in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert llmcards("config", "new_per_day").stdout == "new_per_day = 30\n"


FSRS6 = list(Scheduler().parameters)


def config_file() -> Path:
    path = Path(os.environ["LLMCARDS_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('deck_limits."LLM::NLP".new_per_day = "many"', 'deck_limits."LLM::NLP".new_per_day'),
        ('keys = {"study.good" = 5}', 'keys."study.good" = 5 is not text'),
        (
            'keys = {"study.god" = "j"}',
            """keys."study.god" = 'j' names no binding (did you mean 'study.good'?);"""
            " rename or remove it in the file",
        ),
        (
            'keys = {"study.good" = "j", "study.again" = "j"}',
            """keys."study.good" = 'j' shares 'j' with study.again (on the study screen);"""
            " give one of them another key (`llmcards config keys.study.again KEY`)",
        ),
        ('keys = {"study.good" = "q"}', "shares 'q' with app.quit (on every screen)"),
        ('keys = {"app.help" = "s"}', "shares 's' with study.suspend (on the study screen)"),
        ('keys = {"study.good" = " "}', """keys."study.good" = ' ' gives it no key"""),
        ('keys = {"study.good" = "tab"}', "is Textual's own key ('tab' moves the focus"),
        ('keys = {"study.reveal" = "Enter"}', "'Enter' is no key name; write 'enter'"),
        ('keys = {"study.good" = "foobar"}', "'foobar' is no key name (keys are like j"),
        ('keys = {"study.good" = "ctlr+g"}', "'ctlr+g' is no key (ctlr is no modifier"),
        ('keys = {"home.stats" = "ctrl+p"}', "('ctrl+p' opens the command palette"),
        ("colour = 1", "unknown setting colour"),
        ("deck_limits.A.daily = 3", "unknown setting deck_limits.A.daily"),
        (f"fsrs_parameters = {[0.5] * 19}", "fsrs_parameters has 19 numbers, not 21"),
        (f"fsrs_parameters = {['0.5'] * 21}", "fsrs_parameters: item 1 ('0.5') is not a number"),
        (f"fsrs_parameters = {[*FSRS6[:20], 500.0]}", "number 21 (500.0) is outside"),
        ('desired_retention = "high"', "desired_retention = 'high' is not a number"),
        ("new_per_day = -1", "new_per_day = -1 is below 0"),
        ("fuzz = 1", "fuzz = 1 is not true or false"),
        ('learning_steps = ["1m", "soon"]', "'soon', which is not a duration"),
        ("rollover_hour = 24", "rollover_hour = 24 is not an hour"),
    ],
)
def test_a_wrong_value_in_the_file_is_one_line_naming_key_and_file(
    body: str, fragment: str, db_path: Path
) -> None:
    config_file().write_text(body + "\n")
    for command in (("due", "--db", str(db_path)), ("config",)):
        result = llmcards(*command)
        assert result.exit_code == 1, command
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        assert str(config_file()) in result.stderr and fragment in result.stderr, result.stderr


def test_nested_keys_are_set_shown_and_used() -> None:
    from llmcards.config import load_settings

    set_limit = llmcards("config", 'deck_limits."LLM::NLP".new_per_day', "30")
    assert set_limit.stdout == 'deck_limits."LLM::NLP".new_per_day = 30\n', set_limit.stderr
    # Unquoted, a deck name with `::` is still one deck.
    assert llmcards("config", "deck_limits.LLM::NLP.reviews_per_day", "50").exit_code == 0
    assert llmcards("config", "keys.study.good", "j").stdout == 'keys."study.good" = "j"\n'
    settings = load_settings()
    assert settings.limits_for("LLM::NLP") == (30, 50)
    assert settings.limits_for("LLM") == (20, 200)  # others keep the global limits
    assert settings.keys == {"study.good": "j"}
    assert '[deck_limits."LLM::NLP"]' in config_file().read_text()
    shown = llmcards("config", "--json").json()["settings"]
    assert shown["deck_limits"] == {"LLM::NLP": {"new_per_day": 30, "reviews_per_day": 50}}

    assert llmcards("config", "deck_limits.LLM::NLP.reviews_per_day", "").exit_code == 0
    assert load_settings().limits_for("LLM::NLP") == (30, 200)  # removed: back to the global
    assert llmcards("config", "keys.study.good", "").exit_code == 0
    assert "keys" not in config_file().read_text()


def test_bad_nested_values_are_refused_and_change_nothing() -> None:
    llmcards("config", "keys.study.good", "j")
    before = config_file().read_text()
    for args, fragment in [
        (("deck_limits.X.new_per_day", "many"), "deck_limits.X.new_per_day: 'many' is not a whole"),
        (("--", "deck_limits.X.new_per_day", "-3"), "is below 0"),
        (("deck_limits.X.daily", "3"), "unknown setting deck_limits.X.daily"),
        (("deck_limits.X", "3"), "deck_limits.X is a table"),
        (("keys", "j"), "keys is a table"),
        (
            ("keys.study.god", "j"),
            """keys."study.god" names no binding (did you mean 'study.good'?)""",
        ),
        (("keys.study.again", "j"), "'j' is already study.good's key (on the study screen)"),
        (("fsrs_parameters", "1 2 3"), "has 3 numbers, not 21"),
    ]:
        result = llmcards("config", *args)
        assert result.exit_code == 1, args
        assert fragment in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert config_file().read_text() == before


def test_the_listing_explains_each_key() -> None:
    lines = llmcards("config").stdout.splitlines()
    rollover = lines.index("rollover_hour = 4")
    assert lines[rollover - 1].startswith("# The hour (0–23, local time)")


def test_the_listing_shows_every_binding_id_with_its_keys() -> None:
    from llmcards.config import BINDING_IDS

    llmcards("config", "keys.study.good", "j")
    for args in (("config",), ("config", "keys")):
        lines = llmcards(*args).stdout.splitlines()
        assert "# Binding ids and their keys now; remap one with" in "\n".join(lines)
        assert "#   study.good         j  (default 3)" in lines
        assert "#   study.again        1" in lines and "#   app.quit           q" in lines
        assert all(any(f"#   {b} " in line for line in lines) for b in BINDING_IDS)
    assert llmcards("config", "keys").stdout.startswith('keys = {"study.good": "j"}\n')


def test_daily_limits_are_described_as_per_deck() -> None:
    lines = llmcards("config").stdout.splitlines()
    for key in ("new_per_day = 20", "reviews_per_day = 200"):
        doc = lines[lines.index(key) - 1]
        assert "each deck" in doc and "over all decks" not in doc, doc


def test_a_key_another_binding_of_the_screen_has_is_refused_and_nothing_written() -> None:
    assert llmcards("config", "keys.study.good", "j").exit_code == 0
    before = config_file().read_text()
    for args, message in [
        (
            ("keys.study.again", "j"),
            """keys."study.again": 'j' is already study.good's key (on the study screen);"""
            " give study.good another key first (`llmcards config keys.study.good KEY`)"
            " or choose another\n",
        ),
        (
            ("keys.study.good", "q"),  # the app's own keys work on every screen
            """keys."study.good": 'q' is already app.quit's key (on every screen);"""
            " give app.quit another key first (`llmcards config keys.app.quit KEY`)"
            " or choose another\n",
        ),
        (("keys.study.easy", "1, ?"), "'question_mark' is already app.help's key"),
        (("keys.app.quit", "escape"), "'escape' is already study.back's key"),
        (("keys.study.good", "space"), "'space' is already study.reveal's key"),
    ]:
        result = llmcards("config", *args)
        assert result.exit_code == 1, args
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert config_file().read_text() == before


def test_remaps_that_take_no_key_in_use_still_work() -> None:
    for key, value in [
        ("keys.home.study", "j"),  # `j` is study.good's, on another screen
        ("keys.study.again", "f"),
        ("keys.study.reveal", "k"),
        ("keys.study.answer_good", "k"),  # these two take turns on the one key
        ("keys.app.quit", "x"),  # freed by the advice of the refusal…
        ("keys.study.good", "q"),  # …`q` can rate Good
        ("keys.help.close", "x"),  # help is a dialog: the app's keys do not reach it
    ]:
        result = llmcards("config", key, value)
        assert result.exit_code == 0, result.stderr
    assert llmcards("config", "keys.study.good", "").exit_code == 0  # back to its 3
    from llmcards.config import load_settings

    assert load_settings().keys == {
        "home.study": "j",
        "study.again": "f",
        "study.reveal": "k",
        "study.answer_good": "k",
        "app.quit": "x",
        "help.close": "x",
    }


def test_putting_back_a_default_key_another_binding_took_is_refused() -> None:
    llmcards("config", "keys.study.good", "j")
    assert llmcards("config", "keys.study.again", "3").exit_code == 0
    result = llmcards("config", "keys.study.good", "")
    assert result.exit_code == 1
    assert "its default key '3' is already study.again's key" in result.stderr, result.stderr
    assert load_keys() == {"study.good": "j", "study.again": "3"}


def load_keys() -> dict[str, str]:
    from llmcards.config import load_settings

    return load_settings().keys


def test_an_unknown_binding_id_is_named_with_the_real_ones_it_may_mean() -> None:
    for args in (("keys.home.quit", "1"), ("keys.home.quit",)):
        result = llmcards("config", *args)
        assert result.exit_code == 1
        assert result.stderr.endswith(
            """keys."home.quit" names no binding (did you mean 'app.quit'?);"""
            " `llmcards config keys` lists them all\n"
        ), result.stderr
    # Never the advice to set the same wrong id.
    assert 'config keys."home.quit"' not in result.stderr
    assert not config_file().exists()
    result = llmcards("config", "keys.study.rat", "r")
    assert "did you mean 'study.stats' or 'study.reveal'?" in result.stderr, result.stderr


def test_a_settings_file_that_cannot_be_read_is_one_line_naming_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config_file()
    path.mkdir()  # a folder where the settings file goes
    said = (
        f"llmcards: error: {path} is a folder, not a settings file;"
        " point LLMCARDS_CONFIG at a TOML file\n"
    )
    for command in (("decks", "--db", str(db_path)), ("config",), ("config", "new_per_day", "3")):
        result = llmcards(*command)
        assert (result.exit_code, result.stderr) == (1, said), command
    # The same folder in the default place (no LLMCARDS_CONFIG): the fix is to clear the way.
    monkeypatch.delenv("LLMCARDS_CONFIG")
    assert path == Path(os.environ["XDG_CONFIG_HOME"]) / "llmcards" / "config.toml"
    result = llmcards("decks", "--db", str(db_path))
    assert (result.exit_code, result.stderr) == (
        1,
        f"llmcards: error: {path} is a folder, not a settings file; move or rename that"
        " folder: llmcards keeps its settings in a file of that name\n",
    )


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            b"new_per_day = 30 \xff\n",
            "not UTF-8 text (TOML must be UTF-8); save it as UTF-8 and run again",
        ),
        (
            b"new_per_day = = 30\n",
            "not valid TOML (Invalid value (at line 1, column 15)); fix or delete the file",
        ),
        (None, "cannot be read (Permission denied); check its permissions"),
    ],
    ids=["not-utf-8", "not-toml", "no-permission"],
)
def test_an_unreadable_settings_file_is_one_line_naming_it(
    content: bytes | None, said: str, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = config_file()
    path.write_bytes(content or b"new_per_day = 30\n")
    if content is None:  # as another user's file is (chmod stops no root, and CI runs as root)
        real_open = os.open

        def refused(name: Any, *args: Any, **kwargs: Any) -> int:
            if Path(name) == path:
                raise PermissionError(13, "Permission denied", str(name))
            return real_open(name, *args, **kwargs)

        monkeypatch.setattr(os, "open", refused)
    for command in (("due", "--db", str(db_path)), ("config",)):
        result = llmcards(*command)
        assert (result.exit_code, result.stderr) == (1, f"llmcards: error: {path}: {said}\n")


def test_a_key_given_on_the_command_line_is_refused_as_given_not_as_in_the_file() -> None:
    for value, why in [
        ("j k", "'j k' is no key name (keys are like j, 3, enter, space, escape, f5, ctrl+k)"),
        ("tab", "'tab' is Textual's own key ('tab' moves the focus on every screen)"),
        (" ", "' ' gives it no key"),
    ]:
        result = llmcards("config", "keys.study.good", value)
        assert (result.exit_code, result.stderr) == (
            1,
            f'llmcards: error: keys."study.good": {why}; nothing was changed\n',
        )
    assert not config_file().exists()  # nothing was written
    llmcards("config", "new_per_day", "30")
    before = config_file().read_text()
    result = llmcards("config", "keys.study.good", "j k")
    assert str(config_file()) not in result.stderr and "edit the file" not in result.stderr
    assert config_file().read_text() == before
