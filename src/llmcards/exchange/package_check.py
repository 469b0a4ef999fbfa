"""Checking what a package's collection holds before anything of it is imported.

Anki's own backend keeps its columns in fixed-width integers (ids i64, due/left/odue
i32, ivl/reps/lapses u32, factor u16) and its fields as text. A package built by
anything else can hold NULLs, BLOBs, numbers past those widths, intervals of a million
years or repeated GUIDs; each of those once ended an import in a traceback, or left a
card that can never be rated again (stability `inf`). So a package is refused with the
first such problem named (`PackageProblem`), before one row is written; a memory state
that is not a number FSRS can use is dropped instead (the card's review log, or its
interval, gives it a new one).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

from llmcards.cards import DECK_SEP, MAX_DECK_DEPTH
from llmcards.exchange.package_reader import AnkiCollection, PackageProblem

I32 = 2**31
I64 = 2**63
MAX_IVL_DAYS = 100_000  # Anki's maximum is 36,500; beyond ~270 years dates overflow
MAX_ORD = 1000  # templates per note type / cloze numbers per note
LATEST_MS = 253_402_300_799_000 // 2  # revlog ids are ms; this is year ~5000
MAX_OFFSET_MINUTES = 24 * 60
MAX_STABILITY = 1e6  # days
_CARD_COLUMNS = [
    "id",
    "nid",
    "did",
    "ord",
    "type",
    "queue",
    "due",
    "ivl",
    "factor",
    "reps",
    "lapses",
    "left",
    "odue",
    "odid",
    "data",
]


def check_collection(col: AnkiCollection) -> None:
    """Raise PackageProblem for the first thing no Anki collection can hold; clean the
    memory states (card `data`) in place."""
    _check_int(col.crt, 0, LATEST_MS // 1000, "its creation time (crt)")
    offset = col.conf.get("creationOffset")
    if offset is not None:
        _check_int(offset, -MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES, "its creationOffset")
    for did, name in col.decks.items():
        _check_int(did, -I64, I64 - 1, "a deck id")
        if not isinstance(name, str):
            raise PackageProblem(f"deck {did} has no text name")
        depth = name.count(DECK_SEP) + 1
        if depth > MAX_DECK_DEPTH:
            raise PackageProblem(
                f"deck {name[:40]!r}… has {depth} levels, more than llmcards' {MAX_DECK_DEPTH}"
            )
    for model in col.models.values():
        if not all(isinstance(name, str) for name in model.fields):
            raise PackageProblem(f"note type {model.id} has a field without a text name")
    _check_notes(col)
    col.cards = [_checked_card(row) for row in col.cards]
    for rows in col.revlog.values():
        for row in rows:
            _check_review(row)


def _check_notes(col: AnkiCollection) -> None:
    seen: dict[str, int] = {}
    for nid, (guid, mid, tags, flds) in col.notes.items():
        _check_int(nid, 1, I64 - 1, "a note id")
        _check_int(mid, -I64, I64 - 1, f"note {nid}'s note type id")
        if not isinstance(guid, str) or not guid:
            raise PackageProblem(f"note {nid} has no GUID")
        if guid in seen:
            raise PackageProblem(f"notes {seen[guid]} and {nid} share the GUID {guid[:20]!r}")
        seen[guid] = nid
        if not isinstance(flds, str):
            raise PackageProblem(f"note {nid}'s fields are {_kind(flds)}, not text")
        if not isinstance(tags, str):
            raise PackageProblem(f"note {nid}'s tags are {_kind(tags)}, not text")


def _checked_card(row: tuple) -> tuple:
    values = dict(zip(_CARD_COLUMNS, row, strict=True))
    cid = values["id"]
    _check_int(cid, 1, I64 - 1, "a card id")
    what = f"card {cid}'s"
    _check_int(values["nid"], 1, I64 - 1, f"{what} note id")
    _check_int(values["did"], -I64, I64 - 1, f"{what} deck id")
    _check_int(values["odid"] or 0, -I64, I64 - 1, f"{what} original deck id")
    _check_int(values["ord"], 0, MAX_ORD - 1, f"{what} template number (ord)")
    _check_int(values["type"], 0, 3, f"{what} type")
    _check_int(values["queue"], -3, 4, f"{what} queue")
    for name in ("due", "left", "odue"):
        _check_int(values[name] or 0, -I32, I32 - 1, f"{what} {name}")
    _check_int(values["ivl"], -I32, MAX_IVL_DAYS, f"{what} interval (ivl)")
    _check_int(values["factor"], 0, 2**16 - 1, f"{what} ease factor")
    for name in ("reps", "lapses"):
        _check_int(values[name], 0, I32 - 1, f"{what} {name}")
    data = values["data"]
    if data is not None and not isinstance(data, str):
        raise PackageProblem(f"{what} data is {_kind(data)}, not text")
    return (*row[:-1], _sound_memory(data or ""))


def _sound_memory(data: str) -> str:
    """`data` without a stability or difficulty FSRS cannot use (inf, NaN, ≤ 0, out of
    range): then the review log, or the interval, decides the card's memory."""
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        return ""
    if not isinstance(parsed, dict):
        return ""
    stability, difficulty = parsed.get("s"), parsed.get("d")
    if stability is not None and not _number_in(stability, 0.001, MAX_STABILITY):
        parsed.pop("s")
    if difficulty is not None and not _number_in(difficulty, 1.0, 10.0):
        parsed.pop("d")
    return json.dumps(parsed)


def _check_review(row: tuple) -> None:
    rid, cid, ease, ivl, last_ivl, factor, taken, kind = row
    _check_int(rid, 1, LATEST_MS, "a review id (its time)")
    what = f"review {rid}'s"
    _check_int(cid, 1, I64 - 1, f"{what} card id")
    _check_int(ease, 0, 4, f"{what} answer (ease)")
    for name, value in (("ivl", ivl), ("lastIvl", last_ivl), ("factor", factor)):
        _check_int(value, -I32, I32 - 1, f"{what} {name}")
    _check_int(taken, -I32, I32 - 1, f"{what} time taken")
    _check_int(kind, 0, 5, f"{what} type")


def _check_int(value: object, low: int, high: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise PackageProblem(f"{what} is {_kind(value)}, not a whole number")
    if not low <= value <= high:
        raise PackageProblem(f"{what} {value} is out of range")


def _number_in(value: object, low: float, high: float) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
    )


def _kind(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return "binary data (a BLOB)"
    if isinstance(value, float):
        return f"the fraction {value}"
    if isinstance(value, Iterable) and not isinstance(value, str):
        return "a list"
    return f"{type(value).__name__} {str(value)[:20]!r}"
