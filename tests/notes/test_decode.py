"""Encodings, line endings and binary files (decode_note)."""

from __future__ import annotations

import codecs

import pytest

from llmcards.errors import NoteError
from llmcards.notes import decode_note, parse_note

NOTE = "# 强化学习\n- 折扣率：又叫折扣因子\n- Café：une boisson\n"


def test_plain_utf8_has_no_notice() -> None:
    decoded = decode_note(NOTE.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.notice) == (NOTE, "utf-8", None)


def test_utf8_bom_is_stripped() -> None:
    decoded = decode_note(codecs.BOM_UTF8 + NOTE.encode("utf-8"))
    assert decoded.text == NOTE


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    decoded = decode_note(bom + NOTE.encode(codec))
    assert decoded.text == NOTE
    assert decoded.notice == "decoded as UTF-16 (BOM)"


def test_utf16_without_bom() -> None:
    decoded = decode_note(
        ("# Notes\n- Dropout: random zeroing of activations\n" * 20).encode("utf-16-le")
    )
    assert decoded.text.startswith("# Notes\n- Dropout")
    assert decoded.notice == "decoded as UTF-16 (no BOM)"


@pytest.mark.parametrize("codec", ["gb18030", "gbk"])
def test_gb18030_and_gbk(codec: str) -> None:
    text = "# 强化学习\n- 折扣率：又叫折扣因子，取值范围为 0-1。\n- 经验回放\n"
    decoded = decode_note(text.encode(codec))
    assert decoded.text == text
    assert decoded.notice == "decoded as GB18030"
    assert [c.front for c in parse_note(decoded.text).cards] == ["折扣率"]


def test_latin1_french_is_not_mojibake_chinese() -> None:
    text = (
        "# Apprentissage\n- Rétropropagation : calcul du gradient, très utile. Ça marche déjà !\n"
        * 3
    )
    decoded = decode_note(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.notice is not None and "1252" in decoded.notice


def test_crlf_and_lone_cr_become_lf() -> None:
    decoded = decode_note(b"# A\r\n- a\xef\xbc\x9ab\r- c: d\r\n")
    assert decoded.text == "# A\n- a：b\n- c: d\n"
    note = parse_note(decoded.text)
    assert [(c.front, c.back, c.line) for c in note.cards] == [("a", "b", 2), ("c", "d", 3)]


def test_crlf_given_straight_to_parse_note() -> None:
    note = parse_note("# A\r\n\r\n- x：第一行\r\n  第二行\r\n")
    assert note.cards[0].back == "第一行\n第二行"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        bytes(range(256)) * 4,
    ],
)
def test_binary_is_a_note_error(data: bytes) -> None:
    with pytest.raises(NoteError) as raised:
        decode_note(data, "notes/picture.png")
    assert str(raised.value) == (
        "notes/picture.png: looks binary, or like UTF-16 text without a BOM (it holds NUL "
        "bytes); if it is notes, save it as UTF-8 and import it again"
    )


def test_utf16_without_bom_that_looks_binary_says_it_may_be_utf16() -> None:
    # Mostly CJK: too few NULs for the UTF-16 pattern, so it is refused, but the message
    # names what the user most likely has and what to do.
    data = "- 术语：很长的中文解释\n".encode("utf-16-le")
    with pytest.raises(NoteError) as raised:
        decode_note(data, "u16.md")
    message = str(raised.value)
    assert message.startswith("u16.md: looks binary, or like UTF-16 text without a BOM")
    assert message.endswith("save it as UTF-8 and import it again") and "\n" not in message
    # Short but ASCII-heavy enough for the pattern: read, not refused.
    assert decode_note("- 甲：乙\n".encode("utf-16-le")).text == "- 甲：乙\n"


def test_a_stray_byte_says_where_it_is_and_to_save_as_utf8() -> None:
    with pytest.raises(NoteError) as raised:
        decode_note("- 术语：".encode() + b"\xff ok\n" + "- ok：好\n".encode(), "bad.md")
    assert str(raised.value) == (
        "bad.md: cannot be read as UTF-8 (byte 0xFF at line 1, column 6 is not UTF-8, nor "
        "is the file GB18030); save it as UTF-8 and import it again"
    )


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        ("# 模型\r\n\r\n- Dropout：随机失活".encode() + b"\xff", 3, 15),  # CRLF lines
        ("# 模型\r- 术语".encode() + b"\x81\x20\xff", 2, 5),  # lone CR, as decode_note reads it
        (b"\xff" + "术语：解释\n".encode(), 1, 1),
        ("一\n二\n三三".encode() + b"\xe4\xb8", 3, 3),  # a character cut off at the end
    ],
)
def test_the_first_byte_that_is_not_utf8_is_counted_as_an_editor_counts(
    data: bytes, line: int, column: int
) -> None:
    with pytest.raises(NoteError) as raised:
        decode_note(data, "x.md")
    assert f"at line {line}, column {column} is not UTF-8" in str(raised.value)


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused() -> None:
    garbage = bytes([0x81, 0x20, 0xFF, 0x30]) * 300  # NUL-free, invalid in both
    with pytest.raises(
        NoteError, match=r"^x\.md: cannot be read as UTF-8 \(byte 0x81 at line 1, column 1 "
    ):
        decode_note(garbage, "x.md")


def test_empty_file_is_zero_cards() -> None:
    decoded = decode_note(b"")
    assert decoded.text == ""
    note = parse_note(decoded.text, stem="empty")
    assert (note.cards, note.skipped, note.root) == ([], [], "empty")
