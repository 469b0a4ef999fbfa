"""Sync, step one: what the mirror holds that llmcards does not, taken into the database.

After the mirror has synced with the server, its revlog holds reviews made on the phone,
on Anki desktop or by another llmcards. Each becomes a review here (kept by its revlog
id, so never twice) and the touched cards are replayed (`sync_history`). Cards of
llmcards' note types that this database lacks (a second machine starting empty) are
created, with the source `anki-sync` until notes with the same GUID are imported here
(`store/adopt`). A suspension changed in Anki since the last sync applies here.
Notes of other note types, the user's own decks, are never read, but for the notes
cards here came from (`import-anki`): such a card is synced as the Anki note it came
from (`anki_origin`), so the reviews made of it elsewhere come in as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from llmcards.cards import DECK_SEP, Kind, normal_deck, split_deck
from llmcards.config import Settings
from llmcards.exchange import apkg_schema as s
from llmcards.exchange.anki_days import AnkiDays
from llmcards.exchange.anki_mirror import Mirror
from llmcards.exchange.anki_notes import anki_key
from llmcards.exchange.anki_notes_in import CardText, card_text
from llmcards.exchange.anki_origin import load_origins
from llmcards.exchange.apkg_import import card_uid, ensure_deck, note_uid, own_tags
from llmcards.exchange.package_reader import Model
from llmcards.exchange.sync_history import Incoming, merge_reviews
from llmcards.scheduling.rating import Rater
from llmcards.store.adopt import SYNC_SOURCE
from llmcards.store.models import CARD, LEARNING, RELEARNING
from llmcards.store.models import LOG as REVIEW
from llmcards.store.models import REVIEW as REVIEW_STATE
from llmcards.store.queries import inserted_id
from llmcards.store.withdrawn import withdrawn_reviews

_ANSWERS = (s.REVLOG_LEARN, s.REVLOG_REVIEW, s.REVLOG_RELEARN, s.REVLOG_FILTERED)

MIRROR_CARDS = """
select c.id, n.id, n.guid, n.mid, c.ord, coalesce(nullif(c.odid, 0), c.did), c.queue,
       n.flds, n.tags, c.type, case when c.odid then c.odue else c.due end, c.reps
from cards c join notes n on n.id = c.nid
where n.mid in ({models})
"""
# The cards of the notes cards here came from, whatever their note type.
ORIGIN_CARDS = MIRROR_CARDS.replace("n.mid in ({models})", "n.guid in ({guids})")


@dataclass(slots=True)
class MirrorCard:
    cid: int
    nid: int
    guid: str
    mid: int
    ord: int
    did: int
    queue: int
    flds: str
    tags: str
    type: int
    due: int
    reps: int


@dataclass(slots=True)
class LocalCard:
    id: int
    uid: str
    note_uid: str
    kind: Kind
    cloze_ord: int
    cloze_text: str
    guid: str | None
    note_guid: str | None
    retired: bool
    suspended: bool
    anki_suspended: bool | None
    source_path: str
    origin_guid: str | None
    origin_ord: int | None


@dataclass
class LocalCards:
    by_place: dict[tuple[str, int], LocalCard]  # every card by its place in Anki
    from_anki: set[str] = field(default_factory=set)  # GUIDs of notes cards came from
    # Where an older llmcards synced such a card, as an llmcards note of its own: that
    # note is no card to make here (it is the card synced as its Anki note now).
    former: set[tuple[str, int]] = field(default_factory=set)


@dataclass
class PullReport:
    reviews: int = 0
    cards_created: int = 0
    cards_updated: int = 0
    suspensions: int = 0
    touched: set[int] = field(default_factory=set)


def mirror_cards(
    mirror: Mirror, models: dict[int, str], from_anki: set[str] | None = None
) -> dict[tuple[str, int], MirrorCard]:
    """The cards of llmcards' note types, and those of the notes `from_anki` (GUIDs)."""
    sql = MIRROR_CARDS.format(models=",".join(str(m) for m in models))
    found = {(row[2], row[4]): MirrorCard(*row) for row in mirror.query(sql)}
    wanted = sorted(from_anki or ())
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = mirror.query(ORIGIN_CARDS.format(guids=",".join("?" * len(chunk))), *chunk)
        found.update({(row[2], row[4]): MirrorCard(*row) for row in rows})
    return found


def local_cards(conn: Connection) -> LocalCards:
    """Every card by its Anki place; a live card wins over a retired one of the same place.
    A card that came from Anki is placed in the note it came from (`anki_key`)."""
    rows = conn.execute(
        select(
            CARD.c.id,
            CARD.c.uid,
            CARD.c.note_uid,
            CARD.c.kind,
            CARD.c.cloze_ord,
            CARD.c.cloze_text,
            CARD.c.guid,
            CARD.c.note_guid,
            CARD.c.retired,
            CARD.c.suspended,
            CARD.c.anki_suspended,
            CARD.c.source_path,
            CARD.c.origin_guid,
            CARD.c.origin_ord,
        ).order_by(CARD.c.retired.desc(), CARD.c.id)
    ).all()
    cards = [LocalCard(**row._mapping) for row in rows]
    origins = load_origins(conn, cards)
    found = LocalCards({})
    for card in cards:
        card.cloze_ord, card.cloze_text = card.cloze_ord or 0, card.cloze_text or ""
        place = anki_key(card, origins)
        found.by_place[place] = card
        if place != anki_key(card):
            found.from_anki.add(place[0])
            found.former.add(anki_key(card))
    return found


def pull(
    conn: Connection,
    mirror: Mirror,
    models: dict[int, str],
    settings: Settings,
    now: datetime,
) -> PullReport:
    report = PullReport()
    local = local_cards(conn)
    remote = mirror_cards(mirror, models, local.from_anki)
    model_info = _models(models)
    decks = {int(did): name for did, name in mirror.query("select id, name from decks")}
    deck_ids: dict[str, int] = {}
    by_cid: dict[int, int] = {}
    suspend: dict[int, bool] = {}
    placed: dict[int, MirrorCard] = {}  # llmcards card id -> its mirror card
    for key, card in remote.items():
        mine = local.by_place.get(key)
        suspended = card.queue == s.QUEUE_SUSPENDED
        if mine is None and (card.mid not in models or key in local.former):
            continue  # an Anki note's card no card here came from; see `LocalCards.former`
        if mine is None:
            made = _with_front(card_text(model_info[card.mid], card.flds.split("\x1f"), card.ord))
            by_cid[card.cid] = _create(conn, card, made, decks, deck_ids, now)
            placed[by_cid[card.cid]] = card
            report.cards_created += 1
            continue
        by_cid[card.cid] = mine.id
        placed[mine.id] = card
        # Text is converted only for cards that came by sync: notes imported here are the
        # source of their cards' text (and pushed), and converting 10k fields costs seconds.
        text: CardText | None = None
        if mine.source_path == SYNC_SOURCE:
            text = _with_front(card_text(model_info[card.mid], card.flds.split("\x1f"), card.ord))
        if text is not None and _text_changed(conn, mine.id, text):
            deck = _deck_name(decks, card.did)
            deck_id = ensure_deck(conn, deck, deck_ids)
            conn.execute(
                update(CARD)
                .where(CARD.c.id == mine.id)
                .values(_text_values(text, deck, deck_id, now, card.tags))
            )
            report.cards_updated += 1
        if mine.retired:
            continue  # out of the notes: suspended in Anki once (`sync_push._retire`)
        if mine.anki_suspended is not None and suspended != mine.anki_suspended:
            if suspended != mine.suspended:
                report.suspensions += 1
            suspend[mine.id] = suspended
    if suspend:
        conn.execute(
            update(CARD)
            .where(CARD.c.id == bindparam("_id"))
            .values(suspended=bindparam("s"), anki_suspended=bindparam("s")),
            [{"_id": card_id, "s": value} for card_id, value in suspend.items()],
        )
    from_anki = [c.cid for c in remote.values() if c.mid not in models and c.cid in by_cid]
    report.reviews, report.touched = _reviews(conn, mirror, models, by_cid, from_anki, settings)
    _keep_due_dates(conn, mirror, {i: placed[i] for i in report.touched}, settings)
    return report


def known_anki_ids(conn: Connection) -> set[int]:
    """Revlog ids not to take in: reviews this database has, and synced ones undone here."""
    return withdrawn_reviews(conn) | set(
        conn.execute(select(REVIEW.c.anki_id).where(REVIEW.c.anki_id.is_not(None))).scalars()
    )


def _reviews(
    conn: Connection,
    mirror: Mirror,
    models: dict[int, str],
    by_cid: dict[int, int],
    from_anki: list[int],
    settings: Settings,
) -> tuple[int, set[int]]:
    known = known_anki_ids(conn)
    incoming: dict[int, list[Incoming]] = {}
    # Only llmcards' note types and the cards that came from Anki (`from_anki`, their
    # ids in the mirror): a long-time Anki user's own revlog can be millions of rows.
    revlog = mirror.query(
        "select id, cid, ease, time, type from revlog where cid in (select c.id from cards c"
        f" join notes n on n.id = c.nid where n.mid in ({','.join(map(str, models))}))"
    )
    for start in range(0, len(from_anki), 500):
        chunk = from_anki[start : start + 500]
        revlog += mirror.query(
            f"select id, cid, ease, time, type from revlog where cid in ({','.join(map(str, chunk))})"
        )
    for rid, cid, ease, taken, kind in sorted(revlog, key=lambda row: row[0]):
        card_id = by_cid.get(cid)
        if card_id is None or rid in known or not 1 <= ease <= 4 or kind not in _ANSWERS:
            continue  # another note type's card, a known review, or a manual reschedule
        incoming.setdefault(card_id, []).append(Incoming(rid, ease, max(0, taken)))
    rater = Rater(settings)
    added = sum(
        merge_reviews(conn, rater, card_id, reviews) for card_id, reviews in incoming.items()
    )
    return added, set(incoming)


_ANKI_STATE = {s.CARD_LEARN: LEARNING, s.CARD_REVIEW: REVIEW_STATE, s.CARD_RELEARN: RELEARNING}


def _keep_due_dates(
    conn: Connection, mirror: Mirror, touched: dict[int, MirrorCard], settings: Settings
) -> None:
    """The replay sets a touched card's memory state; its due date stays the one the
    device that reviewed it last chose (fuzz, its own scheduler), when that device saw
    the card's whole history (same number of reviews) and the replay agrees on the state.
    Otherwise (reviews on both sides) the replayed due date stands. So every side ends up
    with one due date, as `apkg_import` keeps Anki's."""
    if not touched:
        return
    days = AnkiDays(datetime.fromtimestamp(mirror.crt, UTC), settings.rollover_hour)
    mine = {
        row.id: row
        for row in conn.execute(
            select(CARD.c.id, CARD.c.state, CARD.c.reps).where(CARD.c.id.in_(list(touched)))
        )
    }
    kept = []
    for card_id, card in touched.items():
        row = mine[card_id]
        if _ANKI_STATE.get(card.type) != row.state or card.reps != row.reps:
            continue
        if card.queue == s.QUEUE_LEARN or card.due > 10**9:  # a unix time
            due = datetime.fromtimestamp(card.due, UTC)
        else:  # a day number of the mirror
            due = days.start_of_day(card.due)
        kept.append({"_id": card_id, "d": due})
    if kept:
        conn.execute(
            update(CARD).where(CARD.c.id == bindparam("_id")).values(due=bindparam("d")), kept
        )


def _with_front(text: CardText) -> CardText:
    """A synced note whose front was emptied elsewhere still has a card here (its reviews
    keep coming): it is shown by the start of its answer."""
    if text.front:
        return text
    return replace(text, front=" ".join(text.back.split())[:80] or "(empty)")


def _models(models: dict[int, str]) -> dict[int, Model]:
    """llmcards' note types as `card_text` reads them (by their fields, as in `import-anki`)."""
    return {
        mid: Model(mid, s.BASIC_MODEL_NAME, False, list(s.BASIC_FIELDS))
        if kind == "basic"
        else Model(mid, s.CLOZE_MODEL_NAME, True, list(s.CLOZE_FIELDS))
        for mid, kind in models.items()
    }


def _deck_name(decks: dict[int, str], did: int) -> str:
    name = decks.get(did, "Anki").replace("\x1f", DECK_SEP)
    return normal_deck(name) or "Anki"


def _text_values(
    text: CardText, deck: str, deck_id: int, now: datetime, tags: str
) -> dict[str, object]:
    """A card's columns from its Anki note (tags without the deck-path tag sync adds)."""
    return {
        "deck_id": deck_id,
        "context": text.context,
        "front": text.front,
        "back": text.back,
        "kind": text.kind,
        "cloze_ord": text.cloze_ord,
        "cloze_text": text.cloze_text,
        "tags": own_tags(tags, deck),
        "updated_at": now,
    }


def _text_changed(conn: Connection, card_id: int, text: CardText) -> bool:
    row = conn.execute(
        select(CARD.c.front, CARD.c.back, CARD.c.context, CARD.c.cloze_text).where(
            CARD.c.id == card_id
        )
    ).one()
    wanted = (text.front, text.back, text.context, text.cloze_text)
    return tuple(row) != wanted


def _create(
    conn: Connection,
    card: MirrorCard,
    text: CardText,
    decks: dict[int, str],
    deck_ids: dict[str, int],
    now: datetime,
) -> int:
    """A card made on another machine: kept by its Anki GUID, history to follow."""
    deck = _deck_name(decks, card.did)
    uid = card_uid(card.guid, card.ord)
    cloze = text.kind == "cloze"
    suspended = card.queue == s.QUEUE_SUSPENDED
    values = {
        **_text_values(text, deck, ensure_deck(conn, deck, deck_ids), now, card.tags),
        "uid": uid,
        "note_uid": note_uid(card.guid) if cloze else uid,
        "guid": card.guid,
        "note_guid": card.guid,
        "root": split_deck(deck)[0],
        "source_path": SYNC_SOURCE,
        "source_line": 0,
        "position": card.nid,  # note ids grow with time: new cards keep their order
        "created_at": _created(card.nid, now),
        "state": 0,
        "reps": 0,
        "lapses": 0,
        "suspended": suspended,
        "anki_suspended": suspended,
    }
    return inserted_id(conn.execute(insert(CARD), [values]))


def _created(nid: int, now: datetime) -> datetime:
    """Anki note ids are their creation time in ms."""
    if 10**11 < nid < 10**14:
        return datetime.fromtimestamp(nid / 1000, UTC)
    return now
