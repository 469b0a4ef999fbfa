"""A sync killed with SIGKILL at any moment loses nothing; the next one completes it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from llmcards import clock
from llmcards.scheduling.rating import Rater
from llmcards.scheduling.review import rate_card
from tests.sync.conftest import Server
from tests.sync.helpers import CARD, Machine, Phone

TERMS = 240


def _notes(folder: Path) -> Path:
    folder.mkdir()
    lines = ["# 术语表", "", "# 训练"]
    lines += [
        f"{n}. 术语{n} Term{n}：第 {n} 个概念的解释，和 `x{n}` 有关" for n in range(1, TERMS + 1)
    ]
    (folder / "terms.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _sync_cli(db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "llmcards", "--db", str(db), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_a_sync_killed_anywhere_loses_nothing_and_the_next_one_finishes(
    tmp_path: Path, server: Server
) -> None:
    laptop = Machine(tmp_path / "laptop.db", server.endpoint)
    laptop.import_notes(_notes(tmp_path / "notes"))
    laptop.sync()
    phone = Phone(tmp_path / "phone", server.endpoint)
    phone.sync()
    phone.study([3] * 15, deck="terms")
    phone.sync()

    with laptop.db.read() as conn:
        ids = list(conn.execute(select(CARD.c.id).order_by(CARD.c.id.desc())).scalars())[:120]
    rater = Rater(laptop.settings)
    for card_id in ids:
        rate_card(laptop.db, card_id, 3, now=clock.now(), settings=laptop.settings, rater=rater)
    made_here = laptop.review_count()
    laptop.close()

    # A whole sync here takes ~2 s (start-up included): kills land before, during and
    # after the pull, the revlog ids and the push.
    rng = random.Random(12)
    for delay in sorted(rng.uniform(0.3, 2.2) for _ in range(5)):
        proc = _sync_cli(laptop.path)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    done = _sync_cli(laptop.path)
    assert done.wait(120) == 0, done.stderr.read() if done.stderr else ""

    laptop = Machine(laptop.path, server.endpoint)
    assert laptop.review_count() == made_here + 15  # none lost, none doubled
    assert not laptop.sync().changed
    phone.sync()
    assert phone.revlog_count() == made_here + 15
    assert phone.db.scalar("select count() from notes") == TERMS
    laptop.close()
    phone.close()
