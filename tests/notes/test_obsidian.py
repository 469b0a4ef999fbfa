"""Issue 11 item 9: Obsidian notes — wikilinks, embedded images, callouts."""

from __future__ import annotations

from llmcards.notes import parse_note

from .helpers import FIXTURES, card, fronts

NOTE = parse_note((FIXTURES / "obsidian.md").read_text(encoding="utf-8"))


def test_wikilinks_read_as_text_never_as_only_links() -> None:
    assert card(NOTE, "Transformer").back == "基于自注意力的 Encoder-Decoder 模型"
    assert card(NOTE, "相关笔记").back == "[[BERT]]、[[GPT]]"  # the answer as written
    assert card(NOTE, "秩 r").context == "LoRA 的秩"  # the alias, not the target


def test_embedded_image_is_an_answer() -> None:
    assert card(NOTE, "架构图").back == "![[transformer-arch.png]]"


def test_titled_callout_is_read_like_a_list_item() -> None:
    assert card(NOTE, "Q").context == "注意力机制"  # a group: its title is the context
    assert card(NOTE, "K").back == "键向量，表示每个位置能提供什么"
    heads = card(NOTE, "多头注意力")  # a term with a body; `[!tip]-` dropped
    assert heads.back == "把 Q、K、V 投影到多个子空间，\n分别计算注意力后再拼接。"
    assert heads.line == 20


def test_untitled_callout_is_only_its_content() -> None:
    assert card(NOTE, "显存占用").back == "随序列长度平方增长"
    assert card(NOTE, "显存占用").context == "注意力"  # its heading (short front), no group
    assert not any("warning" in f or "普通引用" in f for f in fronts(NOTE))
    assert NOTE.root == "注意力笔记"


def test_answers_show_wikilinks_as_text_and_embeds_as_images() -> None:
    from llmcards.exchange.render import markdown_to_html
    from llmcards.tui.answer import prepare_answer

    back = "见 [[BERT]]、[[Low-Rank Adaptation|LoRA]] 和 `[[x]]`\n![[transformer arch.png]]"
    assert markdown_to_html(back) == (
        "<p>见 BERT、LoRA 和 <code>[[x]]</code>\n"
        '<img src="transformer%20arch.png" alt="transformer arch.png" /></p>'
    )
    shown = prepare_answer(back).markdown  # an image is a link line in the terminal
    assert shown.startswith("见 BERT、LoRA 和 `[[x]]`\n[↗ ")
    assert shown.endswith("](transformer%20arch.png)")
