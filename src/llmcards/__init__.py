"""llmcards: spaced-repetition flashcards from your own Markdown notes."""

__version__ = "0.1.0"
