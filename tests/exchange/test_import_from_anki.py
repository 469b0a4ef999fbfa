"""Arriving from Anki: a collection made and studied in Anki itself, then imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmcards.config import Settings
from llmcards.exchange.apkg_import import import_apkg
from llmcards.exchange.csv_export import export_csv
from llmcards.store.db import open_db
from llmcards.store.models import LEARNING, NEW
from tests.exchange import collection as fixture
from tests.exchange.anki_backend import anki_cards, export_legacy_package, open_anki


def _anki_collection(tmp_path: Path, *, legacy: bool = True) -> Path:
    """Basic (and reversed), Cloze and a custom note type in nested decks; one card studied."""
    from anki.scheduler.v3 import CardAnswer

    col = open_anki(tmp_path / "mine.anki2")
    try:
        deck = col.decks.id("深度学习::序列模型")
        reversed_type = col.models.by_name("Basic (and reversed card)")
        note = col.new_note(reversed_type)
        note["Front"], note["Back"] = "LSTM", "<b>长短期</b>记忆网络<br>三个门"
        col.add_note(note, deck)
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "{{c1::Transformer}} 由 {{c2::Vaswani::作者}} 等人提出"
        col.add_note(cloze, deck)
        vocab = col.models.new("Vocab")
        for name in ("Word", "Meaning", "Example"):
            col.models.add_field(vocab, col.models.new_field(name))
        template = col.models.new_template("Card 1")
        template["qfmt"], template["afmt"] = "{{Word}}", "{{Meaning}}<br>{{Example}}"
        col.models.add_template(vocab, template)
        col.models.add(vocab)
        word = col.new_note(col.models.by_name("Vocab"))
        word["Word"], word["Meaning"], word["Example"] = "梯度", "gradient", "梯度下降"
        col.add_note(word, col.decks.id("词汇"))
        col.decks.select(deck)
        queued = col.sched.get_queued_cards().cards[0]
        card = col.get_card(queued.card.id)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
        )
        assert col.db.scalar("select count() from revlog") == 1
        package = tmp_path / "mine.apkg"
        if legacy:
            export_legacy_package(col, package)
        else:
            from anki.collection import ExportAnkiPackageOptions

            options = ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, with_media=False, legacy=False
            )
            col.export_anki_package(out_path=str(package), options=options, limit=None)
    finally:
        col.close()
    return package


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-package", "newest-package"])
def test_notes_made_in_anki_become_cards_with_their_history(tmp_path: Path, legacy: bool) -> None:
    package = _anki_collection(tmp_path, legacy=legacy)
    if not legacy:
        import zipfile

        assert "collection.anki21b" in zipfile.ZipFile(package).namelist()  # zstd, schema 18
    db = open_db(tmp_path / "c.db")
    report = import_apkg(db, package, settings=Settings())
    assert report.new == 5  # two reversed cards, two cloze cards, one custom-type card
    assert report.reviews == 1
    with db.read() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT origin FROM review_log")).scalars().all() == ["anki"]
    assert dict(report.other_note_types) == {"Vocab": 1}
    cards = {c.front: c for c in fixture.cards(db)}
    assert cards["LSTM"].back == "**长短期**记忆网络  \n三个门"
    assert cards["**长短期**记忆网络 三个门"].back == "LSTM"  # the reversed card
    # the third field follows the second: nothing of the note is left out
    assert cards["梯度"].back == "gradient\n\n梯度下降" and cards["梯度"].deck == "词汇"
    assert {c.deck for c in cards.values()} == {"深度学习::序列模型", "词汇"}
    clozes = sorted((c for c in cards.values() if c.kind == "cloze"), key=lambda c: c.cloze_ord)
    assert [c.front for c in clozes] == [
        "[...] 由 Vaswani 等人提出",
        "Transformer 由 [作者] 等人提出",
    ]
    assert all(c.back == "Transformer 由 Vaswani 等人提出" for c in clozes)
    assert clozes[0].note_uid == clozes[1].note_uid != clozes[0].uid
    studied = [c for c in cards.values() if c.reps]
    assert len(studied) == 1 and studied[0].state == LEARNING and studied[0].stability is not None
    assert all(c.state == NEW for c in cards.values() if not c.reps)


def test_csv_export_imports_into_anki_with_decks_guids_and_tags(tmp_path: Path) -> None:
    from anki.collection import ImportCsvRequest

    built = fixture.build(tmp_path, history=False)
    export_csv(built.db, tmp_path / "cards.csv")
    col = open_anki(tmp_path / "anki.anki2")
    try:
        metadata = col.get_csv_metadata(path=str(tmp_path / "cards.csv"), delimiter=None)
        col.import_csv(ImportCsvRequest(path=str(tmp_path / "cards.csv"), metadata=metadata))
        notes = {c.note().guid: c.note() for c in anki_cards(col)}
        assert len(notes) == 6 and col.card_count() == 7
        names = {col.decks.name(c.did) for c in anki_cards(col)}
        assert names == {"LLM 学习笔记::NLP", "LLM 学习笔记::CV::生成模型"}
        dropout = next(n for n in notes.values() if n.fields[0] == "Dropout")
        assert dropout.tags == ["LLM_学习笔记::NLP"]
        context = next(n for n in notes.values() if "预训练模型" in n.fields[0])
        assert context.fields[0].startswith('<div class="context">GPT，GPT-2，GPT-3 论文精读</div>')
        # importing the same CSV again matches notes by GUID: nothing doubles
        col.import_csv(ImportCsvRequest(path=str(tmp_path / "cards.csv"), metadata=metadata))
        assert col.note_count() == 6
    finally:
        col.close()


@pytest.mark.parametrize("deck", [None, "NLP"])
def test_csv_export_chooses_decks(tmp_path: Path, deck: str | None) -> None:
    built = fixture.build(tmp_path, history=False)
    summary = export_csv(built.db, tmp_path / "cards.csv", deck=deck)
    assert summary.cards == (7 if deck is None else 5)


def test_the_same_package_under_another_name_changes_nothing_a_learner_sees(
    tmp_path: Path,
) -> None:
    import shutil

    package = _anki_collection(tmp_path, legacy=True)
    renamed = tmp_path / "mine-copy.apkg"
    shutil.copy(package, renamed)
    db = open_db(tmp_path / "c.db")
    assert import_apkg(db, package, settings=Settings()).new == 5
    for again in (renamed, package, renamed):
        report = import_apkg(db, again, settings=Settings())
        assert (report.new, report.updated, report.unchanged) == (0, 0, 5), again.name
    db.close()
