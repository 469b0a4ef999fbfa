"""Issue 11 item 5: cards worth a second look are listed, never dropped."""

from __future__ import annotations

from pathlib import Path

from llmcards.notes import parse_note
from tests.clihelp import llmcards

from .helpers import FIXTURES, fronts

PATH = FIXTURES / "second_look.md"
NOTE = parse_note(PATH.read_text(encoding="utf-8"))


def _kinds(front: str) -> list[str]:
    return [w.kind for w in NOTE.warnings if w.front == front]


def test_same_front_twice_in_one_deck_and_context_is_a_duplicate() -> None:
    assert fronts(NOTE).count("缩放") == 3  # all still cards
    duplicates = [w for w in NOTE.warnings if w.kind == "duplicate"]
    assert [(w.front, w.line) for w in duplicates] == [("缩放", 6)]  # not the other deck's


def test_sentence_fragment_fronts_and_long_answers() -> None:
    assert _kinds("计算步骤包括") == ["fragment"]
    assert _kinds("Multi-Head 的作用，比如") == ["fragment"]
    assert _kinds("LoRA 原理") == ["long-answer"]


def test_import_json_lists_the_warnings_and_the_summary_shows_them(tmp_path: Path) -> None:
    db = str(tmp_path / "cards.db")
    result = llmcards("--db", db, "import", str(PATH), "--json")
    assert result.exit_code == 0, result.stderr
    warnings = result.json()["warnings"]
    assert {(w["front"], w["kind"]) for w in warnings} == {
        ("缩放", "duplicate"),
        ("计算步骤包括", "fragment"),
        ("Multi-Head 的作用，比如", "fragment"),
        ("LoRA 原理", "long-answer"),
    }
    assert all(w["file"] == str(PATH) and w["line"] > 0 for w in warnings)
    shown = llmcards("--db", str(tmp_path / "other.db"), "import", str(PATH), "--dry-run")
    assert "4 cards worth a second look" in shown.stdout
    assert "second_look.md:6 缩放" in shown.stdout


def test_a_paper_cited_et_al_is_no_fragment_but_a_sentence_still_is() -> None:
    note = parse_note(
        "## 论文\n\n"
        '- ["Attention is All You Need" by Vaswani et al. (2017)](https://arxiv.org/abs/1706.03762)\n'
        "  提出 Transformer：完全基于注意力机制的编码器-解码器结构。\n"
        "- 为什么要缩放. 因为点积太大：softmax 会进入梯度很小的区域\n"
    )
    assert fronts(note) == [
        '"Attention is All You Need" by Vaswani et al. (2017)',
        "为什么要缩放. 因为点积太大",
    ]
    assert [(w.front, w.kind) for w in note.warnings] == [
        ("为什么要缩放. 因为点积太大", "fragment")
    ]


def test_a_cloze_is_a_sentence_by_design_and_never_a_fragment() -> None:
    note = parse_note(
        "## Transformer\n\n"
        "{{c1::Transformer}} 完全基于 {{c2::注意力::机制}}，不用循环。\n\n"
        "- 自注意力：每个词看句子里的所有词。\n"
        "- 注意力，比如：加权求和\n"
    )
    assert [c.kind for c in note.cards].count("cloze") == 2
    assert [(w.front, w.kind) for w in note.warnings] == [("注意力，比如", "fragment")]
