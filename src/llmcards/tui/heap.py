"""Keep the garbage collector's full passes out of the study loop. Pure, no Textual.

By the time the first card is on screen the process holds ~100k long-lived objects
(modules, SQLAlchemy's and Textual's tables, the widgets of the screen). Every tenth
generation-1 pass CPython walks all of them in a full collection: 60-80 ms, during
which no key is handled and no frame is painted, and that was the slow 1% of ratings.
`gc.freeze()` moves everything alive now into the permanent generation, so a later
full pass walks only what was made since (the cards shown, their widgets): ~5-10 ms.

Start-up itself (imports, the queue, the first screen) makes almost nothing that is
garbage, yet pays for a full pass or two on the way to the first card: `pause()` turns
the collector off for that stretch and `settle()` turns it back on.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Call as start-up begins; `settle()` ends the pause."""
    gc.disable()


_settled = False


def settle() -> None:
    """Call once start-up is over: what exists now lives as long as the app does.
    Only the first call freezes: later study sessions' garbage stays collectable."""
    global _settled
    if not _settled:
        _settled = True
        gc.freeze()
    gc.enable()


def freeze() -> None:
    """Long-lived objects made after start-up (the store, opened in the background once
    the first card was shown) join the permanent generation too."""
    gc.freeze()


def resume() -> None:
    """End a `pause()` without freezing (the app ended before its first card)."""
    gc.enable()
