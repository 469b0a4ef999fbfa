"""Editing answers in the notes and importing again keeps every card's review history."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clihelp import llmcards

NOTES = """\
# Transformer

1. Self-Attention：每个位置对所有位置加权求和，权重来自 Q 和 K 的点积
2. Multi-Head Attention：多组 Q/K/V 并行计算注意力再拼接
3. Positional Encoding：给输入加上位置信息，正弦余弦函数
4. LayerNorm：对每个样本的特征维度做归一化
"""


def run(db: Path, *args: str):
    result = llmcards("--db", str(db), *args)
    assert result.exit_code == 0, result.stderr
    return result


def test_reimport_after_editing_answers_keeps_reps_lapses_due_and_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "cards.db"
    notes = tmp_path / "transformer.md"
    notes.write_text(NOTES, encoding="utf-8")
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-01T09:00:00+08:00")
    run(db, "import", str(notes), "--deck", "LLM")
    cards = {c["front"]: c["id"] for c in run(db, "cards", "--json").json()}
    attention, heads = cards["Self-Attention"], cards["Multi-Head Attention"]
    run(db, "rate", str(attention), "easy")
    run(db, "rate", str(heads), "good")
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-20T09:00:00+08:00")
    run(db, "rate", str(attention), "again")  # a lapse
    run(db, "rate", str(heads), "good")
    before = {c["id"]: c for c in run(db, "cards", "--json").json()}
    log_before = _review_log(db)
    assert len(log_before) == 4

    edited = NOTES.replace("权重来自 Q 和 K 的点积", "权重是 softmax(QK^T/√d) ").replace(
        "多组 Q/K/V 并行计算注意力再拼接", "h 个头并行计算注意力，拼接后再线性变换"
    )
    notes.write_text(edited, encoding="utf-8")
    monkeypatch.setenv("LLMCARDS_NOW", "2026-11-20T10:00:00+08:00")
    report = run(db, "import", str(notes), "--deck", "LLM", "--json").json()
    assert (report["updated"], report["new"], report["retired"]) == (2, 0, 0)

    after = {c["id"]: c for c in run(db, "cards", "--json").json()}
    assert "softmax(QK^T/√d)" in after[attention]["back"]  # the new answer is shown ...
    for card_id in (attention, heads):
        for key in ("reps", "lapses", "due", "state"):  # ... with the old schedule
            assert after[card_id][key] == before[card_id][key], key
    assert after[attention]["lapses"] == 1 and after[attention]["reps"] == 2
    assert _review_log(db) == log_before


def _review_log(db: Path) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(db) as con:
        return con.execute("SELECT * FROM review_log ORDER BY id").fetchall()
