"""llmcards' review log as Anki revlog rows, built beside the rest of the export.

A large collection has a million reviews. The arithmetic runs in SQLite (one query),
and the whole job runs in a second process while the main one renders the cards: the
machine has two cores and each half takes seconds. Rules, per review:

- `id`: the review's Anki revlog id when it has one (imported from Anki, or synced);
  else its time in ms, made unique (equal times spread 1 ms apart) and pulled back from
  the future (`revlog_ids`);
- `ivl`: for a result in the review state, days from the review's study day to the due
  day; for a learning/relearning step, minus the step's length in seconds;
- `lastIvl`: the card's previous `ivl` (0 for its first review);
- `factor`: FSRS difficulty as Anki stores it in the revlog: (d - 1) / 9 + 0.1, × 1000;
- `type`: 0 learn (a new or learning card), 1 review, 2 relearn, from the state before;
- `time`: answer time in ms, clamped to Anki's 32-bit column.

Study days are `clock.StudyCalendar`'s, in the SQL it writes. This module imports only
the standard library (and `clock`, which does too), so the worker process starts fast.
The `+` in `ORDER BY +reviewed_at` keeps SQLite off the reviewed_at index: walking it
fetches each row from a random place in the table (3.5 s for 1M reviews whose ids are
not in time order), where one scan and a sort take 1.7 s.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from llmcards.clock import StudyCalendar

_EPOCH = "((julianday({0}) - 2440587.5) * 86400.0)"

_REVLOG_SQL = f"""
SELECT card_id,
       CAST(round({_EPOCH.format("reviewed_at")} * 1000) AS INTEGER) AS ms,
       rating,
       CASE WHEN due_after IS NULL THEN 0
            WHEN state_after = 2 THEN max(1, {{due_day}} - {{review_day}})
            ELSE -max(1, CAST(round({_EPOCH.format("due_after")} - {_EPOCH.format("reviewed_at")}) AS INTEGER))
       END AS ivl,
       CASE WHEN difficulty_after IS NULL THEN 0
            ELSE CAST(round(((difficulty_after - 1.0) / 9.0 + 0.1) * 1000) AS INTEGER)
       END AS factor,
       max(0, min(coalesce(duration_ms, 0), 2147483647)) AS time,
       CASE state_before WHEN 2 THEN 1 WHEN 3 THEN 2 ELSE 0 END AS type{{extra}}
FROM review_log{{where}}
ORDER BY +reviewed_at, id
"""


def revlog_sql(study_days: StudyCalendar, *, extra: str = "", where: str = "") -> str:
    """The query, with `extra` columns after the revlog's and a `where` clause (sync reads
    some cards' reviews with their Anki ids)."""
    return _REVLOG_SQL.format(
        due_day=study_days.sql_day_number("due_after"),
        review_day=study_days.sql_day_number("reviewed_at"),
        extra=extra,
        where=where,
    )


STAGING_SQL = """
create table staging (
    id integer primary key, card_id integer not null, ease integer not null,
    ivl integer not null, lastIvl integer not null, factor integer not null,
    time integer not null, type integer not null, future integer not null
)
"""


def revlog_ids(
    moments_ms: list[int], now_ms: int, kept: list[int | None] | None = None
) -> tuple[list[int], int]:
    """Unique revlog ids (Anki's primary key is the review time in ms).

    A review that has an Anki revlog id already (`kept`: it came from Anki, or went there
    by sync) keeps it: Anki knows the review by it. The others get their time in ms,
    increasing: equal times are spread by a millisecond, and an id a kept one has is
    passed over; times in the future (a clock that was ahead, `LLMCARDS_NOW` travel) are
    pulled back to just before `now`, keeping their order.
    Returns the ids and how many were moved out of the future.
    """
    fixed = kept if kept is not None else [None] * len(moments_ms)
    taken = {value for value in fixed if value is not None}
    ids: list[int] = []
    previous = -1
    for ms, value in zip(moments_ms, fixed, strict=True):
        if value is not None:
            ids.append(value)
            continue
        previous = ms if ms > previous else previous + 1
        while previous in taken:
            previous += 1
        ids.append(previous)
    future = sum(
        1 for ms, value in zip(moments_ms, fixed, strict=True) if value is None and ms > now_ms
    )
    cap = now_ms
    for i in range(len(ids) - 1, -1, -1):
        if fixed[i] is not None:
            continue
        if ids[i] <= cap:
            break
        while cap in taken:
            cap -= 1
        ids[i] = cap
        cap -= 1
    return ids, future


@dataclass(frozen=True)
class Staged:
    path: str  # SQLite file holding table `staging`, keyed by llmcards card id


def stage_revlog(
    source: sqlite3.Connection, target: str, study_days: StudyCalendar, now_ms: int
) -> Staged:
    """Every review (of live and retired cards: the merge keeps the exported ones)."""
    rows = source.execute(revlog_sql(study_days, extra=", anki_id")).fetchall()
    ids, _moved = revlog_ids([r[1] for r in rows], now_ms, [r[7] for r in rows])
    out = sqlite3.connect(target)
    try:
        out.execute("pragma journal_mode = off")
        out.execute("pragma synchronous = off")
        out.execute(STAGING_SQL)
        last: dict[int, int] = {}
        previous = last.get
        staged: list[tuple[int, ...]] = []
        append = staged.append
        for (card_id, ms, ease, ivl, factor, taken, kind, anki_id), revlog_id in zip(
            rows, ids, strict=False
        ):  # 1M rows: lean
            append(
                (
                    revlog_id,
                    card_id,
                    ease,
                    ivl,
                    previous(card_id, 0),
                    factor,
                    taken,
                    kind,
                    anki_id is None and ms > now_ms,
                )
            )
            last[card_id] = ivl
        out.executemany("insert into staging values (?,?,?,?,?,?,?,?,?)", staged)
        out.commit()
    finally:
        out.close()
    return Staged(target)


def stage_revlog_from_file(
    db_path: str, target: str, study_days: StudyCalendar, now_ms: int
) -> Staged:
    """Entry point of the worker process: reads the llmcards database read-only."""
    # as_uri(): a `%` or `?` in the path is part of the file name, not of the URI
    uri = Path(os.path.abspath(db_path)).as_uri() + "?mode=ro"
    source = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        return stage_revlog(source, target, study_days, now_ms)
    finally:
        source.close()


MERGE_SQL = """
insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
select s.id, m.anki_id, -1, s.ease, s.ivl, s.lastIvl, s.factor, s.time, s.type
from staged.staging s join temp.card_map m on m.llm_id = s.card_id
"""


def merge_revlog(
    apkg: sqlite3.Connection, staged: Staged, card_ids: dict[int, int]
) -> tuple[int, int]:
    """Copy the staged reviews of exported cards into the package's revlog.

    Returns (reviews written, how many of them were pulled back from the future)."""
    apkg.execute(
        "create temp table card_map (llm_id integer primary key, anki_id integer not null)"
    )
    apkg.executemany("insert into temp.card_map values (?, ?)", card_ids.items())
    apkg.commit()
    apkg.execute("attach database ? as staged", (staged.path,))
    try:
        written = apkg.execute(MERGE_SQL).rowcount
        moved = apkg.execute(
            "select count(*) from staged.staging s join temp.card_map m on m.llm_id = s.card_id where s.future"
        ).fetchone()[0]
        apkg.commit()
    finally:
        apkg.execute("detach database staged")
    return written, moved
