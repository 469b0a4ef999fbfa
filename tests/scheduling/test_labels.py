"""Answer-button labels read like Anki's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from llmcards.scheduling.labels import interval_label, interval_text


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=1), "<1m"),
        (timedelta(minutes=10), "<10m"),  # within the 20-minute learn-ahead: may come sooner
        (timedelta(minutes=25), "25m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=4), "4d"),
        (timedelta(days=40), "1.3mo"),
        (timedelta(days=766), "2.1y"),
    ],
)
def test_labels(interval: timedelta, label: str) -> None:
    assert interval_label(interval) == label


def test_text_without_the_learn_ahead_mark() -> None:
    assert interval_text(timedelta(minutes=10)) == "10m"
