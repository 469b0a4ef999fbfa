"""Identifiers Anki keys things by, derived from llmcards' own identities.

Deterministic ids are what make a second export update the notes of the first one
inside Anki instead of duplicating them: Anki matches notes by GUID and decks by name.
"""

from __future__ import annotations

import hashlib
import re

# Anki ids are JavaScript-safe integers; keep derived ones well inside 2**53.
_ID_SPAN = 2**52


def stable_id(*parts: str) -> int:
    """A positive id from names (decks): the same name always gets the same id."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return 1_000_000_000 + int.from_bytes(digest, "big") % (_ID_SPAN - 1_000_000_000)


_TAG = re.compile(r"<[^>]*>")


def field_checksum(field_html: str) -> int:
    """Anki's `notes.csum`: first 8 hex digits of SHA-1 of the sort field without HTML."""
    import html

    text = field_html
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub("", text))
    text = text.strip()
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)


def tag_of(name: str) -> str:
    """A deck path part as one Anki tag: tags cannot hold spaces."""
    cleaned = re.sub(r"\s+", "_", name.strip())
    return cleaned or "_"
