"""One test per rule and per "detail that decides edge cases" of import-rules.md."""

from __future__ import annotations

import pytest

from llmcards.cards import CONTEXT_SEP

from .helpers import card, fronts, only, parse, skipped

# -- rule 1: definitions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "front", "back"),
    [
        (
            "17. Dropout：正则化技术、训练时期使得部分神经元失活",
            "Dropout",
            "正则化技术、训练时期使得部分神经元失活",
        ),
        ("- Adam: adaptive moments", "Adam", "adaptive moments"),
        ("- prefetch :在迭代数据时预加载", "prefetch", "在迭代数据时预加载"),
        ("- **GRU 单元：** reset_after=False", "GRU 单元", "reset_after=False"),
        ("- **GRU 单元:** reset_after=False", "GRU 单元", "reset_after=False"),
        ("- *例子：* 一个样本", "例子", "一个样本"),
        ("- **Dropout** → randomly zeroes activations", "Dropout", "randomly zeroes activations"),
        ("- **Dropout**——随机失活", "Dropout", "随机失活"),
        ("- **Adam** — adaptive", "Adam", "adaptive"),
        ("- **SGD** - plain gradient descent", "SGD", "plain gradient descent"),
        ("- cache() ：在整个数据集上缓存", "cache()", "在整个数据集上缓存"),
        (
            "- 多任务学习（Multi-Task Learning）：同时学多个任务",
            "多任务学习（Multi-Task Learning）",
            "同时学多个任务",
        ),
        ("- it's: an apostrophe, not a quote", "it's", "an apostrophe, not a quote"),
        ("- 权重正则化：Dropout、L2：约束参数", "权重正则化", "Dropout、L2：约束参数"),
    ],
)
def test_separator_splits_front_and_back(line: str, front: str, back: str) -> None:
    drafted = only(line + "\n")
    assert (drafted.front, drafted.back) == (front, back)


@pytest.mark.parametrize(
    "line",
    [
        "- [Paper: a study](https://example.com) and notes",  # colon inside a link's text
        "- see https://example.com/a:b for details",  # inside a URL
        "- `dict: key` is syntax",  # inside a code span
        '- "Quote: inside" said someone',  # straight quotes
        "- “中文：引号” 里的冒号",  # curly quotes
        '- **"Bold quote: inside"** more',  # quotes that are also bold
        "- 「日文：引号」 也不算",
        "- (unbalanced bracket: never closed",
        "- 《书名：副标题 还没关",
        "- 时间 12:30 开始",  # ASCII colon followed by a digit
        "- Note:this has no space",
    ],
)
def test_colons_that_do_not_separate(line: str) -> None:
    note = parse(line + "\n")
    assert note.cards == []
    assert note.skipped[0].reason == "no answer"


def test_colon_at_end_of_head_takes_nested_list_as_answer() -> None:
    drafted = only("- Typical ranges:\n  - Simple tasks: 4–8\n  - Hard tasks: 10–20\n")
    assert drafted.front == "Typical ranges"
    assert drafted.back == "- Simple tasks: 4–8\n- Hard tasks: 10–20"


def test_items_nested_in_a_definition_are_its_answer_not_cards() -> None:
    note = parse("1. LSTM：参数量\n    - 输入门：`W_i`\n    - 遗忘门：`W_f`\n")
    assert fronts(note) == ["LSTM"]
    assert note.cards[0].back == "参数量\n- 输入门：`W_i`\n- 遗忘门：`W_f`"
    assert note.skipped == []


def test_bold_cut_reopens_emphasis_on_the_back() -> None:
    drafted = only("- **术语：很重要的解释** 其余\n")
    assert (drafted.front, drafted.back) == ("术语", "**很重要的解释** 其余")


def test_back_keeps_markdown_and_line_is_the_items_first_line() -> None:
    note = parse("# 标题\n\n- 公式：`y = Wx + b`，见 [论文](https://x.org) 和 **重点**\n")
    drafted = note.cards[0]
    assert drafted.back == "`y = Wx + b`，见 [论文](https://x.org) 和 **重点**"
    assert drafted.line == 3


def test_front_is_plain_text() -> None:
    drafted = only("- **加粗** 和 *斜体* 的 [链接](https://x.org) 与 `code`：答案\n")
    assert drafted.front == "加粗 和 斜体 的 链接 与 `code`"


def test_head_ends_at_the_first_line_break() -> None:
    drafted = only("- 第一行\n  第二行：不是分隔符\n")
    assert drafted.front == "第一行"
    assert drafted.back == "第二行：不是分隔符"


# -- rule 2: groups ------------------------------------------------------------------


def test_group_head_becomes_context_of_its_children() -> None:
    note = parse(
        "- [X] 24 [GPT，GPT-2，GPT-3 论文精读](https://example.com/v)\n"
        "  * 预训练模型（Pre-trained Model）：在大规模数据上训练好的通用模型\n"
        "  * 与任务相关的数据集\n"
        "  * 微调：在下游任务上继续训练\n"
    )
    assert fronts(note) == ["预训练模型（Pre-trained Model）", "微调"]
    assert {c.context for c in note.cards} == {"GPT，GPT-2，GPT-3 论文精读"}
    assert skipped(note, "与任务相关的数据集").category == "term"


def test_nested_groups_join_contexts() -> None:
    note = parse("- 深度学习\n  - 正则化\n    - Dropout：随机失活\n")
    assert note.cards[0].context == f"深度学习{CONTEXT_SEP}正则化" == "深度学习 › 正则化"


# -- rule 3: terms with a body ------------------------------------------------------------


def test_term_with_nested_list_body() -> None:
    drafted = only("41. seq2seq 优化技巧\n\n    - 双向的特征拼接\n    - 使用 Attention\n")
    assert drafted.front == "seq2seq 优化技巧"
    assert drafted.back == "- 双向的特征拼接\n- 使用 Attention"


def test_term_with_paragraph_and_image() -> None:
    drafted = only("2. VAE\n\n    重参数化技巧：先采样噪声。\n\n    ![图](https://x.org/a.png)\n")
    assert drafted.front == "VAE"
    assert drafted.back == "重参数化技巧：先采样噪声。\n\n![图](https://x.org/a.png)"


def test_reading_list_item_front_is_the_links_text() -> None:
    drafted = only(
        '1. ["Attention is All You Need" by Vaswani et al. (2017)](https://arxiv.org/abs/1706.03762)\n\n   介绍了 Transformer。\n'
    )
    assert drafted.front == '"Attention is All You Need" by Vaswani et al. (2017)'
    assert drafted.back == "介绍了 Transformer。"


def test_content_after_ordered_item_belongs_to_it_when_numbering_resumes() -> None:
    note = parse("17. Dropout：随机失活\n\n- 为何能解决过拟合？类似 Bagging\n\n18. tf-idf\n")
    assert card(note, "Dropout").back == "随机失活\n\n- 为何能解决过拟合？类似 Bagging"
    assert [s.text for s in note.skipped] == ["tf-idf"]


# -- rule 4: not cards -----------------------------------------------------------------------


def test_no_answer_term_vs_statement() -> None:
    note = parse(
        "5. 策略价值函数\n29. dsf\n30. \n"
        "31. 监督学习和强化学习的区别在于监督学习有标签而强化学习只有奖励信号\n"
        "32. 这是一句话。\n33. Stop. Now\n"
    )
    assert note.cards == []
    assert [(s.text, s.category) for s in note.skipped] == [
        ("策略价值函数", "term"),
        ("dsf", "term"),
        ("监督学习和强化学习的区别在于监督学习有标签而强化学习只有奖励信号", "statement"),
        ("这是一句话。", "statement"),
        ("Stop. Now", "statement"),
    ]
    assert all(s.reason == "no answer" for s in note.skipped)
    assert [s.line for s in note.skipped] == [1, 2, 4, 5, 6]


def test_only_links() -> None:
    note = parse(
        "9. Proximal Policy Optimization（PPO） ：https://keras.io/examples/rl/ppo_cartpole/\n"
        "- https://example.com/a ， https://example.com/b\n"
        "- [OpenAI Cookbook](https://github.com/openai/openai-cookbook/)\n"
        "- 目录\n  - [简介](#简介)\n  - [用法](#用法)\n"
        "- 资料：[a](https://a.org)，[b](https://b.org)\n"
    )
    assert note.cards == []
    assert [s.category for s in note.skipped] == ["only-links"] * 5
    assert note.skipped[0].text.startswith("Proximal Policy Optimization（PPO）")
    assert note.skipped[0].reason == "answer is only links"
    assert skipped(note, "OpenAI Cookbook").reason == "only a link"
    assert skipped(note, "目录").reason == "answer is only links"  # a table of contents


def test_front_length_limits() -> None:
    defined = "定" * 81 + "：答案"
    plain_long = "x" * 201
    note = parse(
        f"- {'定' * 80}：答案\n- {defined}\n- {'y' * 200}\n  正文\n- {plain_long}\n  正文\n"
    )
    assert fronts(note) == ["定" * 80, "y" * 200]
    assert [s.reason for s in note.skipped] == [
        "front longer than 80 characters",
        "front longer than 200 characters",
    ]
    assert {s.category for s in note.skipped} == {"front-too-long"}


def test_image_is_an_answer_also_html_img() -> None:
    note = parse(
        '- 图示\n  ![结构](https://x.org/a.png)\n- HTML 图\n  <img src="https://x.org/b.png" alt="B">\n'
    )
    assert card(note, "图示").back == "![结构](https://x.org/a.png)"
    assert card(note, "HTML 图").back == "![B](https://x.org/b.png)"


def test_nested_task_list_is_not_an_answer() -> None:
    note = parse("- [X] 开发 Python 程序\n  * [X] 没有源代码发布\n  * [ ] 开发使用 pip 安装\n")
    assert note.cards == []
    assert [(s.text, s.category, s.reason) for s in note.skipped] == [
        ("开发 Python 程序", "todo-list", "nested list is only tasks")
    ]


def test_a_blank_line_between_tasks_keeps_them_tasks() -> None:
    """A blank line makes a list loose: Markdown reads each item's text as a paragraph,
    the checkbox before it. The items are the same tasks as in a tight list."""
    note = parse("- 开发 Python 程序\n  * [X] 没有源代码发布\n\n  * [ ] 开发使用 pip 安装\n")
    assert note.cards == []
    assert [(s.text, s.reason) for s in note.skipped] == [
        ("开发 Python 程序", "nested list is only tasks")
    ]
    note = parse("- [X] ChatGLM-6B 模型微调\n\n- [ ] 试用 GitHub Copilot\n")
    assert [(s.text, s.reason) for s in note.skipped] == [
        ("ChatGLM-6B 模型微调", "to-do item, no answer"),
        ("试用 GitHub Copilot", "to-do item, no answer"),
    ]


def test_task_checkbox_is_not_part_of_the_head() -> None:
    drafted = only("- [x] 注意力：加权求和\n")
    assert drafted.front == "注意力"


def test_skipped_items_carry_deck_and_line() -> None:
    note = parse("# 强化学习\n\n## 基础\n\n5. 策略价值函数\n", root="RL")
    assert note.skipped[0].deck == ("RL", "强化学习", "基础")
    assert note.skipped[0].line == 5


# -- rule 5: question headings ------------------------------------------------------------------


def test_question_heading_card_goes_in_parent_deck() -> None:
    note = parse(
        "# LLM\n\n### 1.微调方法是啥？如何微调？\n\n1. 准备数据\n2. 冻结：冻结底层参数\n"
        "#### 细节\n更多内容\n### 下一节\n- a：b\n"
    )
    question = card(note, "微调方法是啥？如何微调？")  # section number dropped
    assert question.deck == ("notes", "LLM")
    assert question.heading_path == ("LLM",)
    assert question.line == 3
    assert question.back == "1. 准备数据\n2. 冻结：冻结底层参数\n#### 细节\n更多内容"
    inner = card(note, "冻结")
    assert inner.deck == ("notes", "LLM", "1.微调方法是啥？如何微调？")
    assert fronts(note) == ["微调方法是啥？如何微调？", "冻结", "a"]


def test_question_heading_without_content_is_no_card() -> None:
    note = parse("## 为什么?\n### 子标题\n内容\n")
    assert note.cards == []


# -- rule 6: explicit syntax ------------------------------------------------------------------------


def test_clozes_with_hints_and_shared_numbers() -> None:
    text = "Transformer 的核心是 {{c1::自注意力::机制}}，位置来自 {{c2::位置编码}}，还有 {{c1::多头}}。\n"
    note = parse(text)
    assert [(c.kind, c.cloze_ord) for c in note.cards] == [("cloze", 1), ("cloze", 2)]
    first, second = note.cards
    assert first.front == "Transformer 的核心是 [机制]，位置来自 位置编码，还有 [...]。"
    assert first.back == "Transformer 的核心是 **自注意力**，位置来自 位置编码，还有 **多头**。"
    assert second.front == "Transformer 的核心是 自注意力，位置来自 [...]，还有 多头。"
    assert first.cloze_text == second.cloze_text == text.strip()
    assert first.line == second.line == 1


def test_cloze_inside_an_answer_still_counts() -> None:
    note = parse("- BERT：双向编码器\n  - 预训练任务是 {{c1::掩码语言模型}}\n")
    assert [(c.front, c.kind) for c in note.cards] == [
        ("BERT", "basic"),
        ("预训练任务是 [...]", "cloze"),
    ]
    assert note.cards[0].back == "双向编码器\n- 预训练任务是 掩码语言模型"


def test_cloze_item_is_not_also_a_definition() -> None:
    note = parse("- 注意力：{{c1::加权求和}}\n")
    assert [(c.kind, c.front) for c in note.cards] == [("cloze", "注意力：[...]")]


def test_front_back_double_colon() -> None:
    note = parse(
        "梯度消失 :: 反向传播时梯度逐层变小\n继续解释\n\n- 学习率 :: 每步更新的幅度\n  - 太大会发散\n"
    )
    assert [(c.front, c.back) for c in note.cards] == [
        ("梯度消失", "反向传播时梯度逐层变小\n继续解释"),
        ("学习率", "每步更新的幅度\n- 太大会发散"),
    ]


def test_std_vector_is_not_a_card() -> None:
    assert parse("用 std::vector 存储变长数组\n\n- 容器 std::map\n").cards == []


def test_paragraphs_are_not_cards() -> None:
    assert parse("# 标题\n\n强化学习：机器通过与环境交互来实现目标的一种计算方法。\n").cards == []


# -- decks, headings, front matter ------------------------------------------------------------------


def test_decks_from_headings() -> None:
    note = parse(
        "# CLIP\n## 训练：\n- 对比学习：图文配对\n#\n- 损失：InfoNCE\n", root="LLM 学习笔记"
    )
    assert note.cards[0].deck == ("LLM 学习笔记", "CLIP", "训练")
    assert note.cards[0].heading_path == ("CLIP", "训练")
    assert note.cards[1].deck == ("LLM 学习笔记",)  # an empty heading adds no level


def test_setext_headings() -> None:
    note = parse("模型\n====\n\n- a：b\n\n训练\n----\n- c：d\n")
    assert [c.deck for c in note.cards] == [("notes", "模型"), ("notes", "模型", "训练")]


def test_heading_names_are_plain() -> None:
    note = parse("# **GPT** 与 [BERT](https://x.org) `code`:\n- a：b\n")
    assert note.cards[0].deck == ("notes", "GPT 与 BERT `code`")


def test_front_matter_is_metadata() -> None:
    note = parse("---\ntitle: 我的笔记\nlayout: page\n---\n# 一\n- a：b\n", stem="file")
    assert note.root == "我的笔记" and note.title == "我的笔记"
    assert note.cards[0].line == 6
    assert fronts(note) == ["a"]
    assert parse("---\ntitle: 我的笔记\n---\n- a：b\n", root="CLI").root == "CLI"
    assert parse("- a：b\n", stem="stem").root == "stem"


MODEL_NOTE = "# 模型\n\n- Dropout：随机失活\n"


@pytest.mark.parametrize(
    ("kwargs", "root"),
    [
        ({"root": "a::::b "}, "a::b"),
        ({"root": " LLM 学习笔记 "}, "LLM 学习笔记"),
        ({"root": "::", "stem": "daily"}, "daily"),  # the CLI refuses it; the parser falls back
        ({"stem": " 日记 :: 五月 "}, "日记::五月"),
        ({"stem": "::"}, "notes"),
    ],
)
def test_root_deck_is_spelled_as_anki_spells_deck_names(kwargs: dict[str, str], root: str) -> None:
    note = parse(MODEL_NOTE, **kwargs)
    assert note.root == root and note.cards[0].deck == (root, "模型")


def test_a_title_with_spaces_around_its_separator_nests_like_in_anki() -> None:
    note = parse('---\ntitle: "C++ :: STL"\n---\n' + MODEL_NOTE, stem="stl")
    assert note.root == "C++::STL" and note.cards[0].deck == ("C++::STL", "模型")
    assert parse("---\ntitle: ' :: '\n---\n" + MODEL_NOTE, stem="stl").root == "stl"


@pytest.mark.parametrize(
    "heading",
    ["# 模型  ", "# 模型\t", "# 模型\u3000", "# 模型\u2003：", "#  模型 \u2002: ", "模型 \n==="],
)
def test_a_heading_gives_a_deck_part_without_white_space_around_it(heading: str) -> None:
    note = parse(f"{heading}\n\n- Dropout：随机失活\n", stem="s")
    assert note.cards[0].deck == ("s", "模型")


@pytest.mark.parametrize("heading", ["##  ", "## \u3000", "## \u2003：", "##\t:", "## <b> </b>"])
def test_a_heading_of_white_space_adds_no_deck_level(heading: str) -> None:
    note = parse(f"# 模型\n{heading}\n\n- Dropout：随机失活\n", stem="s")
    assert note.cards[0].deck == ("s", "模型")


def test_a_heading_with_a_separator_is_one_deck_level() -> None:
    # A heading is one level, whatever it says: its `::` would split the deck's name
    # into two levels (in llmcards' deck tree and in Anki), so it is written `∷`.
    note = parse("# std::vector 用法\n\n- push_back：在末尾添加\n", stem="s")
    assert note.cards[0].deck == ("s", "std∷vector 用法")
    assert parse("# std :: vector\n\n- a：b\n", stem="s").cards[0].deck == ("s", "std ∷ vector")


def test_rule_in_the_middle_is_not_front_matter() -> None:
    note = parse("# 一\n- a：b\n\n---\ntitle: x\n---\n- c：d\n")
    assert fronts(note) == ["a", "c"]


# -- HTML in answers ----------------------------------------------------------------------------------


def test_sub_and_sup_become_unicode_or_fallback() -> None:
    drafted = only("- 动作 a<sub>i</sub>：Q<sup>⋆</sup>(s<sub>i</sub>) 与 x<sup>2</sup>\n")
    assert drafted.front == "动作 aᵢ"
    assert drafted.back == "Q^(⋆)(sᵢ) 与 x²"


def test_html_links_lists_and_breaks_become_markdown() -> None:
    note = parse(
        '- 链接：看 <a href="https://x.org">这里</a><br>下一行\n'
        "- 列表：<ul><li>一</li><li>二</li></ul>\n"
        '- 段落：<div><p>内容 <span style="c">保留</span></p></div>\n'
    )
    assert card(note, "链接").back == "看 [这里](https://x.org)\\\n下一行"
    assert card(note, "列表").back == "- 一\n- 二"
    assert card(note, "段落").back == "内容 保留"


def test_html_in_code_is_left_alone() -> None:
    assert only("- 标签：`<sub>i</sub>` 是 HTML\n").back == "`<sub>i</sub>` 是 HTML"


# -- order ------------------------------------------------------------------------------------------------


def test_cards_come_in_note_order_with_equal_fronts() -> None:
    note = parse("# A\n- x：1\n- y：2\n- x：3\n")
    assert [(c.front, c.back) for c in note.cards] == [("x", "1"), ("y", "2"), ("x", "3")]
