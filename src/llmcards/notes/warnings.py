"""Cards worth a second look: the same front twice in one deck and context, a front
that reads like a sentence fragment (not a cloze's: a sentence by design), an answer
too long to be one fact. They are made as the rules say and listed after the import
summary, never dropped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from llmcards.cards import CardDraft, CardWarning, WarningKind

MAX_ANSWER = 600
# Ends like a cut-off sentence, or holds sentence punctuation (a question mark that
# ends the front makes it a question, not a fragment). The period of an abbreviation
# ends no sentence: a paper cited "by Vaswani et al. (2017)" is a good front.
_ABBREVIATIONS = ("al", "e.g", "i.e", "etc", "vs", "cf", "Fig", "Eq", "No")
# Looked behind only once a period is found: before it, at every position, they made
# the search 4x slower (0.13 s over 67k fronts).
_NOT_AN_ABBREVIATION = "".join(rf"(?<!\b{re.escape(a)}\.)" for a in _ABBREVIATIONS)
_FRAGMENT = re.compile(
    rf"(?:[，,]|比如|例如|如下|包括)$|[。！；]|[？?](?=.)|!(?:\s|$)|\.{_NOT_AN_ABBREVIATION}(?:\s|$)"
)


class Warnings:
    """Collects warnings over a note's cards as they are handed out in batches."""

    __slots__ = ("found", "seen")

    def __init__(self) -> None:
        self.seen: dict[tuple[tuple[str, ...], str, str], int] = {}
        self.found: list[CardWarning] = []

    def add(self, cards: Iterable[CardDraft]) -> None:
        seen, found = self.seen, self.found
        fragment = _FRAGMENT.search
        for card in cards:
            front = card.front
            if card.kind == "basic":
                first = seen.setdefault((card.deck, card.context, front), card.line)
                if first != card.line:
                    found.append(_warning(card, "duplicate", duplicate_message(first)))
            # A cloze is a sentence by design: the user chose which words to hide.
            if card.kind == "basic" and fragment(front) is not None:
                found.append(_warning(card, "fragment", "front reads like a sentence fragment"))
            if len(card.back) > MAX_ANSWER:
                found.append(_warning(card, "long-answer", f"answer over {MAX_ANSWER} characters"))

    def watching(
        self, batches: Iterator[tuple[list[CardDraft], list]]
    ) -> Iterator[tuple[list[CardDraft], list]]:
        """`batches` passed on unchanged, their cards looked at on the way."""
        for cards, skipped in batches:
            self.add(cards)
            yield cards, skipped


def duplicate_message(first: int) -> str:
    return f"same front as line {first}, same deck"


def duplicate_of(message: str) -> int | None:
    """The line a duplicate's message names (`duplicate_message`)."""
    found = _DUPLICATE.fullmatch(message)
    return int(found.group(1)) if found else None


_DUPLICATE = re.compile(r"same front as line (\d+), same deck")


def card_warnings(cards: Iterable[CardDraft]) -> list[CardWarning]:
    collector = Warnings()
    collector.add(cards)
    return collector.found


def _warning(card: CardDraft, kind: WarningKind, message: str) -> CardWarning:
    return CardWarning(card.line, card.front, kind, message, card.deck)
