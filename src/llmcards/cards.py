"""Domain objects shared by every layer: what the importer makes and the store keeps.

Pure data, no I/O. The importer (`llmcards.notes`) produces `CardDraft`s and `Skipped`
items; the store turns drafts into persisted cards.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Literal, NamedTuple

from llmcards.errors import UserError

DECK_SEP = "::"
CONTEXT_SEP = " › "
LEECH_TAG = "leech"  # Anki's tag for a card forgotten over and over (suspended too)

Kind = Literal["basic", "cloze"]


class CardState(IntEnum):
    """A card's schedule state, stored as this integer in the `card.state` column (py-fsrs's
    `State` values; py-fsrs has no "new": a card never reviewed is ours)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


NEW, LEARNING, REVIEW, RELEARNING = CardState
STATE_NAMES: dict[int, str] = {state: state.name.lower() for state in CardState}


def deck_name(path: tuple[str, ...]) -> str:
    """`("LLM", "NLP")` -> `"LLM::NLP"`, Anki's spelling of a deck path."""
    return DECK_SEP.join(path)


# What Anki trims from each part of a deck name: white space and colons at either end
# (`A:::B` is A::B there, `x:` is x).
_PART_ENDS = re.compile(r"\A[\s:]+|[\s:]+\Z")


def split_deck(name: str) -> tuple[str, ...]:
    """The parts of a deck name as Anki reads them: each stripped of the white space and
    colons around it, empty ones dropped (`"C++ :: STL"` -> `("C++", "STL")`, `"A:::B"`
    -> `("A", "B")`)."""
    parts = (_PART_ENDS.sub("", part) for part in name.split(DECK_SEP))
    return tuple(part for part in parts if part)


def normal_deck(name: str) -> str:
    """`name` spelled as Anki spells it once it has the deck (`"a:: b ::::c "` ->
    `"a::b::c"`), "" when no part is left. A deck we name otherwise is renamed by Anki on
    import, and the two stop matching; blank parts are blank rows on the home screen."""
    return deck_name(split_deck(name))


# Deeper trees are no one's filing system, and every deck list walks each path level by
# level: a 1,000-level name made `decks` take 17 s.
MAX_DECK_DEPTH = 32


def check_deck_depth(name: str, where: str) -> None:
    """UserError for a deck path deeper than MAX_DECK_DEPTH levels (`where`: its source)."""
    depth = name.count(DECK_SEP) + 1
    if depth > MAX_DECK_DEPTH:
        raise UserError(
            f"{where}: deck name {name[:40]!r}… has {depth} levels, more than "
            f"{MAX_DECK_DEPTH}; use a shorter deck path"
        )


def within(name: str, deck: str) -> bool:
    """Whether the deck `name` is `deck` or one of its sub-decks."""
    return name == deck or name.startswith(deck + DECK_SEP)


def find_deck(names: Iterable[str], typed: str) -> str:
    """A deck's full name from what the user typed: the full path, or its last parts."""
    names = list(names)
    wanted = normal_deck(typed).casefold()
    if not wanted:
        raise UserError(f"no deck named {typed!r}; run `llmcards decks` to see the deck names")
    exact = [n for n in names if n.casefold() == wanted]
    if exact:
        return exact[0]
    tail = [n for n in names if n.casefold().endswith(DECK_SEP + wanted)]
    if len(tail) == 1:
        return tail[0]
    if len(tail) > 1:
        raise UserError(
            f"deck {typed!r} is ambiguous ({', '.join(sorted(tail)[:4])}); give its full path"
        )
    raise UserError(f"no deck named {typed!r}; run `llmcards decks` to see the deck names")


@dataclass(frozen=True, slots=True)
class CardDraft:
    """One card as the notes describe it, before it meets the database.

    `deck` is the full path, root first. `front` is plain text; `back` is Markdown.
    A cloze draft is one deletion: `front` shows it as `[...]` (or `[hint]`), `back` is
    the whole text with every deletion revealed, and `cloze_text` keeps the Anki-style
    source (`{{c1::…}}`) so exports can rebuild one note from its siblings.
    """

    deck: tuple[str, ...]
    front: str
    back: str
    line: int
    kind: Kind = "basic"
    context: str = ""
    heading_path: tuple[str, ...] = ()
    cloze_ord: int = 0
    cloze_text: str = ""

    @property
    def root(self) -> str:
        return self.deck[0]


SkipCategory = Literal[
    "term",  # named but never explained: a to-do list for the learner
    "statement",  # a longer line with no answer
    "only-links",
    "todo-list",
    "front-too-long",
    "too-many-clozes",  # more cloze numbers in one note than notes.cloze.MAX_CLOZES
]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A list item the importer looked at and passed over, with the reason why."""

    line: int
    text: str
    reason: str
    category: SkipCategory
    deck: tuple[str, ...] = ()


WarningKind = Literal["duplicate", "fragment", "long-answer"]


@dataclass(frozen=True, slots=True)
class CardWarning:
    """A card made as the rules say but worth a second look (never dropped)."""

    line: int
    front: str
    kind: WarningKind
    message: str
    deck: tuple[str, ...] = ()


@dataclass(slots=True)
class ParsedNote:
    """Everything the importer learned from one file."""

    root: str
    cards: list[CardDraft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    title: str | None = None
    _warnings: list[CardWarning] | None = field(default=None, init=False, repr=False)

    @property
    def warnings(self) -> list[CardWarning]:
        """Cards worth a second look (see `llmcards.notes.warnings`), found when first
        asked for: the parse itself does not pay for them."""
        if self._warnings is None:
            from llmcards.notes.warnings import card_warnings

            self._warnings = card_warnings(self.cards)
        return self._warnings

    @property
    def never_explained(self) -> list[Skipped]:
        return [s for s in self.skipped if s.category == "term"]


class StudyRow(NamedTuple):
    """The columns of a card (and its deck's name) that studying it needs."""

    id: int
    deck: str
    front: str
    back: str
    context: str
    kind: Kind
    source_path: str
    source_line: int
    state: int  # a CardState, as stored
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    reps: int
    lapses: int


STUDY_COLUMNS = tuple(name for name in StudyRow._fields if name != "deck")  # card columns, in order


# Anki's GUID alphabet (base91 without quotes or backslash), as Anki and genanki use it.
_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


# Every two-digit string, so one divmod makes two digits: an import makes a GUID for
# each new card (and one for each cloze note), ~0.1 s of its CPU on 100k bullets.
_BASE91_PAIRS = tuple(high + low for high in _BASE91 for low in _BASE91)


def guid_for(uid: str) -> str:
    """An Anki note GUID for an llmcards identity (a card's `uid`, or `note_uid` for a
    cloze note): stored with the card when it is made, so it outlives edits of the front.
    The 64-bit hash written in base91, most significant digit first, no leading zeros."""
    value = int.from_bytes(hashlib.sha256(f"llmcards:{uid}".encode()).digest()[:8], "big")
    pairs = len(_BASE91_PAIRS)
    digits = []
    while value >= pairs:
        value, rest = divmod(value, pairs)
        digits.append(_BASE91_PAIRS[rest])
    # What is left is below 91²: two digits, or one without its leading zero.
    digits.append(_BASE91_PAIRS[value] if value >= len(_BASE91) else _BASE91[value])
    return "".join(reversed(digits))
