"""`note_batches` hands out a note in pieces; joined, they are exactly `parse_note`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmcards.cards import CardDraft, Skipped
from llmcards.notes import note_batches, parse_note
from tests.notes.helpers import FIXTURES
from tests.notes.test_property import notes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from gen_notes import generate_notes

# Outputs that only a later part of the note settles: an ordered list whose numbering
# resumes after a block (the block joins the last item's answer), a question heading
# whose answer runs to the next heading, groups adopting their children.
TRICKY = """\
# 训练

1. Dropout：随机失活
2. LSTM

- 为何能解决过拟合？类似 Bagging
- 另一条

3. tf-idf
4. GRU

```python
x = 1
```

5. Adam：优化器
- [X] 24 [GPT 论文精读](https://x.org)
  * 预训练模型：指先训练
  * softmax

## 微调方法是啥？

先冻结底层，再训练顶层。

- a :: b
- {{c1::自注意力}} 与 {{c2::位置编码}}

### 子问题？

- 概念：解释
- 只有名字
"""


def joined(text: str, batch: int) -> tuple[str, list[CardDraft], list[Skipped], int]:
    stream = note_batches(text, stem="notes", batch=batch)
    cards: list[CardDraft] = []
    skipped: list[Skipped] = []
    pieces = 0
    for more_cards, more_skipped in stream.batches:
        cards += more_cards
        skipped += more_skipped
        pieces += 1
    return stream.root, cards, skipped, pieces


def assert_same_as_whole(text: str, batch: int) -> int:
    whole = parse_note(text, stem="notes")
    root, cards, skipped, pieces = joined(text, batch)
    assert (root, cards, skipped) == (whole.root, whole.cards, whole.skipped)
    return pieces


@pytest.mark.parametrize("batch", [1, 2, 3, 7])
def test_tricky_note_in_small_batches(batch: int) -> None:
    assert assert_same_as_whole(TRICKY * 3, batch) > 3


def test_generated_notes_in_batches_match_the_whole_parse() -> None:
    text = generate_notes(3000, seed=7)
    assert assert_same_as_whole(text, 50) > 20


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.glob("*.md")) + sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.name
)
def test_real_style_notes_in_batches(path: Path) -> None:
    assert_same_as_whole(path.read_text(encoding="utf-8"), 2)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(), st.integers(1, 4))
def test_any_note_in_any_batch_size(text: str, batch: int) -> None:
    assert_same_as_whole(text, batch)


def test_raw_batches_hold_the_fields_of_the_same_cards() -> None:
    whole = parse_note(TRICKY, stem="notes")
    stream = note_batches(TRICKY, stem="notes", batch=2, raw=True)
    cards = [CardDraft(*fields) for more, _ in stream.batches for fields in more]
    assert cards == whole.cards
    skipped = [
        Skipped(*fields)
        for _, more in note_batches(TRICKY, stem="notes", raw=True).batches
        for fields in more
    ]
    assert skipped == whole.skipped
