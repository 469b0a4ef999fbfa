"""Interval labels as Anki prints them on its answer buttons: `<10m`, `1h`, `4d`, `1.3mo`."""

from __future__ import annotations

from datetime import timedelta

# Anki shows intervals shorter than its learn-ahead limit with a "<": the card may come
# back a little earlier than that when nothing else is left to study.
LEARN_AHEAD = timedelta(minutes=20)

_UNITS = (  # (unit, seconds in it, decimals shown)
    ("y", 365 * 86400, 1),
    ("mo", 30 * 86400, 1),
    ("d", 86400, 0),
    ("h", 3600, 1),
    ("m", 60, 0),
    ("s", 1, 0),
)


def interval_label(interval: timedelta) -> str:
    """The label of an answer button: short intervals get Anki's "<" (learn-ahead)."""
    seconds = max(interval.total_seconds(), 0.0)
    if seconds < 60:
        return "<1m"
    text = _natural(seconds)
    return f"<{text}" if interval < LEARN_AHEAD else text


def interval_text(interval: timedelta) -> str:
    """The same span without the "<": `10m`, `4d`, `1.3mo`."""
    seconds = max(interval.total_seconds(), 0.0)
    return "<1m" if seconds < 60 else _natural(seconds)


def _natural(seconds: float) -> str:
    for unit, size, decimals in _UNITS:
        if seconds >= size or unit == "s":
            value = round(seconds / size, decimals)
            shown = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
            return f"{shown}{unit}"
    raise AssertionError("unreachable")
