"""Re-import semantics at the store level: history is never lost, identity is stable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update

from llmcards.cards import CardDraft
from llmcards.store.db import Database, open_db
from llmcards.store.models import CARD
from llmcards.store.sync import sync_file

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def draft(
    front: str,
    back: str = "answer",
    *,
    deck: tuple[str, ...] = ("LLM", "NLP"),
    line: int = 1,
    context: str = "",
) -> CardDraft:
    return CardDraft(
        deck=deck, front=front, back=back, line=line, context=context, heading_path=deck[1:]
    )


def sync(
    db: Database,
    drafts: list[CardDraft],
    path: str = "/notes/a.md",
    *,
    root: str = "LLM",
    now: datetime = T0,
    gone: tuple[str, ...] = (),
):
    with db.write() as conn:
        return sync_file(
            conn,
            root=root,
            source_path=path,
            drafts=drafts,
            now=now,
            path_is_gone=lambda p: p in gone,
        )


def cards(db: Database) -> Sequence[Any]:
    with db.read() as conn:
        return conn.execute(
            select(
                CARD.c.id,
                CARD.c.front,
                CARD.c.back,
                CARD.c.retired,
                CARD.c.reps,
                CARD.c.deck_id,
                CARD.c.source_path,
                CARD.c.context,
            ).order_by(CARD.c.id)
        ).all()


def study(db: Database, card_id: int) -> None:
    """Pretend the learner reviewed the card: give it a schedule to protect."""
    with db.write() as conn:
        conn.execute(
            update(CARD)
            .where(CARD.c.id == card_id)
            .values(
                state=2, reps=3, lapses=1, stability=5.0, difficulty=6.0, due=T0 + timedelta(days=4)
            )
        )


def test_first_import_creates_cards_in_note_order(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    result = sync(db, [draft("LSTM"), draft("GRU"), draft("RNN")])
    assert (result.new, result.updated, result.unchanged, result.retired) == (3, 0, 0, 0)
    assert [c.front for c in cards(db)] == ["LSTM", "GRU", "RNN"]
    with db.read() as conn:
        stored = conn.execute(select(CARD.c.created_at, CARD.c.retired, CARD.c.state)).all()
    assert stored == [(T0, False, 0)] * 3  # bulk insert keeps types exactly


def test_unchanged_reimport_changes_nothing(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM"), draft("GRU")])
    before = cards(db)
    result = sync(db, [draft("LSTM"), draft("GRU")], now=T0 + timedelta(days=1))
    assert (result.new, result.updated, result.unchanged, result.retired) == (0, 0, 2, 0)
    assert cards(db) == before


def test_answer_edit_updates_and_keeps_schedule(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM", "old answer")])
    (card,) = cards(db)
    study(db, card.id)
    result = sync(db, [draft("LSTM", "new answer with the gates")])
    assert result.updated == 1 and result.new == 0
    (after,) = cards(db)
    assert after.id == card.id and after.back == "new answer with the gates" and after.reps == 3


def test_heading_move_moves_the_card_and_keeps_history(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("Dropout", deck=("LLM", "NLP"))])
    (card,) = cards(db)
    study(db, card.id)
    result = sync(db, [draft("Dropout", deck=("LLM", "训练"))])
    assert (result.new, result.updated, result.retired) == (0, 1, 0)
    (after,) = cards(db)
    assert after.id == card.id and after.reps == 3 and after.deck_id != card.deck_id


def test_renamed_file_keeps_history_when_old_path_is_gone(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM")], path="/notes/old.md")
    (card,) = cards(db)
    study(db, card.id)
    result = sync(db, [draft("LSTM")], path="/notes/new.md", gone=("/notes/old.md",))
    assert result.new == 0
    (after,) = cards(db)
    assert after.id == card.id and after.source_path == "/notes/new.md" and after.reps == 3


def test_other_existing_file_keeps_its_own_card(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM")], path="/notes/a.md")
    result = sync(db, [draft("LSTM")], path="/notes/b.md")
    assert result.new == 1
    assert [c.source_path for c in cards(db)] == ["/notes/a.md", "/notes/b.md"]


def test_front_edit_retires_old_card_and_makes_a_new_one(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM")])
    (old,) = cards(db)
    study(db, old.id)
    # Not a small edit of the front, and another answer: a different card.
    result = sync(db, [draft("长短期记忆网络", "门控")])
    assert (result.new, result.retired) == (1, 1)
    assert result.retired_fronts == ["LSTM"]
    rows = cards(db)
    assert rows[0].id == old.id and rows[0].retired and rows[0].reps == 3  # kept, with history
    assert rows[1].front == "长短期记忆网络" and not rows[1].retired


def test_same_front_under_two_headings_is_two_cards_matched_by_heading(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(
        db,
        [draft("例子", "rl", deck=("LLM", "强化学习")), draft("例子", "nlp", deck=("LLM", "NLP"))],
    )
    first = cards(db)
    assert len(first) == 2
    # Swap the order of the sections: each card follows its heading, not its position.
    result = sync(
        db,
        [draft("例子", "nlp", deck=("LLM", "NLP")), draft("例子", "rl", deck=("LLM", "强化学习"))],
    )
    assert (result.new, result.updated, result.retired) == (0, 0, 0)
    assert cards(db) == first


def test_same_front_under_two_group_heads_is_two_cards(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    result = sync(
        db, [draft("定义", "a", context="GPT 论文"), draft("定义", "b", context="BERT 论文")]
    )
    assert result.new == 2


def test_same_front_twice_in_one_place_is_told_apart_by_order(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("例子", "one"), draft("例子", "two")])
    _first, second = cards(db)
    study(db, second.id)
    result = sync(db, [draft("例子", "one"), draft("例子", "two, edited")])
    assert (result.new, result.updated, result.retired) == (0, 1, 0)
    assert [c.back for c in cards(db)] == ["one", "two, edited"]
    assert cards(db)[1].reps == 3


def test_restoring_an_edited_front_revives_the_retired_card(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM")])
    (old,) = cards(db)
    study(db, old.id)
    sync(db, [draft("GRU", "another answer")])
    sync(db, [draft("LSTM")])
    live = [c for c in cards(db) if not c.retired]
    assert [c.id for c in live] == [old.id] and live[0].reps == 3


def test_roots_are_separate_identities(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM", deck=("A",))], root="A")
    result = sync(db, [draft("LSTM", deck=("B",))], root="B")
    assert result.new == 1 and len(cards(db)) == 2


def test_failed_import_leaves_database_as_it_was(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM")])
    before = cards(db)
    try:
        with db.write() as conn:
            sync_file(conn, root="LLM", source_path="/notes/a.md", drafts=[draft("GRU")], now=T0)
            conn.execute(text("SELECT * FROM no_such_table"))
    except Exception:
        pass
    assert cards(db) == before


def test_matching_batch_by_batch_gives_the_cards_of_matching_all_at_once(tmp_path: Path) -> None:
    """An import matches each parsed batch as it arrives (`Matcher.add`); equal fronts
    under headings that come and go must end up on the same stored cards as when the
    whole file is matched at once, whatever the batch size."""
    from llmcards.store.sync import existing_cards

    db = open_db(tmp_path / "c.db")
    headings = [("LLM", "A"), ("LLM", "B"), ("LLM", "A"), ("LLM", "C"), ("LLM", "B")]
    first = [draft("同一个问题", f"答案 {i}", deck=d, line=i) for i, d in enumerate(headings)]
    once = draft("只有一张", deck=("LLM", "A"), line=8)
    sync(db, [*first, once, draft("别的", deck=("LLM", "A"), line=9)])
    # Re-imported with headings moved: some drafts find their heading, others take the
    # cards left over, in order.
    moved = [("LLM", "C"), ("LLM", "A"), ("LLM", "D"), ("LLM", "B"), ("LLM", "D")]
    again = [draft("同一个问题", f"新 {i}", deck=d, line=i) for i, d in enumerate(moved)]
    # A front now written twice under its heading: the first takes its card, the
    # second is a new card.
    again += [once, draft("只有一张", deck=("LLM", "A"), line=10)]
    again.append(draft("别的", deck=("LLM", "D"), line=9))

    def rows(batch: int) -> list[int | None]:
        with db.read() as conn:
            matcher = existing_cards(conn, root="LLM", source_path="/notes/a.md").matcher()
        for start in range(0, len(again), batch):
            matcher.add(again[start : start + batch])
        return [
            None if s.row is None else s.row.id for _key, slots in matcher.finish() for s in slots
        ]

    whole = rows(len(again))
    assert whole.count(None) == 1  # the second `只有一张`
    assert len(set(whole)) == len(again)  # every other draft has a card of its own
    for batch in (1, 2, 4):
        assert rows(batch) == whole
