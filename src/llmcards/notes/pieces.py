"""Inline events of a head, kept as small tuples: (kind, value, start, end).

`start`/`end` are byte offsets into the note. For EMPH/LINK/IMAGE starts the range is
the whole element (pyromark gives the span on the Start event), which is what lets a
cut inside `**…**` know where the closing marker is.
"""

from __future__ import annotations

from typing import Final

TEXT: Final = 0
CODE: Final = 1
MATH: Final = 2
HTML: Final = 3
LINK: Final = 4
LINK_END: Final = 5
IMAGE: Final = 6
IMAGE_END: Final = 7
EMPH: Final = 8
EMPH_END: Final = 9

Piece = tuple[int, str, int, int]

# Content flags: what an answer is made of (or-ed together while walking).
HAS_TEXT: Final = 1
HAS_LINK: Final = 2
HAS_IMAGE: Final = 4
HAS_TODO: Final = 8
