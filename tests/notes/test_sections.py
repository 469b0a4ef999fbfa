"""A note walked section by section (notes.sections) gives exactly what walking it whole
gives: the premise of re-importing only the sections that changed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from llmcards.cards import CardDraft, Skipped
from llmcards.notes import drafts_of, note_batches
from llmcards.notes.glue import Glued
from llmcards.notes.sections import NoteSections, Section, split, walk_section
from llmcards.notes.source import Source
from llmcards.notes.walk import Stack
from tests.notes.helpers import FIXTURES
from tests.notes.test_batches import TRICKY
from tests.notes.test_property import notes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_notes import generate_notes

STORE_FIXTURE = Path(__file__).resolve().parents[1] / "store" / "fixtures" / "sectioned.md"


def _whole(text: str) -> tuple[list[CardDraft], list[Skipped], NoteSections | None, str]:
    stream = note_batches(text, sections=True)
    cards: list[CardDraft] = []
    skipped: list[Skipped] = []
    for more_cards, more_skipped in stream.batches:
        cards += more_cards
        skipped += more_skipped
    return cards, skipped, stream.sections, stream.body


def _by_sections(
    body: str, root: str
) -> tuple[list[CardDraft], list[Skipped], list[Stack], list[Section]]:
    data = body.encode("utf-8", "surrogatepass")
    source = Source(body)
    decks: dict[tuple[str, ...], tuple[str, ...]] = {}
    cards: list[CardDraft] = []
    skipped: list[Skipped] = []
    stacks: list[Stack] = []
    stack: Stack = ()
    sections = split(body, data, keep=lambda _i, _d: True)
    for section in sections:
        stacks.append(stack)
        outs, stack = walk_section(body, source, section, stack)
        more_cards, more_skipped = drafts_of(outs, root, decks, False)
        cards += more_cards
        skipped += more_skipped
    return cards, skipped, stacks, sections


def _same(text: str) -> int:
    """How many sections the note has; asserts they read as the whole note does."""
    cards, skipped, sections, body = _whole(text)
    if sections is None:  # definitions or glued items: never read by sections
        return 0
    try:
        by_cards, by_skipped, stacks, split_up = _by_sections(body, note_batches(text).root)
    except Glued:  # a section meets a glued item: a re-import then reads it all
        return 0
    assert by_cards == cards
    assert by_skipped == skipped
    assert stacks == sections.stacks  # what the whole walk saw where each starts
    # The whole walk cut the note where a re-import cuts it (one definition, two readers).
    assert [s.line for s in split_up] == list(sections.lines)
    assert b"".join(bytes.fromhex(s.digest) for s in split_up) == sections.digests
    return len(split_up)


@pytest.mark.parametrize(
    "path", [*sorted(FIXTURES.glob("*.md")), STORE_FIXTURE], ids=lambda p: p.name
)
def test_fixture_notes_read_the_same_by_sections(path: Path) -> None:
    _same(path.read_text(encoding="utf-8"))


def test_generated_notes_read_the_same_by_sections_and_are_cut_fine() -> None:
    text = generate_notes(3000, seed=3)
    # Cut at headings and between top-level items: a few cards a section.
    assert _same(text) > 400
    assert _same(TRICKY) > 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes())
def test_any_note_reads_the_same_by_sections(text: str) -> None:
    _same(text)


def test_no_cut_where_an_earlier_block_still_reaches_past_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import llmcards.notes.sections as sections

    monkeypatch.setattr(sections, "_chosen", lambda _data, _at: True)  # every item may
    text = (
        "# 训练\n\n"
        "一段引子：\n\n"  # leads in the list: each card takes it as context
        "1. Dropout：随机失活\n2. LSTM：长短期记忆\n\n"
        "- 为何能解决过拟合？类似 Bagging\n- 另一条\n\n"  # numbering resumes after it
        "3. GRU：门控循环单元\n4. Adam：优化器\n\n"
        "## 什么是 BERT？\n\n### 预训练\n\n- MLM：遮住词再预测\n- NSP：下一句预测\n"
    )
    data = text.encode()
    starts = [data[s.start : s.end].split(b"\n", 1)[0] for s in split(text, data)]
    assert starts == [
        "# 训练".encode(),
        "4. Adam：优化器".encode(),
        "## 什么是 BERT？".encode(),
    ]
