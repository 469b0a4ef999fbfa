"""A small llmcards collection with history, built through the real code paths.

Cards come from `CardDraft`s through `store.sync.sync_file`; review history is made by
replaying ratings through py-fsrs (`scheduling.rating`) and writing them as ReviewLog rows.
Times are relative to the real clock, because Anki's backend counts days by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from llmcards.cards import CardDraft
from llmcards.config import Settings
from llmcards.exchange.history import write_history
from llmcards.scheduling.rating import Rater, Review
from llmcards.store.db import Database, open_db
from llmcards.store.models import CARD, DECK
from llmcards.store.models import LOG as REVIEW
from llmcards.store.sync import sync_file

ROOT = "LLM 学习笔记"
CLOZE_TEXT = "Transformer 用 {{c1::自注意力::机制}} 代替循环，用 {{c2::位置编码}} 表示顺序。"


def drafts() -> list[CardDraft]:
    nlp, cv = (ROOT, "NLP"), (ROOT, "CV", "生成模型")
    return [
        CardDraft(
            deck=nlp,
            front="Dropout",
            back="训练时随机**失活**部分神经元，防止过拟合。",
            line=3,
            heading_path=("NLP",),
        ),
        CardDraft(
            deck=nlp,
            front="LSTM",
            line=5,
            heading_path=("NLP",),
            back="三个门：\n\n- 输入门\n- 遗忘门\n- 输出门\n\n```python\nnn.LSTM(512, 512)\n```",
        ),
        CardDraft(
            deck=nlp,
            front="预训练模型（Pre-trained Model）",
            back="在大规模语料上先训练的模型",
            line=9,
            context="GPT，GPT-2，GPT-3 论文精读",
            heading_path=("NLP",),
        ),
        CardDraft(
            deck=nlp,
            front="Transformer 用 [机制] 代替循环，用 位置编码 表示顺序。",
            back="Transformer 用 自注意力 代替循环，用 位置编码 表示顺序。",
            line=12,
            kind="cloze",
            cloze_ord=1,
            cloze_text=CLOZE_TEXT,
            heading_path=("NLP",),
        ),
        CardDraft(
            deck=nlp,
            front="Transformer 用 自注意力 代替循环，用 [...] 表示顺序。",
            back="Transformer 用 自注意力 代替循环，用 位置编码 表示顺序。",
            line=12,
            kind="cloze",
            cloze_ord=2,
            cloze_text=CLOZE_TEXT,
            heading_path=("NLP",),
        ),
        CardDraft(
            deck=cv,
            front="VAE",
            line=20,
            heading_path=("CV", "生成模型"),
            back="| 部分 | 作用 |\n|---|---|\n| encoder | q(z\\|x) |\n\n![vae](https://example.org/vae.png)",
        ),
        CardDraft(
            deck=cv,
            front="`x<script>`",
            back="<script>alert(1)</script> 不应执行",
            line=22,
            heading_path=("CV", "生成模型"),
        ),
    ]


@dataclass
class Built:
    db: Database
    path: Path
    now: datetime
    settings: Settings


def build(tmp_path: Path, *, now: datetime | None = None, history: bool = True) -> Built:
    now = now or datetime.now(UTC).replace(microsecond=0)
    settings = Settings()
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "llm.db"
    db = open_db(path)
    created = now - timedelta(days=60)
    with db.write() as conn:
        sync_file(conn, root=ROOT, source_path="/notes/llm.md", drafts=drafts(), now=created)
    if history:
        add_history(db, settings, now)
    return Built(db, path, now, settings)


def card_id(db: Database, front: str) -> int:
    with db.read() as conn:
        return conn.execute(select(CARD.c.id).where(CARD.c.front == front)).scalar_one()


def rate(db: Database, settings: Settings, front: str, ratings: list[tuple[datetime, int]]) -> None:
    cid = card_id(db, front)
    steps = Rater(settings).replay(cid, [Review(at, r, 4200) for at, r in ratings])
    with db.write() as conn:
        write_history(conn, cid, steps)


def add_history(db: Database, settings: Settings, now: datetime) -> None:
    day = timedelta(days=1)
    minute = timedelta(minutes=1)
    t = now - 40 * day
    # graduated, reviewed, lapsed, relearned: a review card with lapses
    rate(
        db,
        settings,
        "Dropout",
        [
            (t, 3),
            (t + minute, 3),
            (t + 3 * day, 3),
            (t + 12 * day, 1),
            (t + 12 * day + 10 * minute, 3),
            (t + 20 * day, 3),
        ],
    )
    # a long-interval review card
    rate(db, settings, "LSTM", [(t, 4), (t + 10 * day, 3)])
    # still in learning, due a few minutes from now (intraday learning)
    rate(db, settings, "VAE", [(now - 2 * minute, 1)])
    # one cloze sibling reviewed, the other new
    rate(
        db,
        settings,
        "Transformer 用 [机制] 代替循环，用 位置编码 表示顺序。",
        [(t, 3), (t + minute, 3)],
    )
    # suspended review card
    rate(db, settings, "预训练模型（Pre-trained Model）", [(t, 3), (t + 2 * minute, 4)])
    with db.write() as conn:
        conn.execute(
            update(CARD)
            .where(CARD.c.front == "预训练模型（Pre-trained Model）")
            .values(suspended=True)
        )


def cards(db: Database) -> list:
    with db.read() as conn:
        return list(
            conn.execute(
                select(CARD, DECK.c.name.label("deck"))
                .join(DECK, DECK.c.id == CARD.c.deck_id)
                .where(CARD.c.retired.is_(False))
                .order_by(CARD.c.id)
            )
        )


def reviews(db: Database) -> list:
    with db.read() as conn:
        return list(conn.execute(select(REVIEW).order_by(REVIEW.c.reviewed_at, REVIEW.c.id)))
