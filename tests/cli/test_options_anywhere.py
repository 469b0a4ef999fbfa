"""`--db` and `--json` go before or after the command name, as the README promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmcards.cli.anywhere import hoist
from llmcards.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    "order",
    [
        ("import", "{notes}", "--db", "{db}", "--json"),
        ("--db", "{db}", "import", "{notes}", "--json"),
        ("--db", "{db}", "--json", "import", "{notes}"),
        ("--json", "import", "{notes}", "--db={db}"),
    ],
)
def test_import_takes_db_and_json_on_either_side(
    tmp_path: Path, notes: Path, order: tuple[str, ...]
) -> None:
    db = tmp_path / "chosen.db"
    args = [a.format(notes=notes / "learning.md", db=db) for a in order]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["new"] == 5
    assert db.exists()  # the cards went to the database named after the command
    listed = invoke("cards", "--db", str(db), "--json")
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 5


def test_db_after_a_subcommand_of_a_group(tmp_path: Path, notes: Path) -> None:
    db = tmp_path / "x.db"
    assert invoke("import", str(notes / "learning.md"), "--db", str(db)).exit_code == 0
    out = tmp_path / "deck.csv"
    result = invoke("export", "csv", str(out), "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    assert out.exists() and json.loads(result.stdout)


def test_json_before_a_command_without_json_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--json", "backup", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "--json" in result.output


def test_words_after_double_dash_stay_where_they_are() -> None:
    assert hoist(["import", "--", "--db", "x"]) == ["import", "--", "--db", "x"]
    assert hoist(["import", "a.md", "--db", "x.db"]) == ["--db", "x.db", "import", "a.md"]
