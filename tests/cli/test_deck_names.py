"""Root deck names spelled as Anki spells deck names (`cards.normal_deck`): no blank
parts, no white space around a part, from --deck or a front matter title alike."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from llmcards import notes
from llmcards.importing import files
from tests.clihelp import llmcards

MODEL_NOTE = "# 模型\n\n- Dropout：随机失活\n- Adam：自适应矩估计\n"
STL_NOTE = '---\ntitle: "C++ :: STL"\n---\n# 容器\n\n- vector：动态数组\n'


def run(db: Path, *args: str):
    return llmcards("--db", str(db), *args)


def deck_names(db: Path) -> list[str]:
    result = run(db, "decks", "--json")
    assert result.exit_code == 0, result.stderr
    return [deck["name"] for deck in result.json()]


def deck_rows(db: Path) -> list[str]:
    """The deck table itself (`decks` also lists the parents a name implies)."""
    with sqlite3.connect(db) as con:
        return [name for (name,) in con.execute("SELECT name FROM deck ORDER BY name")]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("deck", ["::", "  ", " :: :: ", "", ":::"])
def test_a_deck_with_no_name_in_it_is_refused_in_one_line(
    db_path: Path, tmp_path: Path, deck: str
) -> None:
    daily = write(tmp_path, "daily.md", MODEL_NOTE)
    result = run(db_path, "import", str(daily), "--deck", deck)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "has no name in it" in lines[0] and "give a deck name" in lines[0]
    assert not db_path.exists()  # refused before anything was opened


def test_a_deck_with_blank_parts_and_spaces_is_normalized(db_path: Path, tmp_path: Path) -> None:
    daily = write(tmp_path, "daily.md", MODEL_NOTE)
    report = run(db_path, "import", str(daily), "--deck", "a::::b ", "--json").json()
    assert report["files"][0]["deck"] == "a::b" and report["new"] == 2
    assert deck_names(db_path) == ["a", "a::b", "a::b::模型"]
    sources = run(db_path, "sources", "--json").json()
    assert [(s["deck"], s["deck_option"]) for s in sources] == [("a::b", "a::b")]
    # The same deck typed either way is the same deck: no "imported under another deck".
    again = run(db_path, "import", str(daily), "--deck", " a :: b", "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["unchanged"] == 2
    # Colons at a part's ends go too, as in Anki (`a:::b` is a::b there, `b:` is b).
    for spelling in ("a:::b", "a::b:"):
        same = run(db_path, "import", str(daily), "--deck", spelling, "--json")
        assert same.exit_code == 0 and same.json()["unchanged"] == 2, same.stderr


def test_a_title_with_spaces_around_its_separator_nests_as_in_anki(
    db_path: Path, tmp_path: Path
) -> None:
    stl = write(tmp_path, "stl.md", STL_NOTE)
    report = run(db_path, "import", str(stl), "--json").json()
    assert report["files"][0]["deck"] == "C++::STL"
    assert deck_names(db_path) == ["C++", "C++::STL", "C++::STL::容器"]


def _import_as_before(monkeypatch: pytest.MonkeyPatch, db: Path, *args: str) -> None:
    """`llmcards import ARGS` as llmcards did it before root decks were normalized: the
    --deck and title kept as typed (only a --deck's outer spaces dropped)."""
    with monkeypatch.context() as before:
        before.setattr(files, "PARSER_VERSION", files.PARSER_VERSION - 1)
        before.setattr(files, "given_deck", lambda deck: deck)
        before.setattr(
            notes, "root_deck", lambda root, title, stem: (root or "").strip() or title or stem
        )
        result = run(db, "import", *args)
    assert result.exit_code == 0, result.stderr


def test_a_file_stored_under_an_old_spelling_keeps_its_cards(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stl = write(tmp_path, "stl.md", STL_NOTE)
    daily = write(tmp_path, "daily.md", MODEL_NOTE)
    _import_as_before(monkeypatch, db_path, str(stl))
    _import_as_before(monkeypatch, db_path, str(daily), "--deck", "a::::b ")
    old_names = ["C++ ", "C++ :: STL", "C++ :: STL::容器", "a", "a::", "a::::b", "a::::b::模型"]
    assert deck_names(db_path) == old_names  # blank and space-padded parts, as reported
    before = {c["front"]: c["id"] for c in run(db_path, "cards", "--json").json()}

    stl_again = run(db_path, "import", str(stl), "--json").json()
    daily_again = run(db_path, "import", str(daily), "--json").json()  # its deck remembered
    assert (stl_again["new"], stl_again["unchanged"], stl_again["retired"]) == (0, 1, 0)
    assert (daily_again["new"], daily_again["unchanged"], daily_again["retired"]) == (0, 2, 0)
    cards = run(db_path, "cards", "--json").json()
    assert {c["front"]: c["id"] for c in cards} == before  # the same cards, history and all
    assert {c["front"]: c["deck"] for c in cards} == {
        "vector": "C++::STL::容器",
        "Dropout": "a::b::模型",
        "Adam": "a::b::模型",
    }
    assert deck_names(db_path) == ["C++", "C++::STL", "C++::STL::容器", "a", "a::b", "a::b::模型"]
    assert deck_rows(db_path) == ["C++::STL", "C++::STL::容器", "a::b", "a::b::模型"]
    sources = run(db_path, "sources", "--json").json()
    assert {(s["deck"], s["deck_option"]) for s in sources} == {
        ("C++::STL", None),
        ("a::b", "a::b"),
    }


def test_an_old_spelling_joins_the_deck_of_the_new_one(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stl = write(tmp_path, "stl.md", STL_NOTE)
    _import_as_before(monkeypatch, db_path, str(stl))
    more = write(tmp_path, "more.md", "# 容器\n\n- deque：双端队列\n")
    assert run(db_path, "import", str(more), "--deck", "C++::STL").exit_code == 0
    vector = {c["front"]: c["id"] for c in run(db_path, "cards", "--json").json()}["vector"]

    report = run(db_path, "import", str(stl), "--json").json()
    assert (report["new"], report["unchanged"]) == (0, 1)
    cards = run(db_path, "cards", "--deck", "C++::STL::容器", "--json").json()
    ids = {c["front"]: c["id"] for c in cards}
    assert ids.keys() == {"vector", "deque"} and ids["vector"] == vector  # one deck for both
    assert deck_names(db_path) == ["C++", "C++::STL", "C++::STL::容器"]
    assert deck_rows(db_path) == ["C++::STL", "C++::STL::容器"]


def test_a_heading_with_a_double_colon_is_one_deck_not_two(tmp_path: Path) -> None:
    # `# std::vector 用法` in C++ notes: one heading, one deck (its `::` written `∷`).
    note = write(tmp_path, "cpp.md", "# std::vector 用法\n\n- push_back：尾部插入\n")
    db = tmp_path / "cards.db"
    assert run(db, "import", str(note)).exit_code == 0
    assert deck_names(db) == ["cpp", "cpp::std∷vector 用法"]
