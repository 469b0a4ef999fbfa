"""Recording a rating, and taking it back: the one write path for the TUI and `llmcards rate`.

Each function is one transaction (`db.write()`, BEGIN IMMEDIATE): the card's new
schedule and its review-log row are committed together or not at all, so a killed
process never leaves a card rescheduled without its log row (or the reverse). The log
row keeps the card as it was (`card_before`, JSON) so undo restores it exactly.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from llmcards.cards import LEECH_TAG, CardState
from llmcards.clock import next_day_start
from llmcards.config import Settings
from llmcards.errors import UserError
from llmcards.scheduling.rating import SCHEDULE_COLUMNS, CardSchedule, Rater, Review
from llmcards.scheduling.types import RATING_NAMES, RateOutcome, Rating
from llmcards.store.db import Store
from llmcards.store.models import CARD, DECK, LOG, NEW, REVIEW
from llmcards.store.queries import inserted_id
from llmcards.store.withdrawn import withdraw_review

# What undo must put back; the FSRS columns plus what a rating may change beside them.
_RESTORED = (*SCHEDULE_COLUMNS, "suspended", "buried_until", "tags")
_DATETIMES = ("due", "last_review", "buried_until")


class CardUnavailable(UserError):
    """The card cannot be studied (unknown id, or retired by a re-import)."""


class UndoRefused(UserError):
    """A rating cannot be taken back: it is gone from the review log, or the card was
    rated again since (elsewhere: undoing it would throw away that later review)."""


class RatedElsewhere(CardUnavailable):
    """The card was rated (or undone) by someone else since it was shown: another
    terminal, `llmcards rate`, a sync. Rating it as shown would answer a state it is no
    longer in."""


def card_row(conn: Connection, card_id: int) -> Any:
    """One card with its deck name and every column a rating reads."""
    row = None
    if 0 < card_id < 2**63:  # beyond SQLite's integers no card can be
        row = conn.execute(
            select(CARD, DECK.c.name.label("deck"))
            .join(DECK, DECK.c.id == CARD.c.deck_id)
            .where(CARD.c.id == card_id)
        ).first()
    if row is None:
        raise CardUnavailable(
            f"no card #{card_id}; run `llmcards cards` or `llmcards due --json` to see card ids"
        )
    return row


def check_rating(rating: int) -> int:
    if rating not in RATING_NAMES:
        raise UserError(f"rating {rating!r} is not one of 1 again, 2 hard, 3 good, 4 easy")
    return rating


def rate_card(
    db: Store,
    card_id: int,
    rating: int,
    *,
    now: datetime,
    duration_ms: int = 0,
    settings: Settings,
    rater: Rater | None = None,
    shown_reps: int | None = None,
) -> RateOutcome:
    """Rate a card at `now`; committed when this returns.

    `rater` lets a caller that rates many cards reuse one; it must have been built
    from the same `settings`. `shown_reps`: the card's reps when it was shown; if the
    card has others now, nothing is rated (RatedElsewhere).
    """
    check_rating(rating)
    rater = rater or Rater(settings)
    with db.write() as conn:
        return _rate_in(
            conn,
            card_id,
            rating,
            now=now,
            duration_ms=max(0, int(duration_ms)),
            settings=settings,
            rater=rater,
            shown_reps=shown_reps,
        )


def _rate_in(
    conn: Connection,
    card_id: int,
    rating: int,
    *,
    now: datetime,
    duration_ms: int,
    settings: Settings,
    rater: Rater,
    shown_reps: int | None = None,
) -> RateOutcome:
    row = card_row(conn, card_id)
    if row.retired:
        raise CardUnavailable(
            f"card #{card_id} ({row.front}) was retired: its notes no longer hold it; it cannot be rated"
        )
    if shown_reps is not None and row.reps != shown_reps:
        raise RatedElsewhere(
            f"card #{card_id} ({row.front}) was rated elsewhere since it was shown; not rated again"
        )
    before = CardSchedule.of(row)
    applied = rater.apply(card_id, before, Review(now, rating, duration_ms))
    after, leech = applied.after, applied.leech
    tags = row.tags
    if leech and LEECH_TAG not in tags.split():
        tags = f"{tags} {LEECH_TAG}".strip()

    siblings: list[tuple[int, datetime | None]] = []
    until = next_day_start(now, settings.rollover_hour)
    if row.kind == "cloze":
        siblings = _bury_siblings(conn, row, until)

    conn.execute(
        update(CARD)
        .where(CARD.c.id == card_id)
        .values(
            **after.columns(),
            tags=tags,
            suspended=True if leech else row.suspended,
        )
    )
    log_id = conn.execute(
        insert(LOG).values(
            card_id=card_id,
            rating=rating,
            reviewed_at=now,
            duration_ms=duration_ms,
            state_before=before.state,
            state_after=after.state,
            stability_before=before.stability,
            stability_after=after.stability,
            difficulty_before=before.difficulty,
            difficulty_after=after.difficulty,
            due_before=before.due,
            due_after=after.due,
            card_before=_card_before_json(row, siblings),
        )
    )
    assert after.due is not None
    return RateOutcome(
        card_id=card_id,
        rating=Rating(rating),
        review_log_id=inserted_id(log_id),
        state=CardState(after.state),
        due=after.due,
        stability=after.stability,
        difficulty=after.difficulty,
        step=after.step,
        reps=after.reps,
        lapses=after.lapses,
        leech=leech,
        buried_siblings=tuple(sid for sid, _ in siblings),
    )


def _bury_siblings(
    conn: Connection, row: Any, until: datetime
) -> list[tuple[int, datetime | None]]:
    """Hide the note's other new and review cards until the next day (Anki's sibling burying)."""
    found = conn.execute(
        select(CARD.c.id, CARD.c.buried_until).where(
            CARD.c.note_uid == row.note_uid,
            CARD.c.id != row.id,
            CARD.c.retired.is_(False),
            CARD.c.suspended.is_(False),
            CARD.c.state.in_((NEW, REVIEW)),
        )
    ).all()
    siblings = [(sid, old) for sid, old in found if old is None or old < until]
    if siblings:
        conn.execute(
            update(CARD)
            .where(CARD.c.id.in_([sid for sid, _ in siblings]))
            .values(buried_until=until)
        )
    return siblings


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _card_before_json(row: Any, siblings: list[tuple[int, datetime | None]]) -> str:
    data: dict[str, Any] = {}
    for name in _RESTORED:
        value = getattr(row, name)
        data[name] = _iso(value) if name in _DATETIMES else value
    data["suspended"] = bool(row.suspended)
    data["buried_siblings"] = [[sid, _iso(old)] for sid, old in siblings]
    return json.dumps(data, ensure_ascii=False)


def _values_from_json(text: str) -> tuple[dict[str, Any], list[tuple[int, datetime | None]]]:
    data = json.loads(text)
    values: dict[str, Any] = {}
    for name in _RESTORED:
        value = data.get(name)
        values[name] = datetime.fromisoformat(value) if (name in _DATETIMES and value) else value
    siblings = [
        (int(sid), datetime.fromisoformat(old) if old else None)
        for sid, old in data.get("buried_siblings", [])
    ]
    return values, siblings


def undo_review(db: Store, review_log_id: int) -> int:
    """Take back one rating: the card as it was before it, the log row gone. Returns the card id.

    Only a card's latest rating can be taken back; undoing an older one would throw
    away the reviews after it.
    """
    with db.write() as conn:
        log = conn.execute(
            select(LOG.c.card_id, LOG.c.card_before, LOG.c.anki_id).where(LOG.c.id == review_log_id)
        ).first()
        if log is None:
            raise UndoRefused(f"review #{review_log_id} is not in the review log; nothing to undo")
        later = conn.execute(
            select(LOG.c.id).where(LOG.c.card_id == log.card_id, LOG.c.id > review_log_id).limit(1)
        ).first()
        if later is not None:
            raise UndoRefused(
                f"card #{log.card_id} was rated again after review #{review_log_id}; undo that first"
            )
        values, siblings = _values_from_json(log.card_before)
        conn.execute(update(CARD).where(CARD.c.id == log.card_id).values(**values))
        for sid, old in siblings:
            conn.execute(update(CARD).where(CARD.c.id == sid).values(buried_until=old))
        conn.execute(delete(LOG).where(LOG.c.id == review_log_id))
        if log.anki_id is not None:  # already synced: the next sync must not bring it back
            withdraw_review(conn, log.anki_id)
        return int(log.card_id)


def set_buried(db: Store, card_id: int, until: datetime | None) -> datetime | None:
    """Bury (or unbury, `until=None`) one card; returns what it was before, for undo."""
    with db.write() as conn:
        before = card_row(conn, card_id).buried_until
        conn.execute(update(CARD).where(CARD.c.id == card_id).values(buried_until=until))
        return before


def set_suspended(db: Store, card_id: int, suspended: bool) -> bool:
    """Suspend (or unsuspend) one card; returns whether it was suspended before, for undo."""
    with db.write() as conn:
        before = bool(card_row(conn, card_id).suspended)
        conn.execute(update(CARD).where(CARD.c.id == card_id).values(suspended=suspended))
        return before
