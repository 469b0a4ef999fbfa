"""Edits that keep history: a file's would-be-retired cards paired with its would-be-new ones."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from llmcards.notes import parse_note
from llmcards.store.db import open_db
from llmcards.store.pairing import small_edit
from tests.store.test_sync import CARD, T0, cards, draft, study, sync


def live(db) -> list:
    return [c for c in cards(db) if not c.retired]


def test_small_edits_as_the_rules_define_them() -> None:
    assert small_edit("Transfomer", "Transformer")  # one character
    assert small_edit("Dropout", "Dropout（随机失活）")  # one contains the other
    assert small_edit("Self Attention", "self-attention")  # case, spaces, punctuation
    assert small_edit("注意力机制", "注意力機制")  # one of five characters
    assert not small_edit("LSTM", "GRU")
    assert not small_edit("注意力机制", "位置编码机制")  # more than a third differs
    assert not small_edit("?", "！")  # nothing left to compare


def test_front_typo_fix_keeps_id_history_and_schedule(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("GRU", "门控循环单元"), draft("Transfomer", "自注意力")])
    old = cards(db)[1]
    study(db, old.id)
    result = sync(db, [draft("GRU", "门控循环单元"), draft("Transformer", "基于自注意力的架构")])
    assert (result.new, result.updated, result.retired) == (0, 1, 0)
    assert result.kept == [("Transfomer", "Transformer")]
    (after,) = [c for c in cards(db) if c.id == old.id]
    assert (after.front, after.back, after.reps, after.retired) == (
        "Transformer",
        "基于自注意力的架构",
        3,
        False,
    )
    with db.read() as conn:
        uid = conn.execute(select(CARD.c.uid).where(CARD.c.id == old.id)).scalar_one()
    again = sync(db, [draft("GRU", "门控循环单元"), draft("Transformer", "基于自注意力的架构")])
    assert (again.new, again.updated, again.unchanged, again.kept) == (0, 0, 2, [])
    with db.read() as conn:  # the row, and so its Anki identity, stays the same
        assert conn.execute(select(CARD.c.uid).where(CARD.c.id == old.id)).scalar_one() == uid


def test_identical_answer_pairs_a_rewritten_front(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("长短期记忆", "输入门、遗忘门、输出门")])
    (old,) = cards(db)
    result = sync(db, [draft("LSTM 的三个门", "输入门、遗忘门、输出门")])
    assert (result.new, result.retired) == (0, 0)
    assert [c.id for c in live(db)] == [old.id]


def test_new_group_head_keeps_history_same_front_in_the_root(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("预训练模型", "大规模数据上训练", context="GPT 论文精读")])
    (old,) = cards(db)
    study(db, old.id)
    moved = draft("预训练模型", "大规模数据上训练", context="GPT 系列", deck=("LLM", "论文"))
    result = sync(db, [moved])
    assert (result.new, result.retired) == (0, 0)
    assert result.kept == [("GPT 论文精读 › 预训练模型", "GPT 系列 › 预训练模型")]
    (after,) = cards(db)
    assert after.id == old.id and after.context == "GPT 系列" and after.reps == 3


def test_a_small_edit_in_another_deck_is_a_different_card(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("Transfomer", "a", deck=("LLM", "NLP"))])
    result = sync(db, [draft("Transformer", "b", deck=("LLM", "视觉"))])
    assert (result.new, result.retired, result.kept) == (1, 1, [])


def test_each_old_card_takes_the_nearest_new_one(tmp_path: Path) -> None:
    # Two lists whose items share fronts; a lead-in gives each list its own context.
    first = [
        draft("Input", "i1", line=3),
        draft("Output", "o1", line=4),
        draft("Input", "i2", line=8),
        draft("Output", "o2", line=9),
    ]
    db = open_db(tmp_path / "c.db")
    sync(db, first)
    before = {(c.front, c.back): c.id for c in cards(db)}
    for card in cards(db):
        study(db, card.id)
    contexts = ["微调步骤", "微调步骤", "推理步骤", "推理步骤"]
    second = [replace(d, context=c) for d, c in zip(first, contexts, strict=True)]
    # The new rules also find cards in a table above both lists: every card's place in
    # the file moves by five, its line does not.
    table = [draft(f"方法 {n}", "行", line=1) for n in range(5)]
    result = sync(db, table + second)
    assert (result.new, result.retired, len(result.kept)) == (5, 0, 4)
    after = {(c.front, c.back): c.id for c in cards(db) if c.back != "行"}
    assert after == before  # nobody swapped histories
    assert {c.context for c in cards(db) if c.front == "Input" and c.back == "i2"} == {"推理步骤"}


def test_only_contexts_change_nothing_is_retired(tmp_path: Path) -> None:
    """An upgrade whose rules add lead-in contexts, from a database today's import made."""
    note = (Path(__file__).parent / "fixtures" / "finetuning.md").read_text(encoding="utf-8")
    today = parse_note(note, root="微调")
    db = open_db(tmp_path / "c.db")
    sync(db, today.cards, root="微调")
    before = cards(db)
    for card in before:
        study(db, card.id)
    # What the new rules add: the paragraph ending in `：` before a list is its cards' context.
    lead_ins = {"Input": "下面是一般的微调步骤", "Output": "下面是一般的微调步骤"}
    upgraded = [replace(d, context=lead_ins.get(d.front, d.context)) for d in today.cards]
    assert upgraded != today.cards
    result = sync(db, upgraded, root="微调", now=T0)
    assert (result.new, result.retired) == (0, 0)
    after = cards(db)
    assert [c.id for c in after] == [c.id for c in before]
    assert all(c.reps == 3 and not c.retired for c in after)


def test_bullet_moved_to_another_file_imported_after(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM"), draft("GRU")], path="/notes/a.md")
    lstm = cards(db)[0]
    study(db, lstm.id)
    sync(db, [draft("GRU")], path="/notes/a.md")  # cut from a.md …
    result = sync(db, [draft("Attention"), draft("LSTM")], path="/notes/b.md")  # … pasted here
    assert result.new == 1
    (back,) = [c for c in live(db) if c.front == "LSTM"]
    assert back.id == lstm.id and back.reps == 3 and back.source_path == "/notes/b.md"


def test_bullet_moved_to_another_file_imported_first(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM"), draft("GRU")], path="/notes/a.md")
    lstm = cards(db)[0]
    study(db, lstm.id)
    sync(db, [draft("Attention"), draft("LSTM")], path="/notes/b.md")  # pasted, a.md still has it
    assert len(live(db)) == 4
    result = sync(db, [draft("GRU")], path="/notes/a.md")  # now cut from a.md
    assert (result.retired, result.kept) == (0, [("LSTM", "LSTM")])
    assert sorted(c.front for c in live(db)) == ["Attention", "GRU", "LSTM"]
    (back,) = [c for c in live(db) if c.front == "LSTM"]
    assert back.id == lstm.id and back.reps == 3 and back.source_path == "/notes/b.md"
    again = sync(db, [draft("Attention"), draft("LSTM")], path="/notes/b.md")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_a_card_studied_in_both_files_is_not_merged(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM")], path="/notes/a.md")
    sync(db, [draft("LSTM")], path="/notes/b.md")
    for card in cards(db):
        study(db, card.id)
    result = sync(db, [draft("GRU", "other")], path="/notes/a.md")
    assert result.retired == 1 and len(cards(db)) == 3


def test_an_unreviewed_card_leaving_a_file_is_simply_retired(tmp_path: Path) -> None:
    db = open_db(tmp_path / "c.db")
    sync(db, [draft("LSTM"), draft("GRU")], path="/notes/a.md")
    sync(db, [draft("LSTM")], path="/notes/b.md")
    result = sync(db, [draft("GRU")], path="/notes/a.md")
    assert (result.retired, result.kept) == (1, [])  # no history to carry over


def test_bullet_moved_to_another_file_under_another_heading_imported_after(
    tmp_path: Path,
) -> None:
    """A short front takes its heading as context, so moving `Dropout` from `# NLP` in
    a.md to `# 正则化` in b.md changes its context too: rule 1 (same front in the root)
    still finds it."""
    db = open_db(tmp_path / "c.db")
    nlp, reg = ("LLM", "NLP"), ("LLM", "正则化")
    sync(db, [draft("Dropout", deck=nlp, context="NLP"), draft("GRU", deck=nlp)], path="/a.md")
    dropout = cards(db)[0]
    study(db, dropout.id)
    sync(db, [draft("GRU", deck=nlp)], path="/a.md")  # cut from a.md …
    result = sync(db, [draft("Dropout", deck=reg, context="正则化")], path="/b.md")  # … pasted
    assert (result.new, result.kept) == (0, [("NLP › Dropout", "正则化 › Dropout")])
    (back,) = [c for c in live(db) if c.front == "Dropout"]
    assert back.id == dropout.id and back.reps == 3 and back.source_path == "/b.md"


def test_bullet_moved_to_another_file_under_another_heading_imported_first(
    tmp_path: Path,
) -> None:
    db = open_db(tmp_path / "c.db")
    nlp, reg = ("LLM", "NLP"), ("LLM", "正则化")
    sync(db, [draft("Dropout", deck=nlp, context="NLP"), draft("GRU", deck=nlp)], path="/a.md")
    dropout = cards(db)[0]
    study(db, dropout.id)
    sync(db, [draft("Dropout", deck=reg, context="正则化")], path="/b.md")  # pasted first
    result = sync(db, [draft("GRU", deck=nlp)], path="/a.md")  # then cut from a.md
    assert result.retired == 0
    (back,) = [c for c in live(db) if c.front == "Dropout"]
    assert back.id == dropout.id and back.reps == 3 and back.source_path == "/b.md"
    again = sync(db, [draft("Dropout", deck=reg, context="正则化")], path="/b.md")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_a_generic_front_with_another_answer_in_another_file_is_another_card(
    tmp_path: Path,
) -> None:
    db = open_db(tmp_path / "c.db")
    dropout, lora = ("LLM", "Dropout"), ("LLM", "LoRA")
    sync(db, [draft("作用", "防止过拟合", deck=dropout, context="Dropout")], path="/a.md")
    study(db, cards(db)[0].id)
    sync(db, [], path="/a.md")
    result = sync(db, [draft("作用", "省显存", deck=lora, context="LoRA")], path="/b.md")
    assert (result.new, result.kept) == (1, [])
    (fresh,) = live(db)
    assert fresh.reps == 0


def test_a_context_that_repeated_the_front_goes_without_losing_history(tmp_path: Path) -> None:
    """Upgrading from rules that gave `LSTM` under `## LSTM` the context `LSTM`."""
    note = "# RNN 家族\n\n## LSTM\n\n1. LSTM：长短期记忆网络\n2. 作用：解决长程依赖\n"
    now = parse_note(note, root="LLM").cards
    before_rules = [replace(d, context="LSTM") if d.front == "LSTM" else d for d in now]
    db = open_db(tmp_path / "c.db")
    sync(db, before_rules)
    for card in cards(db):
        study(db, card.id)
    result = sync(db, now)
    assert (result.new, result.retired) == (0, 0)
    assert [(c.front, c.context, c.reps) for c in cards(db)] == [
        ("LSTM", "", 3),
        ("作用", "LSTM", 3),
    ]
