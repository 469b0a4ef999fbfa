"""A new card's uid: a hash of what identifies it, so importing the same notes into
another database makes the same uids (Anki GUIDs derive from them).

Standard library only: the import's parse worker computes the hashes of the cards it
sends, the store only checks them against the uids already taken.
"""

from __future__ import annotations

import hashlib

Key = tuple[str, str, str, int]  # context, front, kind, cloze_ord: how re-imports match a card


def uid_digest(root: str, key: Key, heading: str) -> str:
    """The uid a card gets unless another card of its root already has it."""
    return _digest(_seed(root, key, heading))


def new_uid(root: str, key: Key, heading: str, taken: set[str], digest: str | None = None) -> str:
    """A uid not in `taken` (which then holds it); `digest`: `uid_digest`'s answer, if known."""
    uid = digest if digest is not None else uid_digest(root, key, heading)
    if uid in taken:
        seed, n = _seed(root, key, heading), 0
        while uid in taken:  # same front, heading and context twice: told apart by order
            n += 1
            uid = _digest(f"{seed}\x1f{n}")
    taken.add(uid)
    return uid


def _seed(root: str, key: Key, heading: str) -> str:
    return "\x1f".join((root, key[0], key[1], key[2], str(key[3]), heading))


def _digest(seed: str) -> str:
    return hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()
