"""Replayed ratings (`scheduling.rating.Rater.replay`) written as llmcards review history,
and the card's schedule updated."""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from llmcards.scheduling.rating import Applied, CardSchedule
from llmcards.store.models import CARD
from llmcards.store.models import LOG as REVIEW


def review_rows(
    card_id: int, steps: list[Applied], origin: str = "anki"
) -> list[dict[str, object]]:
    return [
        {
            "card_id": card_id,
            "rating": step.review.rating,
            "reviewed_at": step.review.at,
            "duration_ms": step.review.duration_ms,
            "state_before": step.before.state,
            "state_after": step.after.state,
            "stability_before": step.before.stability,
            "stability_after": step.after.stability,
            "difficulty_before": step.before.difficulty,
            "difficulty_after": step.after.difficulty,
            "due_before": step.before.due,
            "due_after": step.after.due,
            "card_before": step.before.as_json(),
            "origin": origin,
        }
        for step in steps
    ]


def write_history(
    conn: Connection, card_id: int, steps: list[Applied], final: CardSchedule | None = None
) -> None:
    """Append these reviews to the card's log and give the card the resulting schedule."""
    if steps:
        conn.execute(insert(REVIEW), review_rows(card_id, steps))
    schedule = final or (steps[-1].after if steps else None)
    if schedule is not None:
        conn.execute(update(CARD).where(CARD.c.id == card_id).values(schedule.columns()))
