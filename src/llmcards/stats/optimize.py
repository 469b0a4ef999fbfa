"""Fit FSRS parameters to the learner's own review log (fsrs-rs-python).

fsrs-rs learns from `FSRSItem`s: one per cross-day review, holding that card's reviews
up to and including it, each as (rating, days since the previous review). Same-day
reviews (learning steps) are kept inside the items as history (delta_t = 0) but are
never predicted. A card's history starts at its last (re)learning block, so cards that
were reset, or whose first ratings are missing (e.g. imported mid-life), do not teach
the first-rating stabilities anything wrong.

Two comparisons are reported, current parameters vs fitted ones:
- held out: a time-series split (items sorted by day; fold k is predicted by parameters
  fitted on the folds before it), the honest estimate of how well each predicts
  reviews it has not seen;
- all: every item, with parameters fitted on all of them. This decides whether the new
  parameters are kept (as Anki does): when the current ones were fitted earlier, they
  have seen the held-out folds already, so the split would always favour them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from llmcards.config import Settings
from llmcards.errors import UserError
from llmcards.stats.days import EPOCH, day_shift, sql_study_day_number
from llmcards.store.models import LEARNING, NEW, ReviewLog

LOG = ReviewLog.__table__  # type: ignore[attr-defined]

# fsrs-rs answers "NotEnoughData" below a handful of items and fits noise below a few
# hundred; Anki asks for about this many before it will optimize.
MIN_REVIEWS = 400
SPLITS = 5
DECIMALS = 4  # parameters as Anki shows and stores them


def default_parameters() -> list[float]:
    from fsrs_rs_python import DEFAULT_PARAMETERS

    return [round(p, DECIMALS) for p in DEFAULT_PARAMETERS]


def current_parameters(settings: Settings) -> list[float]:
    """The parameters in use, as 21 FSRS-6 numbers (FSRS-5's 19 are filled in)."""
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


@dataclass
class History:
    """The review log as fsrs-rs sees it, items sorted by the day of their last review."""

    items: list[Any] = field(default_factory=list)  # fsrs_rs_python.FSRSItem
    item_days: list[date] = field(default_factory=list)
    card_ids: list[int] = field(default_factory=list)  # the card of each item
    cards: int = 0  # cards with usable history
    reviews: int = 0  # all rows read, same-day ones included

    @property
    def cross_day_reviews(self) -> int:
        return len(self.items)

    @property
    def missing(self) -> int:
        """How many more cross-day reviews are needed before optimizing makes sense."""
        return max(0, MIN_REVIEWS - self.cross_day_reviews)


def load_history(conn: Connection, *, now: datetime, rollover_hour: int) -> History:
    """Every card's reviews up to `now`, cut into FSRSItems."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    shift = day_shift(now, rollover_hour)
    day = sql_study_day_number(LOG.c.reviewed_at, shift)
    query = (
        select(LOG.c.card_id, day, LOG.c.rating, LOG.c.state_before)
        .where(LOG.c.reviewed_at <= now, LOG.c.rating.between(1, 4))
        .order_by(LOG.c.card_id, LOG.c.reviewed_at, LOG.c.id)
    )
    rows = conn.execute(query).all()
    history = History(reviews=len(rows))
    dated: list[tuple[int, int, Any]] = []
    start = 0
    while start < len(rows):
        card_id = rows[start][0]
        end = start + 1
        while end < len(rows) and rows[end][0] == card_id:
            end += 1
        card_rows = _from_last_learning(rows[start:end])
        start = end
        if not card_rows:
            continue
        history.cards += 1
        reviews: list[Any] = []
        previous: int | None = None
        for _card, today, rating, _state in card_rows:
            delta = today - previous if previous is not None else 0
            reviews.append(FSRSReview(rating, delta))
            if delta > 0:
                dated.append((today, card_id, FSRSItem(reviews[:])))
            previous = today
    dated.sort(key=lambda entry: (entry[0], entry[1]))
    history.item_days = [EPOCH + timedelta(days=d) for d, _c, _i in dated]
    history.card_ids = [c for _d, c, _i in dated]
    history.items = [i for _d, _c, i in dated]
    return history


def _from_last_learning(rows: Sequence[Any]) -> Sequence[Any]:
    """The rows from the start of the card's last (re)learning-from-new block, or none.

    A card whose history does not start with its first rating (state new or learning)
    cannot be replayed: its first stability would be learned from a later review.
    """
    begin = None
    for index in range(len(rows) - 1, -1, -1):
        if rows[index][3] in (NEW, LEARNING):
            begin = index
        elif begin is not None:
            break
    return rows[begin:] if begin is not None else ()


@dataclass(frozen=True)
class Metrics:
    log_loss: float
    rmse_bins: float

    def as_json(self) -> dict[str, float]:
        return {"log_loss": round(self.log_loss, 5), "rmse_bins": round(self.rmse_bins, 5)}


def evaluate(parameters: Sequence[float], items: Sequence[Any]) -> Metrics:
    from fsrs_rs_python import FSRS

    result = FSRS(list(parameters)).evaluate(list(items))
    return Metrics(float(result.log_loss), float(result.rmse_bins))


def fit(items: Sequence[Any], *, relearning_steps: int = 1) -> list[float]:
    from fsrs_rs_python import FSRS

    fitted = FSRS(default_parameters()).compute_parameters(
        list(items), enable_short_term=True, num_relearning_steps=relearning_steps
    )
    return [round(float(p), DECIMALS) for p in fitted]


@dataclass(frozen=True)
class SplitEvaluation:
    current: Metrics
    fitted: Metrics
    tested: int  # items predicted across the held-out folds


def time_series_evaluation(
    items: Sequence[Any], current: Sequence[float], *, splits: int = SPLITS, relearning_steps: int = 1
) -> SplitEvaluation:
    """Predict fold k (of splits+1, by time) with current parameters and with ones fitted on folds < k.

    Log loss is averaged over all predicted items; RMSE(bins) is combined as the root of
    the item-weighted mean of the folds' squares.
    """
    n = len(items)
    bounds = [n * k // (splits + 1) for k in range(splits + 2)]
    totals = {"current": [0.0, 0.0], "fitted": [0.0, 0.0]}
    tested = 0
    for k in range(1, splits + 1):
        train, test = items[: bounds[k]], items[bounds[k] : bounds[k + 1]]
        if not train or not test:
            continue
        fitted = fit(train, relearning_steps=relearning_steps)
        for name, parameters in (("current", current), ("fitted", fitted)):
            metrics = evaluate(parameters, test)
            totals[name][0] += metrics.log_loss * len(test)
            totals[name][1] += metrics.rmse_bins**2 * len(test)
        tested += len(test)
    if not tested:
        raise ValueError("not enough items for a time-series split")

    def combine(name: str) -> Metrics:
        loss, square = totals[name]
        return Metrics(loss / tested, math.sqrt(square / tested))

    return SplitEvaluation(combine("current"), combine("fitted"), tested)


@dataclass
class OptimizeResult:
    cross_day_reviews: int
    cards: int
    current_parameters: list[float]
    fitted_parameters: list[float] | None = None
    held_out: SplitEvaluation | None = None
    current_all: Metrics | None = None
    fitted_all: Metrics | None = None

    @property
    def enough(self) -> bool:
        return self.cross_day_reviews >= MIN_REVIEWS

    @property
    def missing(self) -> int:
        return max(0, MIN_REVIEWS - self.cross_day_reviews)

    @property
    def improved(self) -> bool:
        """Whether the fitted parameters predict the whole history better than the current ones."""
        if self.fitted_all is None or self.current_all is None or self.fitted_parameters is None:
            return False
        return self.fitted_parameters != self.current_parameters and self.fitted_all.log_loss < self.current_all.log_loss

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
            "held_out": None if held is None else {
                "tested": held.tested, "current": held.current.as_json(), "fitted": held.fitted.as_json(),
            },
            "all": None if self.current_all is None or self.fitted_all is None else {
                "current": self.current_all.as_json(), "fitted": self.fitted_all.as_json(),
            },
            "improved": self.improved,
        }  # fmt: skip


def optimize(history: History, settings: Settings, *, splits: int = SPLITS) -> OptimizeResult:
    """Fit, and compare with the current parameters; nothing is saved here."""
    current = current_parameters(settings)
    result = OptimizeResult(history.cross_day_reviews, history.cards, current)
    if not result.enough:
        return result
    relearning = len(settings.relearning_steps)
    result.fitted_parameters = fit(history.items, relearning_steps=relearning)
    result.current_all = evaluate(current, history.items)
    result.fitted_all = evaluate(result.fitted_parameters, history.items)
    result.held_out = time_series_evaluation(history.items, current, splits=splits, relearning_steps=relearning)
    return result


def parameters_text(parameters: Sequence[float]) -> str:
    """The form `save_setting("fsrs_parameters", …)` takes."""
    return ",".join(f"{p:.{DECIMALS}f}".rstrip("0").rstrip(".") if p else "0" for p in parameters)

