"""A small Chinese-and-English study database, with time frozen, for the TUI tests.

Cards go in through the store's sync (not the notes importer), so these tests pin the
screens, not the importer's rules.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from llmcards.cards import CardDraft
from llmcards.config import Settings
from llmcards.store.db import open_db
from llmcards.store.sync import sync_file

NOW = "2026-11-22T09:30:00+08:00"
NOW_DT = datetime.fromisoformat(NOW)
ROOT = "LLM 学习笔记"

NOTE_TEXT = """\
# NLP

- LSTM：长短期记忆网络
- GRU：门控循环单元

# 强化学习

- 折扣回报：从 t 时刻到终止状态所有奖励的折扣衰减之和
"""

LSTM_BACK = """\
权重参数计算 `(units * (input_dim + units) + units) * 4`

- 输入门权重矩阵 W_i：units * (input_dim + units)
- 遗忘门权重矩阵 W_f：units * (input_dim + units)
    - 偏置 b_f：units 个
- 输出门权重矩阵 W_o：units * (input_dim + units)

```python
model.add(LSTM(64, input_dim=32))  # 24832 个参数
```

![image.png](https://juejin.cn/post/6973082167970627620)
"""


def drafts() -> list[CardDraft]:
    nlp = (ROOT, "NLP")
    rl = (ROOT, "强化学习")
    return [
        CardDraft(
            deck=nlp,
            front="LSTM",
            back=LSTM_BACK,
            line=3,
            context="RNN 家族",
            heading_path=("NLP",),
        ),
        CardDraft(
            deck=nlp,
            front="GRU",
            back="门控循环单元：只有**更新门**和**重置门**两个门。",
            line=4,
            heading_path=("NLP",),
        ),
        CardDraft(
            deck=rl,
            front="折扣回报 Discounted Return",
            back="从第 t 时刻状态开始，直到终止状态时，所有奖励的折扣衰减之和。\n\n"
            "| 符号 | 含义 |\n|---|---|\n| γ | 折扣因子 |\n| R_t | 奖励 |",
            line=8,
            heading_path=("强化学习",),
        ),
    ]


@pytest.fixture(autouse=True)
def frozen_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMCARDS_NOW", NOW)
    monkeypatch.setenv("LLMCARDS_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("LLMCARDS_DB", str(tmp_path / "unused.db"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def note_path(tmp_path: Path) -> Path:
    path = tmp_path / "notes" / "learning.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NOTE_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def db_path(tmp_path: Path, note_path: Path) -> Path:
    path = tmp_path / "study.db"
    db = open_db(path)
    with db.write() as conn:
        sync_file(conn, root=ROOT, source_path=str(note_path), drafts=drafts(), now=NOW_DT)
    db.close()
    return path


@pytest.fixture
def settings() -> Settings:
    return Settings(fuzz=False)


def reviews_in(path: Path) -> list[tuple[str, int]]:
    """(front, rating) of every review in the database, oldest first."""
    from sqlalchemy import select

    from llmcards.store.models import CARD, LOG

    card, log = CARD, LOG
    db = open_db(path)
    try:
        with db.read() as conn:
            rows = conn.execute(
                select(card.c.front, log.c.rating)
                .join(card, card.c.id == log.c.card_id)
                .order_by(log.c.id)
            )
            return [(front, rating) for front, rating in rows]
    finally:
        db.close()


async def settle(pilot) -> None:
    """Let database workers finish and their messages reach the screens."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return
    raise AssertionError("workers never settled")


def text_of(widget) -> str:
    """What the widget shows, as lines of text (whatever it renders with)."""
    lines = (
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def screen_text(app) -> str:
    """Every line the terminal shows (the screen with its layers: toasts, footer)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


STARTER_NOTE = """\
---
title: "入门：注意力"
---

# Transformer

- Self-Attention：序列中每个位置对所有位置加权求和，权重来自 Q、K 的点积
- Multi-Head Attention：多组 Q/K/V 并行计算注意力后拼接
"""


def starter_dir(tmp_path: Path) -> Path:
    """A small folder of starter notes, standing in for the bundled decks on a first run."""
    folder = tmp_path / "starter"
    folder.mkdir()
    (folder / "01_attention.md").write_text(STARTER_NOTE, encoding="utf-8")
    return folder
