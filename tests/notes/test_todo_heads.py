"""Issue 11 item 4 ("Not fronts"): a to-do marker is never a front."""

from __future__ import annotations

from llmcards.notes import parse_note

from .helpers import FIXTURES, card, fronts, skipped

NOTE = parse_note((FIXTURES / "todo_heads.md").read_text(encoding="utf-8"))


def test_todo_markers_make_no_card_and_are_reported_as_todos() -> None:
    for head in (
        "TODO: 精读各指标的作用",
        "待补充",
        "FIXME",
        "TBD：下周再整理 perplexity",
        "待办：",
    ):
        assert skipped(NOTE, head).category == "todo-list", head
    assert not {"TODO", "待补充", "FIXME", "TBD", "待办"} & set(fronts(NOTE))


def test_children_of_a_todo_head_are_looked_at_as_usual() -> None:
    assert card(NOTE, "BLEU").back == "基于 n-gram 精确率的机器翻译指标"
    assert card(NOTE, "ROUGE").context == "评估指标"  # its heading, never the to-do
    assert skipped(NOTE, "复现 MMLU 结果").category == "term"


def test_a_term_that_only_starts_like_a_marker_is_a_card() -> None:
    assert card(NOTE, "Todo list 应用").back == "一个练手的 CRUD 项目"


def test_a_bold_todo_label_is_reported_not_a_card() -> None:
    note = parse_note("# 计划\n\n**TODO：** 补充 RLHF 的三个阶段\n")
    assert note.cards == []
    assert skipped(note, "TODO： 补充 RLHF 的三个阶段").category == "todo-list"
