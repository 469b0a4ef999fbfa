"""A root deck's first import, stored piece by piece while the notes are still parsed.

With no card of the root in the database there is nothing to match, keep or retire:
every draft is a new card, and `sync.sync_file` would only hand out uids, note uids and
deck ids. This does the same, batch by batch in note order, so a large note's first
cards are stored while its last ones are parsed. The outcome is exactly `sync_file`'s
(tests compare the tables): the same uid for the same draft, the same sibling chosen
for a cloze note's uid, the same deck ids, the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from llmcards.cards import DECK_SEP, CardDraft, guid_for
from llmcards.store.bulk import ensure_decks
from llmcards.store.identity import Key, Uids
from llmcards.store.new_cards import CARD, NewCardRows
from llmcards.store.sqlite import create_indexes, drop_indexes
from llmcards.store.sync import SyncResult


def no_cards_at_all(conn: Connection) -> bool:
    return conn.execute(CARD.select().with_only_columns(CARD.c.id).limit(1)).first() is None


def root_has_cards(conn: Connection, root: str) -> bool:
    """Whether any card (retired ones too) belongs to `root`: then `sync_file` decides."""
    query = CARD.select().with_only_columns(CARD.c.id).where(CARD.c.root == root).limit(1)
    return conn.execute(query).first() is not None


class NewRootImport:
    """Stores the drafts of one file under a root deck that has no cards yet."""

    def __init__(self, conn: Connection, *, root: str, source_path: str, now: datetime) -> None:
        self._conn = conn
        self._root = root
        # Into an empty card table (a first import), the indexes are built at the end.
        empty = no_cards_at_all(conn)
        self._indexes = drop_indexes(conn, CARD.name) if empty else []
        self._rows = NewCardRows(
            conn, root=root, source_path=source_path, now=now, claims_synced=not empty
        )
        self._position = 0
        self._deck_ids: dict[tuple[str, ...], int] = {}
        self._uids = Uids()
        # sync_file walks drafts grouped by key, groups in order of first appearance:
        # its report lists new cards that way, and a cloze note takes the uid of the
        # sibling whose key appeared first.
        self._groups: dict[Key, tuple[int, list[CardDraft]]] = {}
        # (cloze_text, line) -> [first appearance of the chosen sibling's key, its uid,
        # the note uid its stored siblings carry (None: none stored yet)]
        self._notes: dict[tuple[str, int], list] = {}

    def add(self, drafts: Sequence[CardDraft]) -> None:
        """Store the next drafts of the file, in note order."""
        if not drafts:
            return
        deck_ids = self._deck_ids
        unseen = [d.deck for d in drafts if d.deck not in deck_ids]
        if unseen:
            deck_ids.update(ensure_decks(self._conn, unseen))
        groups, notes, rows, uids, root = (
            self._groups,
            self._notes,
            self._rows,
            self._uids,
            self._root,
        )
        clozes: list[tuple[CardDraft, str, int, str, int]] = []
        position = self._position
        for draft in drafts:
            key = (draft.context, draft.front, draft.kind, draft.cloze_ord)
            group = groups.get(key)
            if group is None:
                group = groups[key] = (position, [])
            group[1].append(draft)
            heading = DECK_SEP.join(draft.heading_path)
            uid = uids.new(root, key, heading)
            deck_id = deck_ids[draft.deck]
            if draft.kind == "cloze":
                note = notes.get((draft.cloze_text, draft.line))
                if note is None:
                    notes[(draft.cloze_text, draft.line)] = [group[0], uid, None]
                elif group[0] < note[0]:
                    note[0], note[1] = group[0], uid
                clozes.append((draft, uid, deck_id, heading, position))
            else:
                rows.add(
                    draft,
                    uid=uid,
                    note_uid=uid,
                    deck_id=deck_id,
                    heading=heading,
                    position=position,
                )
            position += 1
        self._position = position
        for draft, uid, deck_id, heading, at in clozes:  # their note's sibling is known now
            note = notes[(draft.cloze_text, draft.line)]
            if note[2] is not None and note[2] != note[1]:
                # Siblings stored with an earlier batch took their note uid from a
                # sibling whose key, as this batch shows, appeared after another's.
                update = (
                    CARD.update()
                    .where(CARD.c.note_uid == note[2])
                    .values(note_uid=note[1], note_guid=guid_for(note[1]))
                )
                self._conn.execute(update)
            note[2] = note[1]
            rows.add(
                draft, uid=uid, note_uid=note[1], deck_id=deck_id, heading=heading, position=at
            )
        rows.insert(self._conn)

    def finish(self) -> SyncResult:
        """What `sync_file` would report; the card table is indexed again."""
        create_indexes(self._conn, self._indexes)
        self._indexes = []
        drafts = [d for _first, group in self._groups.values() for d in group]
        return SyncResult(new=len(drafts), new_drafts=drafts)
