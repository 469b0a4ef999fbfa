"""Must-pass facts on the real notes in /work/shared/seeds (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcards.cards import ParsedNote
from llmcards.notes import decode_note, parse_note

from .helpers import SEEDS, card, fronts, skipped

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")


def _seed(prefix: str) -> ParsedNote:
    (path,) = [p for p in SEEDS.iterdir() if p.name.startswith(prefix)]
    return parse_note(decode_note(path.read_bytes(), str(path)).text, stem=Path(path).stem)


def test_all_seeds_parse() -> None:
    for path in sorted(SEEDS.iterdir()):
        note = parse_note(decode_note(path.read_bytes(), str(path)).text, stem=path.stem)
        assert note.cards, path.name


def test_learning_log_definitions() -> None:
    note = _seed("001_")
    lstm = card(note, "LSTM")
    assert "(units * (input_dim + units)  + units ) * 4" in lstm.back
    for gate in ("W_i", "b_i", "W_f", "b_f", "W_c", "b_c", "W_o", "b_o"):
        assert f"`{gate}`" in lstm.back
    assert "Total 参数数量为上述各项之和。" in lstm.back
    assert lstm.back.count("\n-   ") == 9  # the nested list, dedented to the top level
    assert card(note, "GRU 单元").back.startswith("reset_after=")
    assert card(note, "RNN").back.startswith("权重计算")
    assert card(note, "折扣回报 Discounted Return").back.startswith("从第t时刻状态开始")


def test_learning_log_terms_with_body() -> None:
    note = _seed("001_")
    vae = card(note, "VAE")
    assert "重参数化技巧" in vae.back
    assert "![image.png](" in vae.back
    seq = card(note, "seq2seq 优化技巧")
    assert seq.back.startswith("- 使用更加复杂度的 RNN 变体")


def test_dropout_keeps_its_bullets_when_numbering_resumes() -> None:
    dropout = card(_seed("001_"), "Dropout")
    assert dropout.back.startswith("正则化技术")
    assert "- 为何能解决过拟合？" in dropout.back
    assert "- 训练阶段为了保证输入和保持不变" in dropout.back


def test_learning_log_skips() -> None:
    note = _seed("001_")
    assert "dsf" not in fronts(note)
    assert skipped(note, "dsf").category == "term"
    assert all(c.front.strip() for c in note.cards)
    assert not any(s.line == 264 for s in note.skipped)  # the empty `30. ` item
    ppo = [s for s in note.skipped if s.text.startswith("Proximal Policy Optimization（PPO）")]
    assert ppo and ppo[0].category == "only-links" and ppo[0].reason == "answer is only links"
    assert not any(c.front.startswith("Proximal Policy") for c in note.cards)
    for term in ("策略价值函数", "Actor-Critic", "softmax", "sigmoid", "前向传播", "反向传播"):
        assert skipped(note, term).category == "term"
        assert term in [s.text for s in note.never_explained]


def test_learning_log_decks() -> None:
    note = _seed("001_")
    root = note.root
    assert card(note, "折扣回报 Discounted Return").deck == (root, "强化学习")
    assert card(note, "Dropout").deck == (root, "NLP")
    assert card(note, "VAE").deck == (root, "图像生成")
    assert {c.deck[1] for c in note.cards} >= {"强化学习", "NLP", "图像生成"}


def test_todo_log() -> None:
    note = _seed("000_")
    assert note.root == "TODO" and note.title == "TODO"
    pretrained = card(note, "预训练模型（Pre-trained Model）")
    assert pretrained.context == "GPT，GPT-2，GPT-3 论文精读"
    assert pretrained.deck == ("TODO", "2023", "5🈷️")
    assert pretrained.back.startswith("指在大规模的数据集上")
    research = card(note, "大模型时代下做科研的四个思路")
    assert research.back.startswith("1. Efficient modeling (PEFT)")
    assert "4. Dataset, evaluation and survey" in research.back
    for task_parent in ("编写 YOLOv8 的推理服务", "开发 Python 程序"):
        assert skipped(note, task_parent).category == "todo-list"
    for task in ("没有源代码发布", "开发使用 pip 安装", "使用 Comet 让训练可视化"):
        assert task not in fronts(note)
        assert task not in [s.text for s in note.skipped]
    assert not any("layout" in c.front or "title" in c.front for c in note.cards)


def test_reading_list() -> None:
    note = _seed("002_")
    attention = card(note, '"Attention is All You Need" by Vaswani et al. (2017)')
    assert attention.back.startswith("介绍了Transformer模型")
    assert "](" not in attention.back
    assert card(note, "图灵讲座：生成式人工智能的未来").back.startswith("迈克尔·伍尔德里奇")
