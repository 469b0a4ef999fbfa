"""Chinese text wraps between characters and fills its lines (`llmcards.linebreak`), on
every screen and in the CLI's Rich output; English text wraps at its spaces as before."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import rich._wrap
import textual._wrap
from rich.cells import cell_len
from textual.content import Content

from llmcards import linebreak
from llmcards.cards import CardDraft
from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file
from llmcards.tui import linebreak as tui_linebreak
from llmcards.tui.app import create_app
from tests.tui.conftest import NOW_DT, settle, text_of

LONG = (
    "低秩适配（Low-Rank Adaptation）是一种参数高效微调方法，它冻结预训练模型的权重，在 "
    "Transformer 的每一层注入可训练的低秩分解矩阵，从而大大减少下游任务的可训练参数数量。"
    "相比全量微调 GPT-3 175B，LoRA 可以将可训练参数减少一万倍，GPU 显存需求减少三倍，"
    "而且推理时没有额外延迟。他说：“这很有用”。秩 r 通常取 4、8 或 16（也可以更大）。"
)
ENGLISH = (
    "Attention (Vaswani et al., 2017) doesn’t need recurrence: it’s “all you need”… "
    "The model — a stack of encoder/decoder layers — maps a sequence x = (x_1, …, x_n) "
    "to z = (z_1, …, z_n); see https://arxiv.org/abs/1706.03762 for details.  Two  spaces."
)
ORIGINAL_RICH_WORD = re.compile(r"\s*\S+\s*")
ORIGINAL_TEXTUAL_CHUNK = re.compile(r"\S+\s*|\s+")


@pytest.fixture
def installed() -> None:
    tui_linebreak.install()


@pytest.fixture
def as_at_start() -> Iterator[None]:
    """Rich's and Textual's own patterns, as in a new process: the app must put its own."""
    with original_patterns():
        yield
    tui_linebreak.install()


@contextmanager
def original_patterns() -> Iterator[None]:
    rich_word, textual_chunk = rich._wrap.re_word, textual._wrap.re_chunk
    rich._wrap.re_word, textual._wrap.re_chunk = ORIGINAL_RICH_WORD, ORIGINAL_TEXTUAL_CHUNK
    try:
        yield
    finally:
        rich._wrap.re_word, textual._wrap.re_chunk = rich_word, textual_chunk


def wrapped(text: str, width: int) -> list[str]:
    """`text` as Textual's Content lays it out in `width` cells (what every widget does)."""
    return [line.plain.rstrip() for line in Content(text).wrap(width)]


def assert_well_broken(lines: list[str], width: int, slack: int) -> None:
    for line in lines:
        assert cell_len(line) <= width, lines
        assert line.lstrip()[:1] not in set(linebreak.CLOSING_WIDE + "”’…"), lines
        assert line.rstrip()[-1:] not in set(linebreak.OPENING_WIDE + "“‘"), lines
    for line in lines[:-1]:
        assert cell_len(line) >= width - slack, lines


# ---------------------------------------------------------------- the hook into Textual/Rich


def test_textual_still_wraps_through_the_patterns_replaced(installed) -> None:
    """Textual is pinned; an upgrade that stops wrapping with `rich._wrap.re_word`
    (Content, every widget) or `textual._wrap.re_chunk` (TextArea), or changes what
    these patterns are, fails here."""
    shipped = inspect.getsource(rich._wrap), inspect.getsource(textual._wrap)
    assert f're_word = re.compile(r"{ORIGINAL_RICH_WORD.pattern}")' in shipped[0]
    assert f're_chunk = re.compile(r"{ORIGINAL_TEXTUAL_CHUNK.pattern}")' in shipped[1]
    assert "re_word.match" in inspect.getsource(rich._wrap.words)
    assert "re_chunk.match" in inspect.getsource(textual._wrap.chunks)
    # Content (Static, Markdown, Label…) breaks between Chinese characters…
    assert wrapped("一二三四五六七八", 6) == ["一二三", "四五六", "七八"]
    # …and so does the TextArea's wrapper.
    assert textual._wrap.compute_wrap_offsets("一二三四五六七八", 6, 8) == [3, 6]
    # Compiled on first use, then in place.
    assert rich._wrap.re_word.pattern == linebreak.RICH_WORD
    assert textual._wrap.re_chunk.pattern == linebreak.TEXTUAL_CHUNK
    with original_patterns():  # what these assertions guard against
        assert wrapped("中文 一二三四五六七八", 9) != ["中文 一二", "三四五六", "七八"]
    assert wrapped("中文 一二三四五六七八", 9) == ["中文 一二", "三四五六", "七八"]


def test_the_patterns_keep_the_shape_the_wrappers_expect(installed) -> None:
    for text in (LONG, ENGLISH, "  lead  中文  ", "，。", "a\tb 中\t文 ", " ", ""):
        rich_words = list(rich._wrap.words(text))
        # Rich: contiguous chunks, each with at most whitespace around its text.
        assert "".join(word for _s, _e, word in rich_words) == (text if text.strip() else "")
        chunks = list(textual._wrap.chunks(text))
        assert "".join(chunk for _s, _e, chunk in chunks) == text
        for _start, _end, chunk in chunks:
            assert chunk.strip() == "" or not chunk[0].isspace()


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize("width", range(12, 97, 7))
def test_chinese_lines_fill_and_never_start_with_closing_punctuation(installed, width: int) -> None:
    # The longest piece that cannot be broken here is "（Low-Rank " (11 cells).
    assert_well_broken(wrapped(LONG, width), width, slack=11)


def test_breaks_between_any_two_chinese_characters_but_not_inside_punctuation() -> None:
    units = linebreak.break_units("他说：“你好（hello world）”。然后 ，再见")
    assert units == ["他", "说：", "“你", "好", "（hello ", "world）”。", "然", "后 ，", "再", "见"]


@pytest.mark.parametrize("width", range(4, 90))
def test_english_wraps_exactly_as_before(installed, width: int) -> None:
    new = rich._wrap.divide_line(ENGLISH, width), wrapped(ENGLISH, width)
    new_textual = textual._wrap.compute_wrap_offsets(ENGLISH, width, 8)
    with original_patterns():
        old = rich._wrap.divide_line(ENGLISH, width), wrapped(ENGLISH, width)
        old_textual = textual._wrap.compute_wrap_offsets(ENGLISH, width, 8)
    assert new == old
    assert new_textual == old_textual


# ---------------------------------------------------------------- on screen

FRONT = "注意力机制（Attention Mechanism）为什么要除以 √d_k，以及在多头注意力中每个头的维度如何选择"
CONTEXT = (
    "Transformer 论文精读：Attention Is All You Need 的第三节，缩放点积注意力与多头注意力的实现细节"
)
BACK = f"""\
{LONG}

- 要点一：秩 r 通常取 4、8 或 16，缩放系数 alpha 控制更新的幅度，实际的学习率和 alpha/r 成正比，所以改 r 时常常不必重新调学习率。
- 要点二：常见的做法是只对注意力层的 q_proj 和 v_proj 应用 LoRA，这样效果已经很好了，再加上 MLP 层收益有限。

| 符号 | 含义 |
|---|---|
| γ | 折扣因子（discount factor），决定未来奖励的权重，越接近 1 越看重长期回报，通常取 0.9 到 0.99 之间 |
"""


@pytest.fixture
def long_db(tmp_path: Path) -> Path:
    notes = tmp_path / "notes" / "lora.md"
    notes.parent.mkdir(parents=True)
    notes.write_text("# 微调\n", encoding="utf-8")
    path = tmp_path / "long.db"
    db = open_db(path)
    with db.write() as conn:
        draft = CardDraft(
            deck=("笔记", "微调"),
            front=FRONT,
            back=BACK,
            line=2,
            context=CONTEXT,
            heading_path=("微调",),
        )
        sync_file(conn, root="笔记", source_path=str(notes), drafts=[draft], now=NOW_DT)
    db.close()
    return path


def lines_of(widget) -> list[str]:
    return [line for line in text_of(widget).split("\n") if line.strip()]


async def test_answer_front_and_context_fill_their_lines(long_db: Path, as_at_start) -> None:
    from textual.widgets._markdown import (
        MarkdownParagraph,
        MarkdownTableCellContents,
        MarkdownUnorderedListItem,
    )

    app = create_app(
        db_path=long_db, deck="笔记", settings=Settings(fuzz=False), now=NOW_DT, bundled_dir=None
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        screen = app.screen
        paragraph = screen.query(MarkdownParagraph).first()
        width = paragraph.content_size.width
        lines = lines_of(paragraph)
        assert len(lines) >= 3 and "".join(lines).replace(" ", "") == LONG.replace(" ", "")
        assert_well_broken(lines, width, slack=11)
        for widget_id in ("#front", "#context"):
            widget = screen.query_one(widget_id)
            assert_well_broken(lines_of(widget), widget.content_size.width, slack=4)
        for item in screen.query(MarkdownUnorderedListItem):
            block = item.query(MarkdownParagraph).first()
            assert_well_broken(lines_of(block), block.content_size.width, slack=4)
        cell = screen.query(MarkdownTableCellContents).last()
        assert len(lines_of(cell)) > 1
        assert_well_broken(lines_of(cell), cell.content_size.width, slack=4)


async def test_browse_preview_fills_its_lines(long_db: Path, as_at_start) -> None:
    from textual.widgets._markdown import MarkdownParagraph

    app = create_app(db_path=long_db, settings=Settings(fuzz=False), now=NOW_DT, bundled_dir=None)
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        paragraph = app.screen.query_one("#browse-markdown").query(MarkdownParagraph).first()
        lines = lines_of(paragraph)
        assert len(lines) >= 3
        assert_well_broken(lines, paragraph.content_size.width, slack=11)
