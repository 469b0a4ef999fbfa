"""What the learner's history says: `compute_stats(conn, deck=, now=, settings=) -> Stats`.

Everything is aggregated by SQLite (one indexed range per study day of the last year),
so a million review rows take under a second. Days are study days: they start at
`settings.rollover_hour` in the local zone, exactly as `llmcards.clock.day_start` says.

`Stats.as_json()` is what `llmcards stats --json` prints; scripts rely on this shape:

    {
      "deck": "LLM::NLP" | null,               # null: all decks
      "now": "2026-11-22T09:30:00+00:00",
      "desired_retention": 0.9,
      "counts": {"new", "learning", "review", "relearning", "suspended", "retired"},
      "today": {"date": "YYYY-MM-DD", "reviews": n, "seconds": s, "again": n},
      "heatmap": [{"date": "YYYY-MM-DD", "reviews": n}],          # 365 days, oldest first
      "per_day": [{"date": "YYYY-MM-DD", "reviews": n, "seconds": s}],  # last 30 days
      "retention": {                     # true retention: reviews of cards in review state
        "day":   [{"period": "YYYY-MM-DD", "passed": n, "total": n, "rate": r | null}],  # 30
        "week":  [{"period": "YYYY-Www", ...}],                   # 12 ISO weeks
        "month": [{"period": "YYYY-MM", ...}],                    # 12 months
        "overall": {"period": "365d", ...}
      },
      "forecast": [{"date": "YYYY-MM-DD", "due": n}],              # 30 days from today
      "stability": [{"label": "<1d", "low": 0, "high": 1, "count": n}],   # days
      "difficulty": [{"label": "0–10%", "low": 0, "high": 10, "count": n}],  # percent
      "hardest": [{"id", "front", "deck", "lapses", "leech"}],     # most lapses first
      "leech_threshold": 8,
      "streak": days                     # consecutive study days up to today (or yesterday)
    }

Counts are exclusive: a suspended card counts only as suspended, a retired one only as
retired. "passed" is a rating of Hard, Good or Easy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from llmcards.clock import StudyCalendar, calendar
from llmcards.config import Settings
from llmcards.stats.days import date_range, sql_study_date
from llmcards.stats.forecast import due_forecast
from llmcards.stats.leeches import has_tag
from llmcards.stats.streak import count_streak, studied_on
from llmcards.store.models import (
    CARD,
    DECK,
    LEARNING,
    LOG,
    NEW,
    RELEARNING,
    REVIEW,
)
from llmcards.store.queries import deck_filter, resolve_deck

HEATMAP_DAYS = 365
PER_DAY_DAYS = 30
FORECAST_DAYS = 30
RETENTION_DAYS, RETENTION_WEEKS, RETENTION_MONTHS = 30, 12, 12
HARDEST = 10

# (label, low, high): stability in days, difficulty as Anki shows it, 0–100 %.
STABILITY_BUCKETS = (
    ("<1d", 0, 1),
    ("1–3d", 1, 3),
    ("3–7d", 3, 7),
    ("1–2w", 7, 14),
    ("2w–1mo", 14, 30),
    ("1–3mo", 30, 90),
    ("3–6mo", 90, 180),
    ("6mo–1y", 180, 365),
    ("≥1y", 365, None),
)
DIFFICULTY_BUCKETS = tuple((f"{p}–{p + 10}%", p, p + 10) for p in range(0, 100, 10))


@dataclass(frozen=True)
class DayCount:
    date: date
    reviews: int
    seconds: float = 0.0


@dataclass(frozen=True)
class Retention:
    period: str
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None

    def as_json(self) -> dict[str, Any]:
        rate = self.rate
        return {
            "period": self.period,
            "passed": self.passed,
            "total": self.total,
            "rate": round(rate, 4) if rate is not None else None,
        }


@dataclass(frozen=True)
class Bucket:
    label: str
    low: float
    high: float | None
    count: int


@dataclass(frozen=True)
class HardCard:
    id: int
    front: str
    deck: str
    lapses: int
    leech: bool


@dataclass
class Stats:
    deck: str | None
    now: datetime
    today: date
    desired_retention: float
    leech_threshold: int
    counts: dict[str, int]
    today_reviews: int
    today_seconds: float
    today_again: int
    heatmap: list[DayCount]
    per_day: list[DayCount]
    retention: dict[str, list[Retention]]
    retention_overall: Retention
    forecast: list[tuple[date, int]]
    stability: list[Bucket]
    difficulty: list[Bucket]
    hardest: list[HardCard]
    streak: int
    total_reviews: int = field(default=0)  # in the last 365 days

    def as_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "now": self.now.isoformat(),
            "desired_retention": self.desired_retention,
            "counts": dict(self.counts),
            "today": {
                "date": self.today.isoformat(),
                "reviews": self.today_reviews,
                "seconds": round(self.today_seconds, 1),
                "again": self.today_again,
            },
            "heatmap": [{"date": d.date.isoformat(), "reviews": d.reviews} for d in self.heatmap],
            "per_day": [
                {"date": d.date.isoformat(), "reviews": d.reviews, "seconds": round(d.seconds, 1)}
                for d in self.per_day
            ],
            "retention": {
                **{period: [r.as_json() for r in rows] for period, rows in self.retention.items()},
                "overall": self.retention_overall.as_json(),
            },
            "forecast": [{"date": d.isoformat(), "due": n} for d, n in self.forecast],
            "stability": [_bucket_json(b) for b in self.stability],
            "difficulty": [_bucket_json(b) for b in self.difficulty],
            "hardest": [
                {"id": h.id, "front": h.front, "deck": h.deck, "lapses": h.lapses, "leech": h.leech}
                for h in self.hardest
            ],
            "leech_threshold": self.leech_threshold,
            "streak": self.streak,
        }


def _bucket_json(bucket: Bucket) -> dict[str, Any]:
    return {"label": bucket.label, "low": bucket.low, "high": bucket.high, "count": bucket.count}


@dataclass(frozen=True)
class _Day:
    reviews: int
    seconds: float
    again: int
    review_total: int
    review_passed: int


def compute_stats(
    conn: Connection, *, deck: str | None, now: datetime, settings: Settings
) -> Stats:
    """Statistics of `deck` (full path or its last parts; sub-decks included) or all decks."""
    deck_name = resolve_deck(conn, deck) if deck else None
    deck_ids = _deck_ids(conn, deck_name) if deck_name else None
    study_days = calendar(settings.rollover_hour)
    today = study_days.date_of(now)

    first = min(today - timedelta(days=HEATMAP_DAYS - 1), _month_start(today, RETENTION_MONTHS - 1))
    days = _per_day(conn, study_days, first, today, deck_ids)
    zero = _Day(0, 0.0, 0, 0, 0)

    def day(d: date) -> _Day:
        return days.get(d, zero)

    heatmap = [
        DayCount(d, day(d).reviews)
        for d in date_range(today - timedelta(days=HEATMAP_DAYS - 1), HEATMAP_DAYS)
    ]
    per_day = [
        DayCount(d, day(d).reviews, day(d).seconds)
        for d in date_range(today - timedelta(days=PER_DAY_DAYS - 1), PER_DAY_DAYS)
    ]
    return Stats(
        deck=deck_name,
        now=now,
        today=today,
        desired_retention=settings.desired_retention,
        leech_threshold=settings.leech_threshold,
        counts=_counts(conn, deck_ids),
        today_reviews=day(today).reviews,
        today_seconds=day(today).seconds,
        today_again=day(today).again,
        heatmap=heatmap,
        per_day=per_day,
        retention=_retention(days, today),
        retention_overall=_sum_retention(
            "365d", (day(d) for d in date_range(heatmap[0].date, HEATMAP_DAYS))
        ),
        forecast=due_forecast(
            conn, now=now, study_days=study_days, days=FORECAST_DAYS, deck_ids=deck_ids
        ),
        stability=_histogram(conn, CARD.c.stability, STABILITY_BUCKETS, deck_ids),
        difficulty=_histogram(
            conn, (CARD.c.difficulty - 1) / 9 * 100, DIFFICULTY_BUCKETS, deck_ids
        ),
        hardest=_hardest(conn, deck_ids),
        streak=_streak(conn, days, today, first, study_days, deck_ids),
        total_reviews=sum(d.reviews for d in heatmap),
    )


def _deck_ids(conn: Connection, full_name: str) -> list[int]:
    return list(conn.execute(select(DECK.c.id).where(deck_filter(full_name))).scalars())


def _month_start(today: date, months_back: int) -> date:
    index = today.year * 12 + today.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _log_query(columns: Sequence[Any], deck_ids: list[int] | None) -> Any:
    query = select(*columns)
    if deck_ids is not None:
        query = query.select_from(LOG.join(CARD, CARD.c.id == LOG.c.card_id)).where(
            CARD.c.deck_id.in_(deck_ids)
        )
    return query


def _day_aggregates() -> tuple[Any, ...]:
    in_review = LOG.c.state_before == REVIEW
    return (
        func.count(),
        func.coalesce(func.sum(LOG.c.duration_ms), 0),
        func.count().filter(LOG.c.rating == 1),
        func.count().filter(in_review),
        func.count().filter(and_(in_review, LOG.c.rating >= 2)),
    )


def _per_day(
    conn: Connection,
    study_days: StudyCalendar,
    first: date,
    today: date,
    deck_ids: list[int] | None,
) -> dict[date, _Day]:
    """Reviews of each study day from `first` to `today`.

    All decks: one indexed range query per day rather than a GROUP BY over a day
    expression: rows come in `reviewed_at` order from the index, so nothing is sorted
    (twice as fast for a million rows). One deck: GROUP BY, reaching the deck's few
    rows through the card index, then sorting only those.
    """
    if deck_ids is not None:
        return _per_day_grouped(conn, study_days, first, today, deck_ids)
    from sqlalchemy import bindparam

    query = _log_query(_day_aggregates(), None).where(
        LOG.c.reviewed_at >= bindparam("start"), LOG.c.reviewed_at < bindparam("end")
    )
    days: dict[date, _Day] = {}
    for day in date_range(first, (today - first).days + 1):
        reviews, ms, again, total, passed = conn.execute(
            query,
            {
                "start": study_days.start_of(day),
                "end": study_days.start_of(day + timedelta(days=1)),
            },
        ).one()
        if reviews:
            days[day] = _Day(reviews, ms / 1000, again, total, passed)
    return days


def _per_day_grouped(
    conn: Connection, study_days: StudyCalendar, first: date, today: date, deck_ids: list[int]
) -> dict[date, _Day]:
    day = sql_study_date(LOG.c.reviewed_at, study_days).label("day")
    query = _log_query((day, *_day_aggregates()), deck_ids).where(
        LOG.c.reviewed_at >= study_days.start_of(first),
        LOG.c.reviewed_at < study_days.start_of(today + timedelta(days=1)),
    )
    rows = conn.execute(query.group_by(day)).all()
    return {
        date.fromisoformat(key): _Day(reviews, ms / 1000, again, total, passed)
        for key, reviews, ms, again, total, passed in rows
    }


def _sum_retention(period: str, days: Any) -> Retention:
    passed = total = 0
    for d in days:
        passed += d.review_passed
        total += d.review_total
    return Retention(period, passed, total)


def _retention(days: dict[date, _Day], today: date) -> dict[str, list[Retention]]:
    zero = _Day(0, 0.0, 0, 0, 0)
    by_day = [
        _sum_retention(d.isoformat(), [days.get(d, zero)])
        for d in date_range(today - timedelta(days=RETENTION_DAYS - 1), RETENTION_DAYS)
    ]
    monday = today - timedelta(days=today.weekday())
    by_week = []
    for weeks_back in range(RETENTION_WEEKS - 1, -1, -1):
        start = monday - timedelta(weeks=weeks_back)
        year, week, _ = start.isocalendar()
        by_week.append(
            _sum_retention(f"{year}-W{week:02d}", [days.get(d, zero) for d in date_range(start, 7)])
        )
    by_month = []
    for months_back in range(RETENTION_MONTHS - 1, -1, -1):
        start = _month_start(today, months_back)
        end = _month_start(today, months_back - 1) if months_back else today + timedelta(days=1)
        month_days = date_range(start, (end - start).days)
        by_month.append(_sum_retention(f"{start:%Y-%m}", [days.get(d, zero) for d in month_days]))
    return {"day": by_day, "week": by_week, "month": by_month}


def _card_where(deck_ids: list[int] | None, *conditions: Any) -> Any:
    if deck_ids is not None:
        conditions = (*conditions, CARD.c.deck_id.in_(deck_ids))
    return and_(*conditions) if conditions else True


def _counts(conn: Connection, deck_ids: list[int] | None) -> dict[str, int]:
    active = and_(CARD.c.retired.is_(False), CARD.c.suspended.is_(False))
    query = select(
        func.count().filter(and_(active, CARD.c.state == NEW)),
        func.count().filter(and_(active, CARD.c.state == LEARNING)),
        func.count().filter(and_(active, CARD.c.state == REVIEW)),
        func.count().filter(and_(active, CARD.c.state == RELEARNING)),
        func.count().filter(and_(CARD.c.retired.is_(False), CARD.c.suspended.is_(True))),
        func.count().filter(CARD.c.retired.is_(True)),
    ).select_from(CARD)
    if deck_ids is not None:
        query = query.where(CARD.c.deck_id.in_(deck_ids))
    values = conn.execute(query).one()
    return dict(
        zip(
            ("new", "learning", "review", "relearning", "suspended", "retired"), values, strict=True
        )
    )


def _histogram(
    conn: Connection,
    value: Any,
    buckets: Sequence[tuple[str, float, float | None]],
    deck_ids: list[int] | None,
) -> list[Bucket]:
    """Seen, not retired cards (suspended ones too: their memory is still there)."""
    index = case(
        *((value < high, i) for i, (_label, _low, high) in enumerate(buckets) if high is not None),
        else_=len(buckets) - 1,
    ).label("bucket")
    where = _card_where(
        deck_ids, CARD.c.retired.is_(False), CARD.c.state != NEW, value.is_not(None)
    )
    counts: dict[int, int] = dict(
        conn.execute(
            select(index, func.count()).select_from(CARD).where(where).group_by(index)
        ).all()
    )
    return [
        Bucket(label, low, high, counts.get(i, 0)) for i, (label, low, high) in enumerate(buckets)
    ]


def _hardest(conn: Connection, deck_ids: list[int] | None) -> list[HardCard]:
    query = (
        select(CARD.c.id, CARD.c.front, DECK.c.name, CARD.c.lapses, CARD.c.tags)
        .select_from(CARD.join(DECK, DECK.c.id == CARD.c.deck_id))
        .where(_card_where(deck_ids, CARD.c.retired.is_(False), CARD.c.lapses > 0))
        .order_by(CARD.c.lapses.desc(), CARD.c.id)
        .limit(HARDEST)
    )
    return [
        HardCard(i, front, deck, lapses, has_tag(tags))
        for i, front, deck, lapses, tags in conn.execute(query)
    ]


def _streak(
    conn: Connection,
    days: dict[date, _Day],
    today: date,
    first: date,
    study_days: StudyCalendar,
    deck_ids: list[int] | None,
) -> int:
    """`streak.count_streak`, asking the days already counted, then older reviews."""
    older: set[date] | None = None

    def studied(day: date) -> bool:
        nonlocal older
        if day >= first:
            return day in days
        if deck_ids is None:
            return studied_on(conn, study_days, day)
        if older is None:  # one deck: its older reviews are few; date them all at once
            key = sql_study_date(LOG.c.reviewed_at, study_days).label("day")
            query = _log_query((key,), deck_ids).where(
                LOG.c.reviewed_at < study_days.start_of(first)
            )
            older = {date.fromisoformat(k) for (k,) in conn.execute(query.group_by(key))}
        return day in older

    return count_streak(today, studied)
