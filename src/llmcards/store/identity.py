"""A new card's uid: a hash of what identifies it, so importing the same notes into
another database makes the same uids (Anki GUIDs derive from them). Both ways of
storing new cards (`sync.sync_file`, `new_root.NewRootImport`) take their uids here."""

from __future__ import annotations

import hashlib

Key = tuple[str, str, str, int]  # context, front, kind, cloze_ord: how re-imports match a card


def new_uid(root: str, key: Key, heading: str, taken: set[str]) -> str:
    """A uid not in `taken` (which then holds it)."""
    seed = "\x1f".join((root, key[0], key[1], key[2], str(key[3]), heading))
    uid = _digest(seed)
    n = 0
    while uid in taken:  # same front, heading and context twice: told apart by order
        n += 1
        uid = _digest(f"{seed}\x1f{n}")
    taken.add(uid)
    return uid


def _digest(seed: str) -> str:
    return hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()
