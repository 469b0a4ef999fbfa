"""Stats drawn for a terminal: Rich renderables shared by `llmcards stats` and the TUI.

Pure functions from `llmcards.stats` results to Rich renderables; nothing here reads
the database or knows about Textual (a Textual `Static` shows any Rich renderable).
Every chart also reads without colour: the heatmap's cells are shades, bars are blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from llmcards.cards import DECK_SEP
from llmcards.textsafe import printable
from llmcards.wording import counted

if TYPE_CHECKING:
    from llmcards.stats.compute import Bucket, Retention, Stats
    from llmcards.stats.optimize import OptimizeResult
    from llmcards.stats.workload import WorkloadPoint

HEAT_CELLS = ("·", "░", "▒", "▓", "█")
HEAT_STYLES = ("grey35", "green4", "green3", "green1", "bold bright_green")
EIGHTHS = " ▁▂▃▄▅▆▇█"  # vertical bars
LEFT_EIGHTHS = " ▏▎▍▌▋▊▉█"  # horizontal bars
STATE_STYLES = {
    "new": "blue",
    "learning": "red",
    "review": "green",
    "relearning": "yellow",
    "suspended": "grey50",
    "retired": "grey35",
}


EMPTY = (
    "No reviews yet. Study with `llmcards` (or `llmcards study`) and come back: the heatmap, "
    "retention, forecast and memory charts fill in as you review."
)


def stats_renderable(stats: Stats) -> RenderableType:
    """The whole stats page: header, heatmap, charts, tables."""
    seen = sum(stats.counts.values()) - stats.counts["new"]
    if not stats.total_reviews and not seen:
        return Group(
            header(stats), _panel("Cards", counts_bar(stats.counts)), Text(EMPTY, style="dim")
        )
    side = SideBySide(
        _panel("Cards", counts_bar(stats.counts)),
        _panel(retention_title(stats), FitWidth(partial(retention_table, stats))),
    )
    histograms = SideBySide(
        _panel(
            "Stability (days to 90% recall)",
            FitWidth(partial(histogram, stats.stability, "cyan")),
        ),
        _panel("Difficulty", FitWidth(partial(histogram, stats.difficulty, "magenta"))),
    )
    return Group(
        header(stats),
        _panel(f"Reviews in the last year — {_reviews(stats.total_reviews)}", Heatmap(stats)),
        _panel("Reviews per day (30 days)", FitWidth(partial(per_day_chart, stats))),
        _panel(forecast_title(stats), FitWidth(partial(forecast_chart, stats.forecast))),
        side,
        histograms,
        _panel(
            f"Hardest cards (leech at {counted(stats.leech_threshold, 'lapse')})",
            FitWidth(partial(hardest_table, stats)),
        ),
    )


def _panel(title: str, body: RenderableType) -> Panel:
    return Panel(
        body,
        # Cut with "…" where the panel is narrower than its title (Rich cuts it bare).
        title=Text(printable(title), style="bold", overflow="ellipsis"),
        title_align="left",
        expand=False,
        padding=(0, 1),
    )


def _reviews(count: int) -> str:
    return f"{count} review" if count == 1 else f"{count} reviews"


def header(stats: Stats) -> Text:
    where = printable(stats.deck or "all decks")
    text = Text.assemble(
        ("Stats", "bold"), " — ", (where, "bold cyan"), f"   {stats.today:%a %Y-%m-%d}\n"
    )
    minutes = stats.today_seconds / 60
    if stats.today_reviews:
        text.append(f"Today: {_reviews(stats.today_reviews)} in {_minutes(minutes)}")
    else:
        text.append("Today: no reviews yet")
    if stats.today_reviews:
        text.append(f" · again {stats.today_again} ({stats.today_again / stats.today_reviews:.0%})")
    text.append(" · streak ")
    text.append(
        f"{stats.streak} day{'s' if stats.streak != 1 else ''}",
        style="bold yellow" if stats.streak else "",
    )
    return text


def _minutes(minutes: float) -> str:
    if minutes < 1:
        return f"{minutes * 60:.0f}s"
    if minutes < 60:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def heat_levels(counts: Sequence[int]) -> list[int]:
    """0 for no reviews, 1–4 by quartiles of the busy days (GitHub's way)."""
    busy = sorted(c for c in counts if c > 0)
    if not busy:
        return [0] * len(counts)
    cuts = [busy[min(len(busy) - 1, len(busy) * q // 4)] for q in (1, 2, 3)]
    return [0 if c == 0 else 1 + sum(c > cut for cut in cuts) for c in counts]


class SideBySide:
    """Two panels side by side where they fit whole, else one above the other (at 40
    columns, side by side squeezed every label of the retention table to `T…`)."""

    GAP = 2

    def __init__(self, left: RenderableType, right: RenderableType) -> None:
        self.left, self.right = left, right

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wanted = sum(
            Measurement.get(console, options, part).maximum for part in (self.left, self.right)
        )
        if wanted + self.GAP <= options.max_width:
            grid = Table.grid(padding=(0, self.GAP), expand=False)
            grid.add_column()
            grid.add_column()
            grid.add_row(self.left, self.right)
            yield grid
        else:
            yield Group(self.left, self.right)


class Heatmap:
    """`heatmap` as wide as the space it is given: the latest weeks that fit (a year
    needs 57 columns; a 40-column terminal wrapped every row of it)."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield heatmap(self.stats, width=options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        full = heatmap(self.stats)
        return Measurement(
            min(20, full.cell_len), max(len(line) for line in full.plain.split("\n"))
        )


def heatmap(stats: Stats, width: int | None = None) -> Text:
    """Weeks as columns, Monday to Sunday as rows; month names above. `width`: only the
    latest weeks that fit in that many columns."""
    days = stats.heatmap
    if not days:
        return Text("no days")
    levels = dict(zip((d.date for d in days), heat_levels([d.reviews for d in days]), strict=True))
    first = days[0].date - timedelta(days=days[0].date.weekday())
    weeks = (days[-1].date - first).days // 7 + 1
    if width is not None and weeks > width - 4:
        dropped = weeks - max(1, width - 4)
        first += timedelta(weeks=dropped)
        weeks -= dropped
    text = Text("    ")
    month_row = [" "] * weeks
    for week in range(weeks):
        monday = first + timedelta(weeks=week)
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if day.day == 1 and week + 3 <= weeks:
                label = f"{day:%b}"
                if all(c == " " for c in month_row[week : week + len(label)]):
                    month_row[week : week + len(label)] = list(label)
    text.append("".join(month_row) + "\n", style="dim")
    for weekday in range(7):
        text.append(("Mon ", "    ", "Wed ", "    ", "Fri ", "    ", "Sun ")[weekday], style="dim")
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            level = levels.get(day)
            if level is None:
                text.append(" ")
            else:
                text.append(
                    HEAT_CELLS[level],
                    style=HEAT_STYLES[level] + (" underline" if day == stats.today else ""),
                )
        text.append("\n")
    text.append("    less ", style="dim")
    for cell, style in zip(HEAT_CELLS, HEAT_STYLES, strict=True):
        text.append(cell, style=style)
    text.append(" more", style="dim")
    return text


def bar_chart(
    values: Sequence[float],
    *,
    height: int = 6,
    style: str = "green",
    bar_width: int = 2,
    label_width: int | None = None,
) -> Text:
    """Vertical bars in eighth-blocks, the tallest `height` rows high, with a scale
    (`label_width` cells wide, to line up with rows drawn under it)."""
    top = max(values, default=0)
    text = Text()
    scale_width = max(len(_number(top)), label_width or 0)
    for row in range(height, 0, -1):
        label = _number(top) if row == height else ""
        text.append(
            label.rjust(scale_width) + " ┤" if label else " " * scale_width + " │", style="dim"
        )
        for value in values:
            eighths = round(value / top * height * 8) if top else 0
            if value > 0:
                eighths = max(eighths, 1)  # a day with anything at all shows
            filled = min(8, max(0, eighths - (row - 1) * 8))
            text.append(_bar_cells(EIGHTHS[filled], bar_width), style=style)
        if row > 1:
            text.append("\n")
    return text


def _bar_cells(block: str, bar_width: int) -> str:
    """One day's cells: its block, and a gap after it when there are two cells a day."""
    return block * (bar_width - 1) + " " if bar_width > 1 else block


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _axis(
    dates: Sequence[date], bar_width: int, scale_width: int, *, first_label: str, every: int = 7
) -> Text:
    line = [" "] * (len(dates) * bar_width)
    for index in range(0, len(dates), every):
        label = first_label if index == 0 else f"{dates[index]:%m-%d}"
        start = index * bar_width
        if start + len(label) <= len(line):
            line[start : start + len(label)] = list(label)
    return Text(" " * (scale_width + 2) + "".join(line), style="dim")


def fit_days(days: int, room: int | None) -> tuple[int, int]:
    """(days shown, cells a day) for `days` bars in `room` cells: two cells a day (a gap
    between bars) where all fit so, else one, else as many days as fit at one cell."""
    if room is None or room >= days * 2:
        return days, 2
    return min(days, max(room, 1)), 1


class FitWidth:
    """A chart drawn for the width it is given, as `Heatmap` is: `draw(width)` fits in
    `width` cells; `draw(None)` is the chart at its full size. In the app a row too
    wide for the pane wrapped onto the next; in a terminal it was cut off."""

    MINIMUM = 20

    def __init__(self, draw: Callable[[int | None], RenderableType]) -> None:
        self.draw = draw

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.draw(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        # As wide as drawn for the room there is: its panel hugs it.
        drawn = Measurement.get(console, options, self.draw(options.max_width))
        return Measurement(min(self.MINIMUM, drawn.maximum), drawn.maximum)


MINUTES_LABEL = "min"


def per_day_chart(stats: Stats, width: int | None = None) -> Group:
    """Reviews a day as bars, minutes a day under them, the month in numbers; in `width`
    cells: one cell a day, then only the latest days, so no row is ever wrapped."""
    reviews_all = [d.reviews for d in stats.per_day]
    minutes_all = [d.seconds / 60 for d in stats.per_day]
    scale = max(len(_number(max(reviews_all, default=0))), len(MINUTES_LABEL))
    shown, bar_width = fit_days(len(stats.per_day), None if width is None else width - scale - 2)
    days = stats.per_day[len(stats.per_day) - shown :]
    dates = [d.date for d in days]
    reviews = reviews_all[len(reviews_all) - shown :]
    minutes = minutes_all[len(minutes_all) - shown :]
    total_minutes = sum(minutes_all)
    active = sum(1 for r in reviews_all if r)
    top = max(minutes_all, default=0)
    minutes_line = Text(MINUTES_LABEL.rjust(scale) + " ┤", style="dim")
    for value in minutes:
        block = EIGHTHS[max(1, round(value / top * 8))] if value and top else " "
        minutes_line.append(_bar_cells(block, bar_width), style="cyan")
    facts = [
        _reviews(sum(reviews_all)),
        _minutes(total_minutes),
        f"{active} of {len(reviews_all)} days studied",
        *([f"{sum(reviews_all) / active:.0f} a study day"] if active else []),
    ]
    most = f"max {_minutes(top)}"
    if width is None or minutes_line.cell_len + 1 + len(most) <= width:
        minutes_line.append(" " + most, style="dim")
    else:  # said under the chart instead
        facts.append(f"{most} a day")
    if shown < len(stats.per_day):
        facts.insert(0, f"latest {shown} days shown")
    return Group(
        bar_chart(reviews, style="green", bar_width=bar_width, label_width=scale),
        _axis(dates, bar_width, scale, first_label=f"{dates[0]:%m-%d}" if dates else ""),
        minutes_line,
        Text("\n".join(_packed(facts, width)), style="dim"),
    )


def _packed(facts: Sequence[str], width: int | None, sep: str = " · ") -> list[str]:
    """`facts` joined by `sep` in lines of at most `width` cells, never cut inside one
    (a terminal's `llmcards stats` crops a line too long; the app would wrap it)."""
    lines: list[str] = []
    for fact in facts:
        if lines and (width is None or len(lines[-1]) + len(sep) + len(fact) <= width):
            lines[-1] += sep + fact
        else:
            lines.append(fact)
    return lines


def forecast_title(stats: Stats) -> str:
    week = sum(n for _d, n in stats.forecast[:7])
    month = sum(n for _d, n in stats.forecast)
    return f"Due — today {stats.forecast[0][1] if stats.forecast else 0}, next 7 days {week}, 30 days {month}"


def forecast_chart(forecast: Sequence[tuple[date, int]], width: int | None = None) -> Group:
    """Cards due each day from today; in `width` cells: one cell a day, then only the
    nearest days (the title still counts all 30)."""
    scale = len(_number(max((n for _d, n in forecast), default=0)))
    shown, bar_width = fit_days(len(forecast), None if width is None else width - scale - 2)
    dates = [d for d, _n in forecast[:shown]]
    counts = [n for _d, n in forecast[:shown]]
    return Group(
        bar_chart(counts, height=5, style="blue", bar_width=bar_width, label_width=scale),
        _axis(dates, bar_width, scale, first_label="today"),
    )


def counts_bar(counts: dict[str, int], width: int = 30) -> Group:
    total = sum(counts.values())
    bar = Text()
    if total:
        cells = _proportional([counts[k] for k in STATE_STYLES], width)
        for (_state, style), cell in zip(STATE_STYLES.items(), cells, strict=True):
            bar.append("█" * cell, style=style)
    else:
        bar.append("·" * width, style="dim")
    legend = Table.grid(padding=(0, 1))
    legend.add_column()
    legend.add_column(justify="right")
    for state, style in STATE_STYLES.items():
        legend.add_row(Text("■ ", style=style) + Text(state), str(counts.get(state, 0)))
    legend.add_row(Text("  total", style="bold"), Text(str(total), style="bold"))
    return Group(bar, legend)


def _proportional(values: Sequence[int], width: int) -> list[int]:
    """Cells per value summing to `width`, every non-zero value getting at least one."""
    total = sum(values)
    raw = [v / total * width for v in values]
    cells = [max(1, int(r)) if v else 0 for v, r in zip(values, raw, strict=True)]
    while sum(cells) < width:
        cells[max(range(len(values)), key=lambda i: raw[i] - cells[i])] += 1
    while sum(cells) > width:
        cells[max(range(len(values)), key=lambda i: cells[i] - raw[i] if cells[i] > 1 else -1)] -= 1
    return cells


def retention_title(stats: Stats) -> str:
    return f"True retention (desired {stats.desired_retention:.0%})"


def _rate_text(retention: Retention, desired: float) -> Text:
    rate = retention.rate
    if rate is None:
        return Text("—", style="dim")
    style = "green" if rate >= desired else ("yellow" if rate >= desired - 0.05 else "red")
    return Text(f"{rate:.1%}", style=style)


def _columns_width(columns: Sequence[Sequence[str]]) -> int:
    """Cells a borderless table (`pad_edge=False`) takes for these columns (header and
    values each): the widest of each, and a gap of 2 between two."""
    return sum(max(cell_len(v) for v in column) for column in columns) + 2 * (len(columns) - 1)


def retention_table(stats: Stats, width: int | None = None) -> Group:
    """Retention by period, and a weekly trend; in `width` cells the "passed" column
    (reviews × rate) gives way first, and the trend's legend goes under it."""
    from llmcards.stats.compute import Retention

    def total(rows: Sequence[Retention], label: str) -> Retention:
        return Retention(label, sum(r.passed for r in rows), sum(r.total for r in rows))

    days, weeks, months = stats.retention["day"], stats.retention["week"], stats.retention["month"]
    rows = [
        ("Today", days[-1]),
        ("Yesterday", days[-2]),
        ("Last 7 days", total(days[-7:], "7d")),
        ("This week", weeks[-1]),
        ("Last week", weeks[-2]),
        ("This month", months[-1]),
        ("Last month", months[-2]),
        ("Last 365 days", stats.retention_overall),
    ]
    rates = [_rate_text(retention, stats.desired_retention) for _label, retention in rows]
    columns = {
        "": [label for label, _r in rows],
        "passed": [str(r.passed) for _label, r in rows],
        "reviews": [str(r.total) for _label, r in rows],
        "rate": [rate.plain for rate in rates],
    }
    if width is not None and _columns_width([[k, *v] for k, v in columns.items()]) > width:
        del columns["passed"]
    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in columns:
        table.add_column(name, justify="right" if name else "left", no_wrap=True)
    for index, rate_text in enumerate(rates):
        shown = (values[index] for name, values in columns.items() if name != "rate")
        table.add_row(*shown, rate_text)
    trend = Text("weekly  ", style="dim")
    for week in weeks:
        rate = week.rate
        if rate is None:
            trend.append("·", style="dim")
        else:
            # 50 % at the bottom, 100 % at the top: the range where retention lives.
            level = min(8, max(1, round((rate - 0.5) / 0.5 * 8)))
            trend.append(EIGHTHS[level], style=_rate_text(week, stats.desired_retention).style)
    legend = f"last {len(weeks)} weeks"
    if width is None or trend.cell_len + 2 + len(legend) <= width:
        trend.append(f"  {legend}", style="dim")
    else:
        trend.append("\n" + " " * len("weekly  ") + legend, style="dim")
    return Group(table, trend)


HISTOGRAM_BAR = 20


def histogram(buckets: Sequence[Bucket], style: str, width: int | None = None) -> Table:
    """Horizontal bars, 20 cells long at most, shorter to fit in `width` cells."""
    labels = [bucket.label for bucket in buckets]
    numbers = [str(bucket.count) for bucket in buckets]
    bar_cells = HISTOGRAM_BAR
    if width is not None and labels:
        others = max(cell_len(label) for label in labels) + max(map(len, numbers)) + 2
        bar_cells = max(4, min(HISTOGRAM_BAR, width - others))
    top = max((b.count for b in buckets), default=0)
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", style="dim", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for bucket, label, number in zip(buckets, labels, numbers, strict=True):
        eighths = round(bucket.count / top * bar_cells * 8) if top else 0
        if bucket.count:
            eighths = max(1, eighths)
        bar = "█" * (eighths // 8) + (LEFT_EIGHTHS[eighths % 8] if eighths % 8 else "")
        table.add_row(label, Text(bar.ljust(bar_cells), style=style), number)
    return table


LEECH_MARK = "leech · suspended"
FRONT_MAX, DECK_MAX = 44, 20
FRONT_MIN = 12  # cells of a front worth keeping before the deck column and the mark give way


def hardest_table(stats: Stats, width: int | None = None) -> RenderableType:
    """The cards lapsed most; in `width` cells the front is cut with "…", and below
    `FRONT_MIN` cells of it the deck column goes, then the mark shortens to "leech":
    every other column stays whole and no row is ever wrapped."""
    if not stats.hardest:
        return Text("No card has lapsed yet (been forgotten after it was learned).", style="dim")
    cards = stats.hardest
    fronts = [printable(card.front) for card in cards]
    decks = [printable(card.deck.rsplit(DECK_SEP, 1)[-1]) for card in cards]
    marks = [LEECH_MARK if card.leech else "" for card in cards]
    ids = [str(card.id) for card in cards]
    lapses = [str(card.lapses) for card in cards]
    front_width = min(FRONT_MAX, max(cell_len(f) for f in ["front", *fronts]))
    show_deck = True

    def front_room() -> int:
        if width is None:
            return front_width
        columns = [["#", *ids], ["lapses", *lapses], ["", *marks]]
        others = _columns_width(columns) + 2  # and the gap before the front
        if show_deck:
            others += min(DECK_MAX, max(cell_len(d) for d in ["deck", *decks])) + 2
        return width - others

    if front_room() < min(front_width, FRONT_MIN):
        show_deck = False
    if front_room() < min(front_width, FRONT_MIN):
        marks = ["leech" if mark else "" for mark in marks]
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", style="dim", no_wrap=True)
    table.add_column(
        "front", max_width=max(1, min(front_width, front_room())), no_wrap=True, overflow="ellipsis"
    )
    if show_deck:
        table.add_column("deck", style="dim", max_width=DECK_MAX, no_wrap=True, overflow="ellipsis")
    table.add_column("lapses", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for card, front, deck, mark in zip(cards, fronts, decks, marks, strict=True):
        lapse_text = Text(
            str(card.lapses), style="red" if card.lapses >= stats.leech_threshold > 0 else ""
        )
        # Text, not str: a str cell is Rich markup, and fronts and decks are user text.
        cells: list[str | Text] = [str(card.id), Text(front), *([Text(deck)] if show_deck else [])]
        table.add_row(*cells, lapse_text, Text(mark, style="bold red"))
    return table


def optimize_renderable(result: OptimizeResult, *, saved: bool | None) -> RenderableType:
    """Current vs fitted parameters: log loss and RMSE(bins), held out and on everything."""
    from llmcards.stats.optimize import MIN_REVIEWS

    if not result.enough:
        return Text.assemble(
            ("Not enough history to optimize yet. ", "bold yellow"),
            f"{counted(result.cross_day_reviews, 'cross-day review')} so far (a review on a later day than the "
            f"card's previous one); FSRS needs about {MIN_REVIEWS} — {result.missing} more. "
            "Keeping the current parameters.",
        )
    table = Table(
        title=f"{counted(result.cross_day_reviews, 'cross-day review')} of {counted(result.cards, 'card')}",
        title_justify="left",
    )
    table.add_column("")
    table.add_column("log loss", justify="right")
    table.add_column("RMSE(bins)", justify="right")
    held, cur_all, fit_all = result.held_out, result.current_all, result.fitted_all
    assert cur_all is not None and fit_all is not None

    if held is None:
        table.add_row("held out: none (all reviews on one day)", "", "", style="bold")
    else:
        since = "" if held.since is None else f" since {held.since:%Y-%m-%d}"
        latest = counted(held.tested, "review")
        table.add_row(f"held out: the latest {latest}{since}", "", "", style="bold")
        table.add_row("  current", f"{held.current.log_loss:.4f}", f"{held.current.rmse_bins:.4f}")
        table.add_row(
            f"  fitted on the {held.trained:,} before",
            _compare(held.fitted.log_loss, held.current.log_loss),
            _compare(held.fitted.rmse_bins, held.current.rmse_bins),
        )
    table.add_row("all reviews", "", "", style="bold")
    table.add_row("  current", f"{cur_all.log_loss:.4f}", f"{cur_all.rmse_bins:.4f}")
    table.add_row(
        "  fitted",
        _compare(fit_all.log_loss, cur_all.log_loss),
        _compare(fit_all.rmse_bins, cur_all.rmse_bins),
    )
    lines: list[RenderableType] = [table, Text("Lower is better for both.", style="dim")]
    if result.improved:
        verdict = (
            "Saved the fitted parameters in this database: its new reviews use them."
            if saved
            else "The fitted parameters predict your reviews better; run `llmcards optimize` to keep them."
        )
        lines.append(Text(verdict, style="bold green"))
    else:
        lines.append(
            Text(
                "The current parameters predict your reviews as well or better: keeping them.",
                style="bold",
            )
        )
    return Group(*lines)


def _compare(value: float, baseline: float) -> Text:
    return Text(
        f"{value:.4f}", style="green" if value < baseline else ("red" if value > baseline else "")
    )


def workload_renderable(
    points: Sequence[WorkloadPoint], *, current: float, deck_size: int, new_per_day: int
) -> RenderableType:
    table = Table(
        title=f"Workload over a year: {counted(deck_size, 'card')}, {new_per_day} new a day",
        title_justify="left",
    )
    table.add_column("retention", justify="right", no_wrap=True)
    table.add_column("reviews/day", justify="right")
    table.add_column("min/day", justify="right")
    table.add_column("", min_width=16, no_wrap=True)
    table.add_column("remembered", justify="right")
    table.add_column("per min", justify="right")
    top = max((p.reviews_per_day for p in points), default=0)
    best = max(points, key=lambda p: p.memorized_per_minute) if points else None
    for point in points:
        cells = round(point.reviews_per_day / top * 16) if top else 0
        mine = abs(point.desired_retention - current) < 1e-9
        style = "bold cyan" if mine else ""
        table.add_row(
            Text(("◂ " if mine else "") + f"{point.desired_retention:.0%}", style=style),
            f"{point.reviews_per_day:.0f}",
            f"{point.minutes_per_day:.0f}",
            Text("█" * cells, style="blue"),
            f"{point.memorized:.0f}",
            Text(f"{point.memorized_per_minute:.2f}", style="green" if point is best else ""),
        )
    note = Text(
        "◂ yours. Higher retention: fewer cards forgotten, more reviews; "
        '"remembered" is cards you would know at the end of the year, "per min" what each minute buys. '
        "Change it with `llmcards config desired_retention 0.85`.",
        style="dim",
    )
    return Group(table, note)
