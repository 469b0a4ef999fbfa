"""Issue 11 item 2: math is kept as written and never read for separators, emphasis
or clozes; the study screen shows Unicode, Anki gets MathJax, CSV keeps it as written."""

from __future__ import annotations

from llmcards.exchange.render import inline_to_html, markdown_to_html, plain_to_html
from llmcards.notes import parse_note
from llmcards.notes.math import math_to_unicode
from llmcards.tui.answer import prepare_answer

from .helpers import FIXTURES, card, fronts, skipped

NOTE = parse_note((FIXTURES / "math_notes.md").read_text(encoding="utf-8"))


def test_math_in_a_front_is_kept_as_written() -> None:
    assert card(NOTE, r"缩放因子 $\sqrt{d_k}$").back == "防止点积过大导致 softmax 饱和"
    assert card(NOTE, r"\(f: X \to Y\)").back == "函数的记号"
    assert card(NOTE, r"期望 \[E[x]\] 的定义").back == "随机变量的均值"
    assert card(NOTE, r"注意力权重 $\alpha_{ij}$").back == "由 softmax 归一化得到"


def test_no_separator_or_emphasis_inside_math() -> None:
    assert skipped(NOTE, r"$f: X \to Y$ 表示从 X 到 Y 的映射").reason == "no answer"
    assert card(NOTE, "逐元素乘 $a_i * b_i * c_i$").back == "Hadamard 积的写法"
    assert card(NOTE, "总损失").back == r"$$L = \sum_{i=1}^n \ell_i$$"
    assert not any(f.startswith("f") for f in fronts(NOTE))


def test_terminal_shows_math_as_unicode() -> None:
    assert math_to_unicode(r"缩放因子 $\sqrt{d_k}$") == "缩放因子 √(d_k)"
    assert math_to_unicode(r"\(\rho^*\) 与 $$\sum_i x_i$$") == "ρ^* 与 ∑_i x_i"
    assert math_to_unicode("价格 $5 和 $10，`$x$`") == "价格 $5 和 $10，`$x$`"
    shown = prepare_answer(r"系数 $a_i * b_i$ 越大越好").markdown
    assert shown == r"系数 a\_i \* b\_i 越大越好"  # escaped: the Markdown pane shows it as text


def test_anki_gets_mathjax_and_csv_keeps_math_as_written() -> None:
    back = r"除以 $\sqrt{d_k}$，$a_i * b_i$，$$\sum_i x_i$$ 与 \(a<b\)"
    assert markdown_to_html(back) == (
        r"<p>除以 \(\sqrt{d_k}\)，\(a_i * b_i\)，\[\sum_i x_i\] 与 \(a&lt;b\)</p>"
    )
    assert markdown_to_html(back, mathjax=False) == (
        r"<p>除以 $\sqrt{d_k}$，$a_i * b_i$，$$\sum_i x_i$$ 与 \(a&lt;b\)</p>"
    )
    assert inline_to_html(r"缩放因子 $\sqrt{d_k}$") == r"缩放因子 \(\sqrt{d_k}\)"
    assert plain_to_html("Rank $r$") == r"Rank \(r\)"
    assert plain_to_html("Rank $r$", mathjax=False) == "Rank $r$"


def test_escaped_brackets_that_hold_no_math_stay_brackets() -> None:
    note = parse_note(r"- 输出包含 \[CLS\] 和 \[SEP\] 两个特殊 token：用于分类和分句" + "\n")
    assert note.cards[0].front == "输出包含 [CLS] 和 [SEP] 两个特殊 token"
    assert math_to_unicode(r"包含 \[CLS\] 与 \(\rho^*\)") == r"包含 \[CLS\] 与 ρ^*"


def test_spaces_around_symbols_are_kept_as_written() -> None:
    # pylatexenc's default ate the space after a symbol macro: `X →Y`, `a ×b`.
    assert math_to_unicode(r"映射 $f: X \to Y$") == "映射 f: X → Y"
    assert math_to_unicode(r"$a \times b$ 与 $x \in A$") == "a × b 与 x ∈ A"
    assert math_to_unicode(r"$\sqrt{d_k}$") == "√(d_k)"


def test_a_space_before_a_command_is_kept_as_written() -> None:
    # LaTeX drops the space after a command word, so `\log \hat{y}` read `logŷ`.
    assert math_to_unicode(r"$$L = -\sum_{i} y_i \log \hat{y}_i$$") == "L = -∑_i y_i log ŷ_i"
    assert math_to_unicode(r"$a \cdot \hat{b}$，$\sin \theta$") == "a · b̂，sin θ"
    assert math_to_unicode(r"$x \in \mathbb{R}^{d}$") == "x ∈ ℝ^d"
    # …but not between a command and its unbraced argument, nor after a line break.
    assert math_to_unicode(r"$\hat \alpha$ 与 $\sqrt \pi$") == "α̂ 与 √(π)"
    assert math_to_unicode(r"$\alpha\beta$") == "αβ"
