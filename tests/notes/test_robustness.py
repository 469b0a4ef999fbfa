"""Hostile input never raises: deep nesting, unclosed fences, huge lines, garbage."""

from __future__ import annotations

import random

from llmcards.notes import parse_note

from .helpers import fronts


def test_lists_nested_600_deep() -> None:
    text = (
        "".join("  " * depth + f"- 第 {depth} 层\n" for depth in range(600))
        + "  " * 600
        + "- 最深：答案\n"
    )
    note = parse_note(text)
    assert fronts(note) == ["最深"]
    assert note.cards[0].context.count(" › ") >= 10  # every level is a group around it


def test_ordered_lists_nested_deep_with_definitions() -> None:
    text = "".join("   " * depth + f"1. 概念{depth}：解释{depth}\n" for depth in range(500))
    note = parse_note(text)
    assert fronts(note) == ["概念0"]  # everything below is part of its answer


def test_blockquotes_nested_deep() -> None:
    assert parse_note(">" * 1000 + " - a：b\n").cards is not None


def test_unclosed_code_fence() -> None:
    note = parse_note("- 前：后\n\n```python\n- 不是：卡片\n# 也不是标题\n")
    assert fronts(note) == ["前"]


def test_unclosed_fence_inside_an_item() -> None:
    note = parse_note("- 代码：示例\n  ```\n  x = 1\n- 下一个：项\n")
    assert note.cards[0].front == "代码"


def test_ten_thousand_headings() -> None:
    text = "".join(f"{'#' * (i % 6 + 1)} 标题 {i}\n- 概念{i}：解释\n" for i in range(10_000))
    note = parse_note(text)
    assert len(note.cards) == 10_000
    assert note.cards[-1].deck[-1] == "标题 9999"


def test_fifty_megabyte_single_line() -> None:
    line = "很长的一行：" + "数据" * (50 * 1024 * 1024 // 6)
    note = parse_note("- " + line + "\n")
    assert note.skipped or note.cards


def test_garbage_without_nul() -> None:
    rng = random.Random(7)
    alphabet = "-*+#>`[]()!:：{}<>|\\\"'“”\n \t1.2)abc中文{{c1::x}}::<sub></a>"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(400)))
        parse_note(text)


def test_empty_and_blank() -> None:
    for text in ("", "\n\n", "   ", "---\n---\n"):
        note = parse_note(text)
        assert note.cards == [] and note.skipped == []
