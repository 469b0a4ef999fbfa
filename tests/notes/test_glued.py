"""Issue 11 item 3: a numbered line glued to an image or paragraph line above it is
the list's next item when it carries the list's next number."""

from __future__ import annotations

from llmcards.notes import note_batches, parse_note

from .helpers import FIXTURES, card, fronts

GLUED = (FIXTURES / "glued_items.md").read_text(encoding="utf-8")


def test_item_after_an_image_line_is_a_card_and_the_image_answers_the_item_before() -> None:
    note = parse_note(GLUED)
    gpt2 = card(note, "GPT-2")
    assert gpt2.back.startswith("更大的 WebText 数据集")
    assert gpt2.line == 7  # the user's line, not the reading's
    assert card(note, "GPT-1").back == "![gpt1.png](https://example.com/gpt1.png)"


def test_item_after_a_paragraph_line_is_a_card_with_its_nested_list() -> None:
    note = parse_note(GLUED)
    tokenizer = card(note, "Tokenizer 分词方式")
    assert tokenizer.back == "- BPE\n- WordPiece"
    assert tokenizer.line == 11
    assert card(note, "数据清洗流程").back == "这一段是第 14 条的补充说明，写在列表外面。"


def test_numbers_in_code_or_out_of_sequence_stay_where_they_are() -> None:
    note = parse_note(GLUED)
    assert "代码块里的编号行" not in " ".join(fronts(note))
    assert "不是条目" not in " ".join(fronts(note))
    assert not any(c.front.startswith("不是下一个编号") for c in note.cards)
    assert not any(s.text.startswith("不是下一个编号") for s in note.skipped)


def test_batches_hand_out_every_card_once_when_the_reading_starts_over() -> None:
    whole = parse_note(GLUED * 3)
    stream = note_batches(GLUED * 3, batch=1)
    pieces = [c for cards, _ in stream.batches for c in cards]
    assert [(c.front, c.line) for c in pieces] == [(c.front, c.line) for c in whole.cards]
