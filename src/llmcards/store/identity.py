"""A new card's uid: a hash of what identifies it, so importing the same notes into
another database makes the same uids (Anki GUIDs derive from them). Both ways of
storing new cards (`sync.sync_file`, `new_root.NewRootImport`) take their uids here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

Key = tuple[str, str, str, int]  # context, front, kind, cloze_ord: how re-imports match a card


class Uids:
    """Hands out uids not yet taken. Equal fronts under one heading are told apart by a
    counter in the hash; remembering where each seed's counter got to keeps 10,000 equal
    fronts linear instead of re-hashing every earlier one for each new one."""

    def __init__(
        self, taken: Iterable[str] = (), stored: Callable[[str], bool] | None = None
    ) -> None:
        """`taken`: the uids in use; or `stored` answers whether one is (a re-import that
        reads only some of the root's cards asks the database)."""
        self.taken = set(taken)
        self._stored = stored
        self._next: dict[str, int] = {}

    def new(self, root: str, key: Key, heading: str) -> str:
        seed = "\x1f".join((root, key[0], key[1], key[2], str(key[3]), heading))
        n = self._next.get(seed, 0)
        uid = _digest(seed if n == 0 else f"{seed}\x1f{n}")
        while uid in self.taken or (self._stored is not None and self._stored(uid)):
            # same front, heading and context twice: told apart by order
            n += 1
            uid = _digest(f"{seed}\x1f{n}")
        self._next[seed] = n + 1  # every uid before it is taken, and stays taken
        self.taken.add(uid)
        return uid


def _digest(seed: str) -> str:
    return hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()
