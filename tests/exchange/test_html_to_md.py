"""Anki field HTML to Markdown: what Anki fields hold, and llmcards' own HTML back."""

from __future__ import annotations

import pytest

from llmcards.exchange.html_to_md import html_to_markdown, html_to_text
from llmcards.exchange.render import markdown_to_html

ROUND_TRIP = [
    "训练时随机**失活**部分神经元，防止过拟合。",
    "三个门：\n\n- 输入门\n- 遗忘门\n- 输出门",
    "1. 前向传播\n   - 计算损失\n2. 反向传播",
    "```python\nnn.LSTM(512, 512)\nif a < b: pass\n```",
    "| 部分 | 作用 |\n|---|---|\n| encoder | q(z\\|x) |",
    "见 [论文](https://arxiv.org/abs/1706.03762) 与 ![图](https://x.org/a.png)",
    "公式 `softmax(QK^T/√d)` 和 ~~旧说法~~ *强调*",
    "> 引用一段话\n\n---\n\n## 小标题",
    "段落一\n第二行\n\n段落二",
]


@pytest.mark.parametrize("markdown", ROUND_TRIP)
def test_llmcards_markdown_survives_a_trip_through_html(markdown: str) -> None:
    assert markdown_to_html(html_to_markdown(markdown_to_html(markdown))) == markdown_to_html(
        markdown
    )


def test_typical_anki_field_html() -> None:
    field = "Attention&nbsp;is all<br>you need<div><b>Transformer</b> 2017</div><div><br></div>"
    assert html_to_markdown(field) == "Attention is all  \nyou need\n\n**Transformer** 2017"


def test_scripts_and_styles_are_dropped_and_entities_decoded() -> None:
    assert (
        html_to_markdown("<style>.x{}</style>a &lt;b&gt; &amp; c<script>alert(1)</script>")
        == "a <b> & c"
    )


def test_unclosed_tags_still_give_the_text() -> None:
    assert html_to_markdown("<ul><li>一<li>二</ul><p>尾") == "- 一\n- 二\n\n尾"


def test_a_front_is_one_plain_line() -> None:
    assert html_to_text("<div>LSTM</div><div>长短期记忆</div>") == "LSTM 长短期记忆"
