"""Undoing a rating that a sync already sent: it stays undone here, as in Anki.

Anki's sync carries no deletion of a review (revlog rows are only ever added), so the
server and other devices keep the review; what an Anki user sees after undo, sync,
is that the review does not come back on the device that undid it and the card's
schedule (as it was before the rating) reaches the others.
"""

from __future__ import annotations

from pathlib import Path

from llmcards.exchange import apkg_schema as s
from llmcards.scheduling.session import StudySession
from tests.sync.conftest import Server
from tests.sync.helpers import Machine, Phone, anki_place


def test_a_review_undone_after_it_was_synced_does_not_come_back(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.sync()
    session = StudySession(laptop.db, settings=laptop.settings)
    card = session.current()
    assert card is not None
    session.rate(3, 4000)
    assert laptop.sync().pushed.reviews == 1
    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()
    assert phone.revlog_count() == 1

    assert session.undo() == card  # the card as it was, current again
    report = laptop.sync()
    assert report.pulled.reviews == 0  # the review does not come back
    assert laptop.review_count_of(card.id) == 0
    again = next(c for c in laptop.cards() if c.id == card.id)
    assert (again.state, again.reps) == (0, 0)

    phone.sync()  # the phone keeps the review (no sync deletes one) but not its schedule
    placed = phone.cards()[anki_place(again)]
    assert (placed.type, placed.queue) == (s.CARD_NEW, s.QUEUE_NEW)
    assert not laptop.sync().changed  # settled: nothing goes back and forth
    session.rate(4, 3000)  # rated again: a new review, synced like any other
    assert laptop.sync().pushed.reviews == 1
    phone.sync()
    assert phone.revlog_count(placed.id) == 2
    phone.close()
    laptop.close()
