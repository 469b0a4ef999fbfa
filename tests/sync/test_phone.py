"""llmcards and a phone (Anki's own client) studying the same cards through the server."""

from __future__ import annotations

from pathlib import Path

from llmcards import clock
from llmcards.exchange import apkg_schema as s
from tests.sync.conftest import Server
from tests.sync.helpers import Machine, Phone, anki_place, study_day_offset


def test_reviews_on_the_phone_come_back_and_both_sides_agree(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.tag("Dropout", "zeta Alpha leech")  # Anki keeps tags in an order of its own
    laptop.rate("Dropout", 3)
    laptop.rate("LayerNorm", 1)
    first = laptop.sync()
    assert first.full_sync == "upload"  # the server was empty
    assert first.pushed.notes_added == 7 and first.pushed.reviews == 2

    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()  # an empty phone downloads everything
    assert phone.revlog_count() == 2
    phone.study([3, 3, 1, 4])
    softmax = next(c for c in phone.cards().values() if c.front.startswith("Softmax"))
    phone.col.sched.suspend_cards([softmax.id])  # type: ignore[list-item]
    phone.sync()

    report = laptop.sync()
    assert report.pulled.reviews == 4
    assert report.pulled.suspensions == 1
    phone.sync()  # the schedules llmcards replayed reach the phone

    by_place = phone.cards()
    now = clock.now()
    today = phone.col.sched.today
    for card in laptop.cards():
        mine = by_place[anki_place(card)]
        reviews = laptop.review_count_of(card.id)
        assert (mine.reps, mine.lapses) == (card.reps, card.lapses), card.front
        assert phone.revlog_count(mine.id) == reviews, card.front
        if mine.queue == s.QUEUE_REVIEW:
            assert mine.due - today == study_day_offset(card.due, now, 4), card.front
        elif mine.queue == s.QUEUE_LEARN:
            assert mine.due == int(card.due.timestamp()), card.front
        elif card.reps == 0:
            assert mine.type == s.CARD_NEW, card.front
    assert laptop.review_count() == phone.revlog_count() == 6
    assert any(c.suspended and c.front.startswith("Softmax") for c in laptop.cards())

    again = laptop.sync()
    assert not again.changed  # syncing again at once changes nothing
    phone.close()
    laptop.close()


def test_an_edit_in_the_notes_reaches_the_phone_as_an_edit(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.rate("Dropout", 3)
    laptop.sync()
    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()
    before = phone.cards()

    file = notes / "nlp.md"
    file.write_text(
        file.read_text(encoding="utf-8").replace("训练时让部分神经元失活", "训练时随机丢弃神经元"),
        encoding="utf-8",
    )
    laptop.import_notes(notes)
    report = laptop.sync()
    assert report.pushed.notes_updated == 1 and report.pushed.notes_added == 0
    phone.sync()

    after = phone.cards()
    assert after.keys() == before.keys()  # the same notes, no new one
    dropout = next(c for c in after.values() if c.front == "Dropout")
    assert dropout.id == next(c for c in before.values() if c.front == "Dropout").id
    assert "训练时随机丢弃神经元" in phone.note_fields(dropout.guid)[1]
    assert phone.revlog_count(dropout.id) == 1  # its history stayed with it
    phone.close()
    laptop.close()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_images_reach_the_phone_a_front_edit_is_an_edit_and_a_removed_card_is_suspended(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    (notes / "picture").mkdir()
    (notes / "picture" / "attn.png").write_bytes(PNG)
    file = notes / "nlp.md"
    text = file.read_text(encoding="utf-8")
    file.write_text(text + "3. 注意力可视化\n    - ![注意力](picture/attn.png)\n", encoding="utf-8")
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    assert laptop.sync().pushed.media == 1
    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()
    media = phone.sync_media()
    assert (media / "attn.png").read_bytes() == PNG
    shown = next(c for c in phone.cards().values() if c.front == "注意力可视化")
    assert '<img src="attn.png"' in phone.note_fields(shown.guid)[1]

    # A front edit that keeps the card's history is an edit of the same note in Anki.
    kv = next(c for c in phone.cards().values() if c.front == "KV Cache")
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("4. KV Cache：", "4. KV-Cache："), encoding="utf-8")
    laptop.import_notes(notes)
    report = laptop.sync()
    assert report.pushed.notes_updated == 1 and report.pushed.notes_added == 0
    phone.sync()
    assert phone.cards()[(kv.guid, 0)].front == "KV-Cache"

    # A bullet removed from the notes retires its card (history kept): suspended in Anki.
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("2. PPO：限制新旧策略比值的裁剪目标，训练更稳定\n", ""), "utf-8")
    laptop.import_notes(notes)
    report = laptop.sync()
    assert report.pushed.cards_retired == 1 and report.pushed.notes_added == 0
    phone.sync()
    by_front = {c.front: c for c in phone.cards().values()}
    assert by_front["PPO"].queue == s.QUEUE_SUSPENDED
    assert by_front["KV-Cache"].queue == s.QUEUE_NEW
    assert not laptop.sync().changed
    phone.close()
    laptop.close()


def test_a_phone_that_imported_an_export_is_synced_without_doubling_anything(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    from llmcards.config import Settings
    from llmcards.exchange.apkg_export import export_apkg
    from tests.exchange.anki_backend import import_package

    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.rate("Dropout", 3)
    laptop.rate("PPO", 1)
    package = export_apkg(laptop.db, tmp_path / "llm.apkg", settings=Settings()).path
    phone = Phone(tmp_path / "phone", server.endpoint)
    import_package(phone.col, package)
    phone.sync()  # the phone's collection becomes the server's

    report = laptop.sync()
    assert report.full_sync == "download"
    assert report.pulled.reviews == 0 and report.pushed.reviews == 0
    assert report.pushed.notes_added == 0  # the exported notes, found by their GUIDs
    assert laptop.review_count() == 2
    phone.sync()
    assert phone.revlog_count() == 2 and len(phone.cards()) == 8
    assert not laptop.sync().changed
    phone.close()
    laptop.close()


def test_the_users_other_anki_decks_are_left_alone(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.sync()
    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()
    basic = phone.col.models.by_name("Basic")
    assert basic is not None
    own = phone.col.new_note(basic)
    own["Front"], own["Back"] = "猫", "ねこ"
    deck = phone.col.decks.id("日语")
    assert deck is not None
    phone.col.add_note(own, deck)
    phone.study([3], deck="日语")
    phone.sync()
    before = phone.db.all("select id, mod, usn, queue, due, reps from cards where nid = ?", own.id)

    report = laptop.sync()
    assert report.pulled.cards_created == 0 and report.pulled.reviews == 0
    assert len(laptop.cards()) == 8 and not report.changed
    phone.sync()
    after = phone.db.all("select id, mod, usn, queue, due, reps from cards where nid = ?", own.id)
    assert after == before and phone.note_fields(own.guid) == ["猫", "ねこ"]
    phone.close()
    laptop.close()


def test_cards_in_a_filtered_deck_on_the_phone_stay_there(
    tmp_path: Path, server: Server, notes: Path
) -> None:
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(notes)
    laptop.sync()
    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()
    filtered = phone.col.sched.get_or_create_filtered_deck(deck_id=0)  # type: ignore[arg-type]
    filtered.name = "冲刺"
    filtered.config.search_terms[0].search = "deck:nlp::RL"
    filtered.config.search_terms[0].limit = 100
    did = phone.col.sched.add_or_update_filtered_deck(filtered).id
    phone.sync()
    moved = phone.db.all("select id, did, odid, due, odue from cards where odid != 0 order by id")
    assert len(moved) == 2

    laptop.rate("PPO", 3)
    laptop.sync()
    phone.sync()
    assert [r[:3] for r in moved] == [
        r[:3] for r in phone.db.all("select id, did, odid from cards where odid != 0 order by id")
    ]
    assert all(r[1] == did for r in moved)
    assert laptop.review_count() == phone.revlog_count() == 1
    phone.close()
    laptop.close()
