"""Rules 7–10: lead-in context, bold-label paragraphs, table rows, mixed groups.
They add cards and context and change no card that rules 1–6 make."""

from __future__ import annotations

from llmcards.notes import parse_note

from .helpers import FIXTURES, card, fronts, skipped

TEXT = (FIXTURES / "beyond_lists.md").read_text(encoding="utf-8")
NOTE = parse_note(TEXT)


def test_lead_in_paragraph_is_the_context_of_the_list_after_it() -> None:
    assert card(NOTE, "数据准备").context == "下面是一般的微调步骤"
    assert card(NOTE, "模型选择").context == "下面是一般的微调步骤"
    assert card(NOTE, "独立同分布").context == "隐形假设"
    assert card(NOTE, "Input").context == "Model"  # <u>Model:</u>, tags dropped


def test_lead_in_sits_outside_a_group_head() -> None:
    note = parse_note("优缺点如下：\n\n- 优点\n  - 显存：占用更少\n")
    assert card(note, "显存").context == "优缺点如下 › 优点"


def test_lead_in_needs_the_list_right_after_it() -> None:
    note = parse_note("下面是步骤：\n\n中间隔了一段话。\n\n- 步骤一：准备数据\n")
    assert card(note, "步骤一").context == ""


def test_bold_label_paragraph_is_a_definition() -> None:
    assert card(NOTE, "多路径生成").back == "对同一问题采样多条推理路径，再用多数投票选出答案。"
    assert card(NOTE, "痛点定义").back == "RNN 无法并行计算，长序列训练很慢"
    assert skipped(NOTE, "只有链接： https://example.com/paper").category == "only-links"
    assert "LoRA" not in fronts(NOTE)  # a bold term inside a sentence is no label


def test_bold_label_inside_an_item_stays_part_of_its_answer() -> None:
    note = parse_note("- Attention\n\n  **多头：** 并行多组注意力\n")
    assert fronts(note) == ["Attention"]


def test_table_rows_are_cards_with_the_header_as_context() -> None:
    memory = card(NOTE, "显存占用")
    assert memory.context == "Feature | LoRA | QLoRA"
    assert memory.back == "| LoRA | QLoRA |\n| --- | --- |\n| 中等 | 很低，4-bit 量化 |"
    assert memory.deck[-1] == "方法对比"
    assert card(NOTE, "训练速度").back.endswith("| 快 | 稍慢，需要反量化 |")


def test_table_rows_passed_over_are_reported() -> None:
    assert skipped(NOTE, "1").reason.startswith("table row")
    assert skipped(NOTE, "论文").category == "only-links"
    assert "不成卡片" not in fronts(NOTE) and "只有一列" not in fronts(NOTE)


def test_mixed_group_statements_make_one_more_card() -> None:
    review = card(NOTE, "LoRA 论文精读")
    assert review.back == (
        "- 作者认为预训练模型的权重更新本身就是低秩的，所以只训练很少的参数也足够。\n"
        "- 实验只在 GPT-3 上做，对更小的模型是否有效还不清楚。"
    )
    assert card(NOTE, "低秩分解").context == "LoRA 论文精读"  # rule 2 unchanged
    assert skipped(NOTE, "秩 r").category == "term"  # terms stay "never explained"
    assert not any(s.text.startswith("作者认为") for s in NOTE.skipped)


def test_rules_1_to_6_cards_are_unchanged() -> None:
    plain_list = (
        "- 数据准备：收集与任务相关的标注数据\n- 模型选择：选一个合适的预训练模型 backbone\n"
    )
    before = parse_note(plain_list).cards
    after = [c for c in NOTE.cards if c.front in ("数据准备", "模型选择")]
    assert [(c.front, c.back) for c in before] == [(c.front, c.back) for c in after]
