"""Bytes of a notes file -> text, deciding the encoding the way the import rules say.

A BOM decides first. Without one: NUL bytes in the first 8 KB mean binary (unless the
NULs sit in the alternating pattern of BOM-less UTF-16); then UTF-8; then GB18030, with
charset-normalizer asked whether the bytes are really Western text (cp1252), because
GB18030 happily decodes most accented Latin text into mojibake Chinese.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from llmcards.errors import NoteError

SNIFF_BYTES = 8192
# charset-normalizer only needs a sample; the whole file may be tens of MB.
GUESS_SAMPLE = 256 * 1024
MAX_CHAOS = 0.3


@dataclass(frozen=True, slots=True)
class DecodedNote:
    text: str
    encoding: str
    notice: str | None = None


def decode_note(data: bytes, path: str = "<note>") -> DecodedNote:
    """Decode a notes file; raise `NoteError` for one it cannot read, saying why."""
    decoded = _decode(data, path)
    text = decoded.text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedNote(text, decoded.encoding, decoded.notice)


def _decode(data: bytes, path: str) -> DecodedNote:
    if data.startswith(codecs.BOM_UTF8):
        return DecodedNote(data[3:].decode("utf-8", "replace"), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace").lstrip("\ufeff")
        return DecodedNote(text, "utf-16", "decoded as UTF-16 (BOM)")
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise _binary(path)
        return utf16
    try:
        return DecodedNote(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    return _legacy(data, path, first_bad)


def _legacy(data: bytes, path: str, first_bad: int) -> DecodedNote:
    """`data` in a legacy encoding; `first_bad`: where it stopped being UTF-8."""
    try:
        gb_text: str | None = data.decode("gb18030")
    except UnicodeDecodeError:
        gb_text = None
    import charset_normalizer  # only legacy encodings need it; UTF-8 notes skip its import

    guess = charset_normalizer.from_bytes(
        data[:GUESS_SAMPLE], cp_isolation=["gb18030", "cp1252"]
    ).best()
    western = guess is not None and guess.encoding == "cp1252" and guess.chaos <= MAX_CHAOS
    if western:
        text = data.decode("cp1252", "replace")
        return DecodedNote(text, "cp1252", "decoded as Windows-1252 (Western European)")
    if gb_text is not None:
        return DecodedNote(gb_text, "gb18030", "decoded as GB18030")
    raise _not_utf8(data, path, first_bad)


def _bomless_utf16(data: bytes) -> DecodedNote | None:
    """UTF-16 without a BOM: ASCII-heavy text puts NULs in every other byte."""
    sample = data[:SNIFF_BYTES]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
        codec = "utf-16-le"
    elif even_nuls > half * 0.3 and odd_nuls < half * 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data[: len(data) - len(data) % 2].decode(codec)
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text[:SNIFF_BYTES]):
        return None
    return DecodedNote(text, codec, "decoded as UTF-16 (no BOM)")


def _binary(path: str) -> NoteError:
    """NUL bytes that are not UTF-16 as `_bomless_utf16` knows it: a binary file, or
    UTF-16 text the pattern missed (mostly CJK, so few NULs)."""
    return NoteError(
        path,
        "looks binary, or like UTF-16 text without a BOM (it holds NUL bytes)",
        "if it is notes, save it as UTF-8 and import it again",
    )


def _not_utf8(data: bytes, path: str, first_bad: int) -> NoteError:
    """Text in no encoding we read (a few stray bytes, most often): where its first
    byte that is not UTF-8 sits, as an editor counts lines and columns, so the user can
    find it or save the file as UTF-8."""
    before = data[:first_bad].decode("utf-8")  # all UTF-8: it comes before the first bad byte
    before = before.replace("\r\n", "\n").replace("\r", "\n")  # line ends as decode_note
    line = before.count("\n") + 1
    column = len(before) - before.rfind("\n")  # 1-based: characters since the line began
    return NoteError(
        path,
        f"cannot be read as UTF-8 (byte 0x{data[first_bad]:02X} at line {line}, column "
        f"{column} is not UTF-8, nor is the file GB18030)",
        "save it as UTF-8 and import it again",
    )
