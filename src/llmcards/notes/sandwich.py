"""Blocks between an ordered list and its resumed numbering (`17.` … bullets … `18.`):
the author meant them as the last item's answer, so that item is decided again."""

from __future__ import annotations

from llmcards.notes.frames import Frame, ListFrame, Sandwich, with_context
from llmcards.notes.rules import Rules


def open_sandwich(container: Frame, lst: ListFrame, data: bytes) -> None:
    """An ordered list just closed in `container`: remember its last item in case the
    numbering resumes after the blocks that follow."""
    last = lst.last
    assert last is not None
    number = item_number(data, last.start)
    if number is not None:
        container.sandwich = Sandwich(
            last, number, lst.last_at, lst.last_len, container.body, lst.context
        )
        container.body = 0


def item_number(data: bytes, start: int) -> int | None:
    pos = start
    while pos < len(data) and data[pos] in b" \t":
        pos += 1
    end = pos
    while end < len(data) and end - pos < 10 and 48 <= data[end] <= 57:
        end += 1
    return int(data[pos:end]) if end > pos else None


def apply_sandwich(container: Frame, rules: Rules, resume: int) -> None:
    """The numbering resumed at byte `resume`: the blocks since the list belong to its
    last item, which is decided again with them as part of its body."""
    sandwich = container.sandwich
    assert sandwich is not None
    container.sandwich = None
    extra = container.body
    container.body = sandwich.saved_body | extra
    tail = sandwich.tail
    if tail.decision != "rule":
        return
    tail.end = resume
    tail.body |= extra
    between = container.outs[sandwich.at + sandwich.tail_len :]
    redone = rules.decide(tail)
    if sandwich.context:
        with_context(redone, sandwich.context)
    container.outs[sandwich.at :] = redone + [
        o for o in between if o is not None and o.kind == "cloze"
    ]


def drop_sandwich(container: Frame) -> None:
    """Something other than the resumed numbering came: the blocks stay on their own."""
    sandwich = container.sandwich
    assert sandwich is not None
    container.sandwich = None
    container.body |= sandwich.saved_body
