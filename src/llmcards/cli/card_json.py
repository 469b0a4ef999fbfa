"""A card as the command line's JSON shows it (`cards --json`, `due --json`, `rate --json`):
one shape, and free of SQLAlchemy, so `due` can answer straight from the file."""

from __future__ import annotations

from typing import Any

from llmcards.cards import STATE_NAMES


def card_json(row: Any) -> dict[str, object]:
    return {
        "id": row.id,
        "deck": row.deck,
        "front": row.front,
        "back": row.back,
        "kind": row.kind,
        "context": row.context,
        "source": f"{row.source_path}:{row.source_line}",
        "state": STATE_NAMES.get(row.state, str(row.state)),
        "due": row.due.isoformat() if row.due is not None else None,
        "reps": row.reps,
        "lapses": row.lapses,
        # A `StudyRow` (a card of today's queue, `llmcards due`) is neither.
        "suspended": bool(getattr(row, "suspended", False)),
        "retired": bool(getattr(row, "retired", False)),
        "buried_until": _moment(getattr(row, "buried_until", None)),
    }


def _moment(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
