"""Fit FSRS parameters to the learner's own review log (fsrs-rs-python).

fsrs-rs learns from `FSRSItem`s: one per cross-day review, holding that card's reviews
up to and including it, each as (rating, days since the previous review). Same-day
reviews (learning steps) are kept inside the items as history (delta_t = 0) but are
never predicted. A card's history starts at its last (re)learning block, so cards that
were reset, or whose first ratings are missing (e.g. imported mid-life), do not teach
the first-rating stabilities anything wrong.

Two comparisons are reported, current parameters vs fitted ones:
- held out: one time-series split. With the items sorted by day, the latest fifth (cut
  at a day boundary: no day on both sides) is predicted by the current parameters and
  by parameters fitted on every item before it: the honest estimate of how well each
  predicts reviews it has not seen. One split rather than Anki's five folds: on 100k
  reviews five fold fits and their evaluations take ~1.4 s of single-threaded fsrs-rs
  time, one split ~0.5 s, and with the fit on everything (~0.75 s), reading the log and
  starting up, five folds cannot finish in the 2 s `optimize` may take there on two
  cores. The latest fifth is also the part most like the reviews to come.
- all: every item, with parameters fitted on all of them (the ones that would be kept).
New parameters are kept only when they win both: reviews they were not fitted on are
the test that counts, and a fit that wins only on the reviews it learned from is not
kept. (Current parameters fitted earlier may have seen part of the held-out reviews;
that only makes keeping new ones more cautious.) Where all reviews fall on one day
there is no held-out part, and nothing is kept.

The two fits are independent, and fsrs-rs holds the GIL while it fits, so they run in two
processes: this one fits every item and evaluates the result, a child (`stats.fsrs_fit`,
which says why it is a plain child interpreter) fits the earlier items and does every
evaluation of the current parameters. The log is read with the standard library's
sqlite3 (`store.fastread.rated_reviews`: SQLAlchemy's imports alone cost ~0.35 s) into
flat arrays, which both processes turn into identical items.
"""

from __future__ import annotations

import sqlite3
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from llmcards.cards import LEARNING, NEW
from llmcards.clock import EPOCH, calendar
from llmcards.config import Settings
from llmcards.errors import UserError
from llmcards.stats import fsrs_fit
from llmcards.stats.fsrs_fit import DECIMALS, HeldOut, build_items
from llmcards.store.fastread import rated_reviews

# fsrs-rs answers "NotEnoughData" below a handful of items and fits noise below a few
# hundred; Anki asks for about this many before it will optimize.
MIN_REVIEWS = 400
HELD_OUT = 0.2  # the share of the items, latest first, predicted in the time-series split


def default_parameters() -> list[float]:
    from fsrs_rs_python import DEFAULT_PARAMETERS

    return [round(p, DECIMALS) for p in DEFAULT_PARAMETERS]


def current_parameters(settings: Settings) -> list[float]:
    """The parameters in use (the database's fitted ones, or the settings file's, see
    `store.parameters`), as 21 FSRS-6 numbers (FSRS-5's 19 are filled in)."""
    if not settings.fsrs_parameters:
        return default_parameters()
    from fsrs_rs_python import check_and_fill_parameters

    try:
        filled = check_and_fill_parameters(list(settings.fsrs_parameters))
    except ValueError as exc:
        raise UserError(
            f"fsrs_parameters in the config are not valid FSRS parameters ({exc}); "
            "reset them with `llmcards config fsrs_parameters ''` and run `llmcards optimize` again"
        ) from None
    return [round(float(p), DECIMALS) for p in filled]


def _ints() -> array:
    return array("i")


@dataclass
class History:
    """The review log as fsrs-rs sees it, kept flat: every usable review once (card after
    card, in time order) as a rating and a delta_t, and item i as the span
    starts[i]:ends[i] of them. Items are sorted by the study day of their last review."""

    ratings: bytes = b""
    deltas: array = field(default_factory=_ints)
    starts: array = field(default_factory=_ints)
    ends: array = field(default_factory=_ints)
    days: array = field(default_factory=_ints)  # each item's study day, days since 1970-01-01
    card_ids: array = field(default_factory=lambda: array("q"))  # the card of each item
    cards: int = 0  # cards with usable history
    reviews: int = 0  # all rows read, same-day ones included

    @cached_property
    def items(self) -> list[Any]:
        """fsrs_rs_python.FSRSItem objects, built once."""
        return build_items(self.ratings, self.deltas, self.starts, self.ends)

    @property
    def item_days(self) -> list[date]:
        return [EPOCH + timedelta(days=d) for d in self.days]

    @property
    def cross_day_reviews(self) -> int:
        return len(self.starts)

    @property
    def missing(self) -> int:
        """How many more cross-day reviews are needed before optimizing makes sense."""
        return max(0, MIN_REVIEWS - self.cross_day_reviews)


def load_history(conn: sqlite3.Connection, *, now: datetime, rollover_hour: int) -> History:
    """Every card's reviews up to `now`, cut into items (`store.fastread.open_fast` gives
    the connection; any sqlite3 connection to the database will do)."""
    rows = rated_reviews(conn, until=now, study_days=calendar(rollover_hour))
    ratings = bytearray()
    deltas = array("i")
    dated: list[tuple[int, int, int, int]] = []  # (day, card, start, end)
    cards = 0
    start, count = 0, len(rows)
    while start < count:
        card_id = rows[start][0]
        end = start + 1
        while end < count and rows[end][0] == card_id:
            end += 1
        begin = _last_learning_start(rows, start, end)
        card_end, start = end, end
        if begin is None:
            continue
        cards += 1
        first = len(ratings)
        previous = rows[begin][1]
        for _card, today, rating, _state in rows[begin:card_end]:
            delta = today - previous
            ratings.append(rating)
            deltas.append(delta)
            if delta > 0:
                dated.append((today, card_id, first, len(ratings)))
            previous = today
    dated.sort()
    history = History(bytes(ratings), deltas, cards=cards, reviews=count)
    if dated:
        days, card_ids, starts, ends = zip(*dated, strict=False)
        history.days, history.card_ids = array("i", days), array("q", card_ids)
        history.starts, history.ends = array("i", starts), array("i", ends)
    return history


def _last_learning_start(rows: Sequence[Any], start: int, end: int) -> int | None:
    """Where the card's last (re)learning-from-new block starts among rows[start:end], or None.

    A card whose history does not start with its first rating (state new or learning)
    cannot be replayed: its first stability would be learned from a later review.
    """
    begin = None
    for index in range(end - 1, start - 1, -1):
        if rows[index][3] in (NEW, LEARNING):
            begin = index
        elif begin is not None:
            break
    return begin


def split_point(days: Sequence[int], held_out: float = HELD_OUT) -> int | None:
    """Index of the first held-out item: the day boundary nearest to the last `held_out`
    share of the (day-sorted) items; None when all items are on one day."""
    count = len(days)
    if count < 2:
        return None
    target = min(count - 1, max(1, count - round(count * held_out)))
    day = days[target]
    candidates = [b for b in (bisect_left(days, day), bisect_right(days, day)) if 0 < b < count]
    return min(candidates, key=lambda b: abs(b - target)) if candidates else None


@dataclass(frozen=True)
class Metrics:
    log_loss: float
    rmse_bins: float

    def as_json(self) -> dict[str, float]:
        return {"log_loss": round(self.log_loss, 5), "rmse_bins": round(self.rmse_bins, 5)}


def evaluate(parameters: Sequence[float], items: Sequence[Any]) -> Metrics:
    return Metrics(*fsrs_fit.evaluate(parameters, items))


def fit(items: Sequence[Any], *, relearning_steps: int = 1) -> list[float]:
    return fsrs_fit.fit(items, relearning_steps)


@dataclass(frozen=True)
class SplitEvaluation:
    current: Metrics
    fitted: Metrics
    tested: int  # items predicted: the held-out ones
    trained: int = 0  # items the held-out fit learned from: all before them
    since: date | None = None  # the study day of the first held-out item


@dataclass
class OptimizeResult:
    cross_day_reviews: int
    cards: int
    current_parameters: list[float]
    fitted_parameters: list[float] | None = None
    held_out: SplitEvaluation | None = None
    current_all: Metrics | None = None
    fitted_all: Metrics | None = None
    worker_trouble: str | None = None  # why the second process was not used, when it was wanted

    @property
    def enough(self) -> bool:
        return self.cross_day_reviews >= MIN_REVIEWS

    @property
    def missing(self) -> int:
        return max(0, MIN_REVIEWS - self.cross_day_reviews)

    @property
    def improved(self) -> bool:
        """Whether the fitted parameters are worth keeping: fitted without the held-out
        reviews they predict those better than the current parameters, and fitted on
        everything they predict the whole history better too."""
        held, fitted_all, current_all = self.held_out, self.fitted_all, self.current_all
        if held is None or fitted_all is None or current_all is None:
            return False
        return (
            self.fitted_parameters is not None
            and self.fitted_parameters != self.current_parameters
            and held.fitted.log_loss < held.current.log_loss
            and fitted_all.log_loss < current_all.log_loss
        )

    def as_json(self) -> dict[str, Any]:
        held = self.held_out
        return {
            "cross_day_reviews": self.cross_day_reviews,
            "cards": self.cards,
            "min_reviews": MIN_REVIEWS,
            "enough": self.enough,
            "missing": self.missing,
            "current_parameters": self.current_parameters,
            "fitted_parameters": self.fitted_parameters,
            "held_out": None
            if held is None
            else {
                "tested": held.tested,
                "trained": held.trained,
                "since": None if held.since is None else held.since.isoformat(),
                "current": held.current.as_json(),
                "fitted": held.fitted.as_json(),
            },
            "all": None
            if self.current_all is None or self.fitted_all is None
            else {
                "current": self.current_all.as_json(),
                "fitted": self.fitted_all.as_json(),
            },
            "improved": self.improved,
        }


def optimize(history: History, settings: Settings, *, in_process: bool = False) -> OptimizeResult:
    """Fit, and compare with the current parameters; nothing is saved here.

    The held-out part runs in a second process unless `in_process` (same numbers)."""
    current = current_parameters(settings)
    result = OptimizeResult(history.cross_day_reviews, history.cards, current)
    if not result.enough:
        return result
    relearning = len(settings.relearning_steps)
    cut = split_point(history.days)
    job = {
        "ratings": history.ratings,
        "deltas": history.deltas,
        "starts": history.starts,
        "ends": history.ends,
        "cut": cut,
        "current": current,
        "relearning_steps": relearning,
    }
    with HeldOut(job, in_process=in_process) as other:
        items = history.items  # built here while the other process builds its own
        result.fitted_parameters = fit(items, relearning_steps=relearning)
        result.fitted_all = evaluate(result.fitted_parameters, items)
        answer = other.result()
    result.worker_trouble = None if in_process else other.fallback
    result.current_all = Metrics(*answer["current_all"])
    if cut is not None and answer["fitted"] is not None:
        result.held_out = SplitEvaluation(
            Metrics(*answer["current_test"]),
            Metrics(*answer["fitted_test"]),
            tested=len(items) - cut,
            trained=cut,
            since=EPOCH + timedelta(days=history.days[cut]),
        )
    return result


def parameters_text(parameters: Sequence[float]) -> str:
    """The form `llmcards config fsrs_parameters …` takes (parameters set by hand)."""
    return ",".join(f"{p:.{DECIMALS}f}".rstrip("0").rstrip(".") if p else "0" for p in parameters)
