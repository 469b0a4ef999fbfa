"""Leeches: tagged and suspended once, as Anki does, and left alone after that."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from llmcards.stats.leeches import mark_leeches
from tests.stats.history import CARD, make_collection, set_card


def _cards(db):
    with db.read() as conn:
        return {
            r.front: (r.tags, r.suspended)
            for r in conn.execute(select(CARD.c.front, CARD.c.tags, CARD.c.suspended))
        }


def test_cards_at_the_threshold_are_tagged_and_suspended_once(tmp_path: Path) -> None:
    db, ids = make_collection(tmp_path / "c.db", {"NLP": ["A", "B", "C", "D"]})
    with db.write() as conn:
        set_card(conn, ids["A"], lapses=8, tags="important")
        set_card(conn, ids["B"], lapses=7)
        set_card(conn, ids["C"], lapses=12, retired=True)
        set_card(conn, ids["D"], lapses=9, tags="leeches")  # a different tag
        assert mark_leeches(conn, 8) == [ids["A"], ids["D"]]
    cards = _cards(db)
    assert cards["A"] == ("important leech", True)
    assert cards["D"] == ("leeches leech", True)
    assert cards["B"] == ("", False) and cards["C"] == ("", False)
    # The user unsuspends a leech on purpose: a later sweep leaves it be.
    with db.write() as conn:
        set_card(conn, ids["A"], suspended=False)
        assert mark_leeches(conn, 8) == []
    assert _cards(db)["A"] == ("important leech", False)
    db.close()


def test_threshold_zero_turns_leeches_off_and_card_ids_narrow_the_sweep(tmp_path: Path) -> None:
    db, ids = make_collection(tmp_path / "c.db", {"NLP": ["A", "B"]})
    with db.write() as conn:
        set_card(conn, ids["A"], lapses=30)
        set_card(conn, ids["B"], lapses=30)
        assert mark_leeches(conn, 0) == []
        assert mark_leeches(conn, 8, card_ids=[]) == []
        assert mark_leeches(conn, 8, card_ids=[ids["B"]]) == [ids["B"]]
    assert _cards(db) == {"A": ("", False), "B": ("leech", True)}
    db.close()
