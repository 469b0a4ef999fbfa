"""Issue 11 item 10: every card reads on its own."""

from __future__ import annotations

from llmcards.notes import parse_note

from .helpers import FIXTURES, fronts

NOTE = parse_note((FIXTURES / "short_fronts.md").read_text(encoding="utf-8"))


def _contexts(front: str) -> list[str]:
    return [c.context for c in NOTE.cards if c.front == front]


def test_short_generic_front_takes_its_nearest_heading_as_context() -> None:
    assert _contexts("Typical ranges") == ["Rank (r)"]
    assert _contexts("作用") == ["Rank (r)", "Alpha"]


def test_long_or_question_fronts_and_fronts_with_context_keep_theirs() -> None:
    assert _contexts("Low-rank adaptation of the attention projection matrices") == [""]
    assert _contexts("为什么 alpha 通常设为 2r？经验值，兼顾稳定和收敛速度") == []  # no separator
    group = parse_note("# 训练\n\n- [X] 3 [LoRA 精读](https://x.org)\n  - 作用：省显存\n")
    assert [c.context for c in group.cards] == ["LoRA 精读"]


def test_question_heading_loses_its_section_number() -> None:
    assert "为什么需要 PEFT？" in fronts(NOTE)
    assert "QLoRA 和 LoRA 的区别？" in fronts(NOTE)
    assert not any(f.startswith(("2.", "（3）")) for f in fronts(NOTE))


def test_a_front_that_is_its_heading_takes_no_context() -> None:
    # Under `## LSTM`, the card `LSTM` is already about LSTM: `LSTM › LSTM` says it twice.
    note = parse_note("# RNN 家族\n\n## LSTM\n\n1. LSTM：长短期记忆网络\n2. 作用：解决长程依赖\n")
    assert [(c.front, c.context) for c in note.cards] == [
        ("LSTM", ""),
        ("作用", "LSTM"),
    ]
    shouted = parse_note("## Dropout\n\n- dropout：随机丢弃神经元\n")
    assert [c.context for c in shouted.cards] == [""]
