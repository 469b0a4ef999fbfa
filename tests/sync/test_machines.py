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


def test_a_bullet_moved_one_file_at_a_time_with_a_sync_between_stays_one_card(
    tmp_path: Path, server: Server
) -> None:
    # Move Dropout from a.md to b.md, then import b.md alone (as `e` in the app does),
    # sync, import a.md. The import of b.md made a new card, which went to the server;
    # the import of a.md then let the reviewed card take its place. Deleted here, that
    # new card's note came back from the server as a second Dropout on the next sync.
    from llmcards.importing.files import import_paths

    notes = tmp_path / "notes"
    notes.mkdir()
    a, b = notes / "a.md", notes / "b.md"
    a.write_text("# Alpha\n\n- Dropout：随机失活\n- LSTM：三个门\n", encoding="utf-8")
    b.write_text("# Beta\n\n- GRU：两个门\n", encoding="utf-8")
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    import_paths(laptop.db, [notes], deck="笔记", now=clock.now())  # one root deck for both
    laptop.sync()
    laptop.rate("Dropout", 3)
    a.write_text("# Alpha\n\n- LSTM：三个门\n", encoding="utf-8")
    b.write_text("# Beta\n\n- GRU：两个门\n- Dropout：随机失活\n", encoding="utf-8")
    import_paths(laptop.db, [b], now=clock.now())
    assert laptop.sync().pushed.notes_added == 1
    import_paths(laptop.db, [a], now=clock.now())
    report = laptop.sync()
    assert report.pulled.cards_created == 0
    dropouts = [c for c in laptop.cards() if c.front == "Dropout"]
    assert len(dropouts) == 1 and dropouts[0].reps == 1 and dropouts[0].source_path == str(b)
    assert not laptop.sync().changed
    desktop = Machine(tmp_path / "desktop.db", server.endpoint)
    desktop.sync()
    # The retired copy is suspended on the server, as every retired card is: out of study.
    studied = [c.reps for c in desktop.cards() if c.front == "Dropout" and not c.suspended]
    assert studied == [1]
    laptop.close()
    desktop.close()
