"""Must-pass facts on the three kinds of notes llmcards is made for, as users write them:
a learning log of numbered concepts (`learning_log.txt`), a monthly reading/to-do log with
front matter and task lists (`monthly_todo.txt`) and a reading list of links with a
summary under each (`reading_list.txt`). The fixtures are written for these tests in that
style (`.txt` files with Markdown inside, as such notes often are)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcards.cards import ParsedNote
from llmcards.notes import decode_note, parse_note

from .helpers import FIXTURES, card, fronts, skipped

STYLES = ("learning_log.txt", "monthly_todo.txt", "reading_list.txt")


def _note(name: str) -> ParsedNote:
    path = FIXTURES / name
    return parse_note(decode_note(path.read_bytes(), str(path)).text, stem=Path(path).stem)


@pytest.mark.parametrize("name", STYLES)
def test_every_style_makes_cards(name: str) -> None:
    assert _note(name).cards


def test_learning_log_definitions() -> None:
    note = _note("learning_log.txt")
    gru = card(note, "GRU")
    assert "3 * (units * (input_dim + units) + units)" in gru.back
    for gate in ("W_z", "b_z", "W_r", "b_r", "W_h", "b_h"):
        assert f"`{gate}`" in gru.back
    assert "三组加起来就是总参数量。" in gru.back
    assert gru.back.count("\n-   ") == 7  # the nested list, dedented to the top level
    assert card(note, "LayerNorm 位置").back.startswith("pre_norm=True")  # bold label + colon
    assert card(note, "CNN").back.startswith("卷积核计算")  # a URL in the answer is fine
    assert card(note, "回报 Return").back.startswith("从当前时刻起")


def test_learning_log_terms_with_body() -> None:
    note = _note("learning_log.txt")
    gan = card(note, "GAN")
    assert "生成器和判别器互相博弈" in gan.back
    assert "![gan.png](" in gan.back
    improved = card(note, "编码器-解码器结构改进")
    assert improved.back.startswith("- 编码端换成双向 GRU")


def test_dropout_keeps_its_bullets_when_numbering_resumes() -> None:
    dropout = card(_note("learning_log.txt"), "Dropout")
    assert dropout.back.startswith("正则化手段")
    assert "- 为什么有效？" in dropout.back
    assert "- 推理阶段不再丢弃" in dropout.back
    assert card(_note("learning_log.txt"), "Embedding 层参数").line == 21  # numbering resumed


def test_learning_log_skips() -> None:
    note = _note("learning_log.txt")
    assert "abc" not in fronts(note)
    assert skipped(note, "abc").category == "term"
    assert all(c.front.strip() for c in note.cards)
    assert not any(s.line == 32 for s in note.skipped)  # the empty `9. ` item
    dqn = [s for s in note.skipped if s.text.startswith("DQN")]
    assert dqn and dqn[0].category == "only-links" and dqn[0].reason == "answer is only links"
    assert not any(c.front.startswith("DQN") for c in note.cards)
    for term in ("状态价值函数", "SARSA", "relu", "tanh", "注意力打分"):
        assert skipped(note, term).category == "term"
        assert term in [s.text for s in note.never_explained]
    assert skipped(note, "Stable Diffusion、潜空间、U-Net、VAE、CLIP").category == "statement"


def test_learning_log_decks() -> None:
    note = _note("learning_log.txt")
    root = note.root
    assert root == "learning_log"  # no title: the file's name
    assert card(note, "回报 Return").deck == (root, "强化学习")
    assert card(note, "Dropout").deck == (root, "NLP")
    assert card(note, "GAN").deck == (root, "图像生成")
    assert {c.deck[1] for c in note.cards} == {"强化学习", "NLP", "图像生成"}


def test_todo_log() -> None:
    note = _note("monthly_todo.txt")
    assert note.root == "待读" and note.title == "待读"  # front matter title
    tuning = card(note, "指令微调（Instruction Tuning）")
    assert tuning.context == "InstructGPT 论文精读"
    assert tuning.deck == ("待读", "2024", "2🈷️")
    assert tuning.back.startswith('用"指令 + 期望回答"格式')
    assert card(note, "奖励模型（Reward Model）").context == "InstructGPT 论文精读"
    principles = card(note, "提示工程的三个原则")
    assert principles.back.startswith("1. Be specific about the task")
    assert "3. Let the model think step by step" in principles.back
    for task_parent in ("部署一个本地大模型", "整理 LoRA 笔记"):
        assert skipped(note, task_parent).category == "todo-list"
    for task in ("下载量化后的权重", "写一个命令行对话脚本", "画出低秩分解示意图"):
        assert task not in fronts(note)
        assert task not in [s.text for s in note.skipped]
    assert skipped(note, "浏览 Hugging Face 文档").category == "only-links"
    assert not any(word in c.front for c in note.cards for word in ("layout", "permalink"))


def test_reading_list() -> None:
    note = _note("reading_list.txt")
    few_shot = card(note, '"Language Models are Few-Shot Learners" by Brown et al. (2020)')
    assert few_shot.back.startswith("提出了 GPT-3")
    assert "](" not in few_shot.back
    assert few_shot.deck == (note.root, "awesome-llm-notes", "第二章 - 经典论文")
    # A colon inside a link's text is no separator: the front is the whole text.
    talk = card(note, "深度学习讲座：语言模型是怎样学会说话的")
    assert talk.back.startswith("一位教授用一个小时")
    assert skipped(note, "十分钟看懂 Transformer").category == "only-links"
    assert not any("这一章" in c.front for c in note.cards)  # quoted intros are not cards
