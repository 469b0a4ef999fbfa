"""Counts in the words people read: "1 card", "2 cards"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and `noun`, plural unless the count is one ("1 card", "1,000 cards")."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
