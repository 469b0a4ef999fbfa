"""Two llmcards databases (two terminals) studying the same cards through the server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from llmcards import clock
from tests.sync.conftest import Server
from tests.sync.helpers import Machine, anki_due, anki_place


def test_a_fresh_database_gets_every_card_with_its_history_and_conflicts_keep_both(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    start = clock.now() - timedelta(days=3)
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.rate("Dropout", 3, at=start)
    laptop.rate("PPO", 1, at=start)
    laptop.sync()

    desktop = Machine(tmp_path / "desktop.db", server.endpoint)
    first = desktop.sync()
    assert first.full_sync == "download"
    assert first.pulled.cards_created == len(laptop.cards()) == 8
    assert len(desktop.reviews_of("Dropout")) == 1 and len(desktop.reviews_of("PPO")) == 1

    # Both review Dropout before syncing again: a conflict Anki cannot see as one.
    laptop.rate("Dropout", 3, at=start + timedelta(days=2))
    desktop.rate("Dropout", 2, at=start + timedelta(days=2, hours=1))
    desktop.rate("KV Cache", 4, at=start + timedelta(days=2, hours=1))
    laptop.sync()
    desktop.sync()
    laptop.sync()

    for machine in (laptop, desktop):
        ratings = [r.rating for r in machine.reviews_of("Dropout")]
        assert ratings == [3, 3, 2], machine.path.name  # both reviews kept, in time order
    ours, theirs = (
        {anki_place(c): (c.reps, c.lapses, c.state, anki_due(c), c.stability) for c in m.cards()}
        for m in (laptop, desktop)
    )
    assert ours == theirs  # the same history replayed the same way on both
    assert laptop.review_count() == desktop.review_count() == 5
    assert not laptop.sync().changed and not desktop.sync().changed

    # The notes imported on the second machine claim the cards that came by sync.
    desktop.import_notes(notes)
    assert len(desktop.cards()) == 8
    assert [r.rating for r in desktop.reviews_of("Dropout")] == [3, 3, 2]
    assert {c.source_path.rsplit("/", 1)[-1] for c in desktop.cards()} == {"nlp.md"}
    assert not desktop.sync().pushed.notes_added
    laptop.close()
    desktop.close()


TRICKY = (
    "# 细节\n\n"
    "- 不换行空格：A\u00a0B 之间是 NBSP\n"
    "- 两个空格：一句话  里有两个空格\n"
    '- 带标题的链接：见 [论文](https://arxiv.org/abs/1706.03762 "Attention") 一文\n'
)


def test_a_terminal_that_only_syncs_pushes_nothing_back(tmp_path: Path, server: Server) -> None:
    # The desktop has no notes of its own: what it holds came from the server, rebuilt
    # from Anki's HTML. Pushing that back (a NBSP turned into a space, a link's title
    # dropped) rewrote the laptop's notes on every sync, each side undoing the other.
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "tricky.md").write_text(TRICKY, encoding="utf-8")
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.sync()
    desktop = Machine(tmp_path / "desktop.db", server.endpoint)
    assert desktop.sync().full_sync == "download"
    for machine in (desktop, laptop, desktop, laptop):
        report = machine.sync()
        assert report.pushed.notes_updated == 0, machine.path.name
    assert not laptop.sync().changed and not desktop.sync().changed
    laptop.close()
    desktop.close()
