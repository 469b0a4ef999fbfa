"""The bundled decks are the first thing every new user studies: they must import cleanly.

Every `decks/*.md` is parsed with the real importer and must turn into cards with
nothing passed over, no duplicate fronts in one place, a cloze and a nested-list answer
in every file, and a card for each concept the seed notes name but never explain.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from llmcards.cards import ParsedNote

DECKS_DIR = Path(__file__).resolve().parents[1] / "decks"
DECK_FILES = sorted(DECKS_DIR.glob("*.md"))

MIN_TOTAL_CARDS = 150

# Concepts the seed notes name but never explain; each needs a card whose front names it
# (case-insensitive substring, so "Adam" matches "Adam（Adaptive Moment Estimation）").
REQUIRED_CONCEPTS = (
    "策略价值函数",
    "Actor-Critic",
    "策略梯度",
    "REINFORCE",
    "ON-POLICY",
    "OFF-POLICY",
    "epsilon-greedy",
    "经验回放",
    "target network",
    "softmax",
    "sigmoid",
    "GroupNorm",
    "LayerNorm",
    "BatchNorm",
    "Adam",
    "AdamW",
    "SGD",
    "tf-idf",
    "n-gram",
    "前向传播",
    "反向传播",
    "self-attention",
    "维特比算法",
    "XLA",
    "倒排索引",
    "BM25",
    "量化",
    "剪枝",
    "ONNX",
    "vector embeddings",
    "semantic search",
)

# A Markdown list item at the start of a line of the answer: "- x", "* x", "1. x", "2) x".
NESTED_LIST_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S", re.MULTILINE)


def _import_importer():
    try:
        from llmcards.notes import decode_note, parse_note
    except ImportError as exc:  # pragma: no cover - only while the importer is missing
        pytest.fail(f"the importer is not importable yet: {exc}")
    return decode_note, parse_note


def _decoded_text(path: Path) -> str:
    decode_note, _ = _import_importer()
    decoded = decode_note(path.read_bytes(), str(path))
    # Bundled decks are plain UTF-8 without a BOM: nothing for the user to be told about.
    assert decoded.encoding == "utf-8", (path.name, decoded.encoding)
    assert decoded.notice is None, (path.name, decoded.notice)
    return decoded.text


@cache
def _parsed(path: Path) -> ParsedNote:
    _, parse_note = _import_importer()
    return parse_note(_decoded_text(path), root=None, stem=path.stem)


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(DECKS_DIR.parent)}:{line}"


def test_deck_files_exist() -> None:
    assert 5 <= len(DECK_FILES) <= 7, [p.name for p in DECK_FILES]


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_nothing_is_passed_over(path: Path) -> None:
    note = _parsed(path)
    report = "\n".join(
        f"  {_where(path, s.line)}: [{s.category}] {s.reason}: {s.text!r}" for s in note.skipped
    )
    assert not note.skipped, f"{len(note.skipped)} item(s) passed over:\n{report}"


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_root_is_the_front_matter_title(path: Path) -> None:
    note = _parsed(path)
    assert note.root.startswith("入门："), note.root
    assert note.title == note.root
    for card in note.cards:
        assert card.deck[0] == note.root, (_where(path, card.line), card.deck)
        # Every card sits in a sub-deck made from a heading, never loose in the root.
        assert len(card.deck) >= 2, (_where(path, card.line), card.front)


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_every_card_has_a_front_and_an_answer(path: Path) -> None:
    for card in _parsed(path).cards:
        assert card.front.strip(), _where(path, card.line)
        assert card.back.strip(), (_where(path, card.line), card.front)


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_no_duplicate_fronts_in_one_place(path: Path) -> None:
    note = _parsed(path)
    counts = Counter((card.deck, card.context, card.front) for card in note.cards)
    dupes = {key: n for key, n in counts.items() if n > 1}
    assert not dupes, "duplicate (deck, context, front):\n" + "\n".join(
        f"  {'::'.join(deck)} | {context!r} | {front!r} ×{n}"
        for (deck, context, front), n in dupes.items()
    )


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_every_file_has_a_cloze(path: Path) -> None:
    clozes = [card for card in _parsed(path).cards if card.kind == "cloze"]
    assert clozes, f"{path.name} has no cloze card"
    for card in clozes:
        assert "[" in card.front and "{{c" not in card.front, (_where(path, card.line), card.front)
        assert "{{c" not in card.back, (_where(path, card.line), card.back)


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_every_file_has_a_nested_list_answer(path: Path) -> None:
    nested = [
        card
        for card in _parsed(path).cards
        if card.kind == "basic" and NESTED_LIST_LINE.search(card.back)
    ]
    assert nested, f"{path.name} has no card whose answer is a nested list"


def test_at_least_150_cards_in_total() -> None:
    counts = {path.name: len(_parsed(path).cards) for path in DECK_FILES}
    assert sum(counts.values()) >= MIN_TOTAL_CARDS, counts


@pytest.mark.parametrize("concept", REQUIRED_CONCEPTS)
def test_named_concept_has_a_card(concept: str) -> None:
    fronts = [
        card.front for path in DECK_FILES for card in _parsed(path).cards if card.kind == "basic"
    ]
    assert any(concept.casefold() in front.casefold() for front in fronts), (
        f"no card front names {concept!r}"
    )
