"""One definition of "due now": `decks`, `due`, `cards --state due` and the study screen
(and the home screen's deck list) give the same numbers at the same moment, with daily
limits, learning cards, cloze siblings, buried and suspended cards."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from llmcards.config import DeckLimits, Settings
from llmcards.scheduling.review import rate_card
from llmcards.scheduling.session import StudySession
from llmcards.scheduling.types import GOOD
from llmcards.store.models import LEARNING, REVIEW
from llmcards.tui.data import load_home
from tests.clihelp import llmcards
from tests.scheduling.helpers import CARD, Clock, basic, cloze_note, ids_by_front, local, make_db

CONFIG = """\
fuzz = false
new_per_day = 4
reviews_per_day = 5

[deck_limits."LLM::RL"]
new_per_day = 2
"""


@pytest.fixture
def collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Clock, Settings]:
    clock = Clock(monkeypatch, local("2026-11-22 09:00"))
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("LLMCARDS_CONFIG", str(tmp_path / "config.toml"))
    settings = Settings(
        fuzz=False,
        new_per_day=4,
        reviews_per_day=5,
        deck_limits={"LLM::RL": DeckLimits(new_per_day=2)},
    )
    nlp = [basic("LLM::NLP", f"nlp {i}", i) for i in range(1, 9)]
    rl = [basic("LLM::RL", f"rl {i}", i) for i in range(1, 6)]
    rl += cloze_note("LLM::RL", "PPO 用 clip 限制 ratio", ["clip", "ratio"], 20)
    rl += cloze_note("LLM::RL", "DQN 有 target 网络和 replay", ["target", "replay"], 30)
    db = make_db(tmp_path / "db", {"nlp.md": nlp, "rl.md": rl}, clock())
    fronts = ids_by_front(db)
    review_due = local("2026-11-22 06:00")
    with db.write() as conn:

        def schedule(front: str, **values: object) -> None:
            conn.execute(update(CARD).where(CARD.c.id == fronts[front]).values(**values))

        def review(front: str, due: object) -> None:
            schedule(
                front,
                state=REVIEW,
                stability=5.0,
                difficulty=5.0,
                due=due,
                last_review=local("2026-11-17 09:00"),
                reps=3,
            )

        for i in (5, 6, 7, 8):  # four NLP reviews due today (one of them suspended)
            review(f"nlp {i}", review_due)
        schedule("nlp 8", suspended=True)
        review("rl 5", review_due)
        for front in [f for f in fronts if "[...]" in f and "DQN" in f]:  # both siblings due
            review(front, review_due)
        schedule("rl 4", buried_until=local("2026-11-23 04:00"))  # buried until tomorrow
        learning = {"rl 1": 0, "rl 2": 10, "rl 3": 120}  # due now, within learn-ahead, later
        for front, minutes in learning.items():
            schedule(
                front,
                state=LEARNING,
                step=1,
                stability=1.0,
                difficulty=5.0,
                due=clock() + timedelta(minutes=minutes),
                last_review=clock() - timedelta(minutes=5),
                reps=1,
            )
    # one new NLP card already studied today: the NLP new limit has 3 left
    rate_card(db, fronts["nlp 1"], GOOD, now=clock() - timedelta(hours=1), settings=settings)
    db.close()
    return tmp_path / "db" / "cards.db", clock, settings


def _counts_everywhere(path: Path, clock: Clock, settings: Settings) -> dict[str, dict]:
    """deck -> {source: (new, learning, review)} from every place that shows it."""
    from llmcards.store.db import open_db

    db_arg = ("--db", str(path))
    decks = {d["name"]: d for d in llmcards(*db_arg, "decks", "--json").json()}
    db = open_db(path)
    try:
        with db.read() as conn:
            home = {row.name: row for row in load_home(conn, clock(), 4, settings=settings).decks}
        out: dict[str, dict] = {}
        for name in ("LLM", "LLM::NLP", "LLM::RL"):
            due = llmcards(*db_arg, "due", "--deck", name, "--json").json()
            listed = llmcards(*db_arg, "cards", "--deck", name, "--state", "due", "--json").json()
            session = StudySession(db, deck=name, settings=settings, clock=clock).counts()
            counts = due["counts"]
            out[name] = {
                "decks": (decks[name]["new"], decks[name]["learning"], decks[name]["due"]),
                "home": (home[name].new, home[name].learning, home[name].due),
                "due": (counts["new"], counts["learning"], counts["review"]),
                "study": (session.new, session.learning, session.review),
                "cards": len(listed),
                "due cards": sorted(c["id"] for c in due["cards"]),
                "listed": sorted(c["id"] for c in listed),
            }
        return out
    finally:
        db.close()


def test_decks_due_cards_and_study_agree_on_what_is_due_now(
    collection: tuple[Path, Clock, Settings],
) -> None:
    path, clock, settings = collection
    seen = _counts_everywhere(path, clock, settings)
    for name, where in seen.items():
        assert where["decks"] == where["home"] == where["due"] == where["study"], name
        assert where["cards"] == sum(where["study"]), name
        assert where["listed"] == where["due cards"], name
    # limits: NLP 3 new (4 minus 1 studied), RL 2 (1 left to take); reviews 5 for all LLM
    # (nlp 8 suspended; of DQN's two due siblings one a day); learning: rl 1 and rl 2
    # (learn-ahead) and nlp 1 (studied an hour ago), not rl 3; rl 4 buried.
    assert seen["LLM::NLP"]["study"] == (3, 1, 3)
    assert seen["LLM::RL"]["study"] == (1, 2, 2)  # new: one PPO sibling (rl 1-5 are seen)
    assert seen["LLM"]["study"] == (3, 3, 5)  # LLM new: 4 minus the 1 studied


def test_they_still_agree_after_studying(collection: tuple[Path, Clock, Settings]) -> None:
    path, clock, settings = collection
    from llmcards.store.db import open_db

    db = open_db(path)
    try:
        session = StudySession(db, deck="LLM::RL", settings=settings, clock=clock)
        for _ in range(3):  # the cloze note's sibling is buried by rating it
            session.rate(GOOD, 1000)
    finally:
        db.close()
    clock.advance(minutes=1)
    for name, where in _counts_everywhere(path, clock, settings).items():
        assert where["decks"] == where["home"] == where["due"] == where["study"], name
        assert where["listed"] == where["due cards"], name
