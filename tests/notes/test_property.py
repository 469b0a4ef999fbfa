"""Generated notes never make the importer raise, and parsing is deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmcards.notes import parse_note

WORDS = st.sampled_from(
    [
        "Dropout",
        "注意力",
        "LSTM",
        "梯度",
        "a",
        "std::vector",
        "https://x.org/a:b",
        "`c: d`",
        "“引号：x”",
        "(未闭合",
        "**粗体：**",
        "*斜体*",
        "{{c1::隐藏}}",
        "{{c2::词::提示}}",
        "a<sub>i</sub>",
        "<img src=x.png alt=图>",
        "[链接](https://x.org)",
        "![图](y.png)",
        "——",
        "→",
        " :: ",
        "：",
        ": ",
        "？",
        "[X]",
        "<br>",
        "<ul><li>x</li></ul>",
    ]
)
LINE = st.lists(WORDS, min_size=0, max_size=8).map(" ".join)
MARKER = st.sampled_from(
    ["- ", "* ", "1. ", "17. ", "- [ ] ", "- [x] ", "# ", "## ", "", "> ", "```\n"]
)


@st.composite
def notes(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 3, 4, 8]))
        lines.append(indent + draw(MARKER) + draw(LINE))
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes())
def test_generated_notes_never_raise_and_are_deterministic(text: str) -> None:
    first = parse_note(text)
    second = parse_note(text)
    assert first == second
    for drafted in first.cards:
        assert drafted.front.strip()
        assert drafted.line >= 1
        assert drafted.deck[0] == "notes"
        assert drafted.kind in ("basic", "cloze")
        assert (drafted.cloze_ord > 0) == (drafted.kind == "cloze")
    lines = [c.line for c in first.cards]
    assert lines == sorted(lines)  # note order


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_never_raises(text: str) -> None:
    parse_note(text)
