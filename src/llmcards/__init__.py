"""llmcards: spaced-repetition flashcards from your own Markdown notes.

Bytecode: llmcards runs from its own virtual environment (uv's `.venv`, or `uv tool`'s).
There, the modules it imports are compiled once and kept (`__pycache__`), even where
PYTHONDONTWRITEBYTECODE is set, so the first run compiles and later ones start fast.
uv's `compile-bytecode` setting did that at install time but recompiled the whole
environment on every `uv run` (uv issue #12202), costing ~0.5 s and a status line.
"""

import sys

if sys.prefix != sys.base_prefix:  # a virtual environment: its caches are ours to fill
    sys.dont_write_bytecode = False

__version__ = "0.1.0"
