"""Parsing notes files for an import, in a worker process running ahead when that pays.

A large import is two long steps: parsing the notes (pure Python) and storing the cards
(loading SQLAlchemy, then SQLite). On a machine with two cores they can run at once: a
forked worker parses and sends each file's cards in batches down a pipe, while this
process loads the store and stores every batch as it comes (`store.new_root`).

The worker changes nothing about the outcome: it runs the same `note_batches`, and
whenever it cannot deliver (fork unavailable, it failed, it died), the file is parsed
here instead, past whatever the worker had already delivered. A file the worker could
not parse is parsed here again so that its error (a binary file, say) is raised here,
exactly as without a worker.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from llmcards.cards import CardDraft, Skipped
from llmcards.importing.worker import Ahead, Sender, receive, worth_a_worker

# Outputs per batch: small enough that storing the last batch after the parse ends is
# short, large enough that a batch's pickling and round trip are noise.
BATCH = 2000

Batch = tuple[list[CardDraft], list[Skipped]]  # in note order
# The --deck of an import: one for every file, or per file (a re-import remembers each
# file's own deck).
Decks = str | None | Mapping[Path, str | None]


def deck_of(decks: Decks, path: Path) -> str | None:
    return decks.get(path) if isinstance(decks, Mapping) else decks


@dataclass
class FileParse:
    root: str
    notice: str | None  # how the bytes were decoded, when that is worth saying
    batches: Iterator[Batch]  # consume before taking the next file
    # Once `batches` is consumed: the note's sections (notes.sections.NoteSections),
    # None when it cannot be read by sections.
    sections: Any = None


def parse_here(path: Path, data: bytes, deck: str | None, batch: int = 0) -> FileParse:
    """Parse in this process; the parse runs as `batches` is consumed. NoteError if the
    bytes are not text."""
    from llmcards.notes import decode_note, note_batches

    decoded = decode_note(data, str(path))
    stream = note_batches(decoded.text, root=deck, stem=path.stem, batch=batch, sections=True)
    parse = FileParse(stream.root, decoded.notice, iter(()))

    def batches() -> Iterator[Batch]:
        yield from stream.batches
        parse.sections = stream.sections

    parse.batches = batches()
    return parse


class ParseAhead(Ahead):
    """Parses `jobs` (path, bytes) in order, ahead of the caller where a worker can.

    The caller `take`s (or `skip`s) files in job order, other files in between, and
    consumes a parse's batches before taking the next. Use as a context manager:
    leaving stops the worker.
    """

    def __init__(
        self, jobs: Sequence[tuple[Path, bytes]], deck: Decks, *, worker: bool | None = None
    ) -> None:
        """`worker`: None decides by size and platform; tests force it either way."""
        self._jobs = list(jobs)
        self._deck = deck
        self._next = 0  # index of the job the worker delivers next
        wanted = worth_a_worker(self._jobs) if worker is None else worker
        super().__init__(partial(_send_parses, self._jobs, deck) if wanted else None)

    def take(self, path: Path, data: bytes) -> FileParse:
        """The parse of `path` (`data` its bytes): the next job's from the worker, any
        other file's here."""
        index = self._advance(path)
        if index is None or self._pipe is None:
            return parse_here(path, data, deck_of(self._deck, path), BATCH)
        message = self._receive()
        if message is None or message[0] != "file":
            self.close()
            return parse_here(path, data, deck_of(self._deck, path), BATCH)
        _, root, notice = message
        parse = FileParse(root, notice, iter(()))
        parse.batches = self._delivered(index, parse)
        return parse

    def deck_for(self, path: Path) -> str | None:
        """The --deck this parses `path` under."""
        return deck_of(self._deck, path)

    def skip(self, path: Path) -> None:
        """Pass over `path`, unchanged after all: its parse, if the worker's, is dropped."""
        if self._advance(path) is not None and self._pipe is not None:
            message = self._receive()
            while message is not None and message[0] == "batch":
                message = self._receive()
            if message is None or message[0] != "end":
                self.close()

    def _advance(self, path: Path) -> int | None:
        index = self._next
        if index >= len(self._jobs) or self._jobs[index][0] != path:
            return None
        self._next += 1
        return index

    def _delivered(self, index: int, parse: FileParse) -> Iterator[Batch]:
        cards_sent = skipped_sent = 0
        while self._pipe is not None:
            message = self._receive()
            if message is None or message[0] not in ("batch", "end"):
                break
            if message[0] == "end":
                parse.sections = message[1]
                return
            cards = [CardDraft(*fields) for fields in message[1]]
            skipped = [Skipped(*fields) for fields in message[2]]
            cards_sent += len(cards)
            skipped_sent += len(skipped)
            yield cards, skipped
        # The worker stopped mid-file: parse it here, past what it delivered.
        self.close()
        path, data = self._jobs[index]
        here = parse_here(path, data, deck_of(self._deck, path), BATCH)
        for cards, skipped in here.batches:
            drop = min(cards_sent, len(cards))
            cards_sent -= drop
            drop_skipped = min(skipped_sent, len(skipped))
            skipped_sent -= drop_skipped
            if drop < len(cards) or drop_skipped < len(skipped):
                yield cards[drop:], skipped[drop_skipped:]
        parse.sections = here.sections

    def _receive(self) -> tuple[Any, ...] | None:
        assert self._pipe is not None
        return receive(self._pipe)


def _send_parses(jobs: Sequence[tuple[Path, bytes]], deck: Decks, sender: Sender) -> None:
    try:
        for path, data in jobs:
            try:
                from llmcards.notes import decode_note, note_batches

                decoded = decode_note(data, str(path))
                # Field tuples cross the pipe: pickling dataclasses with slots costs ~4x more.
                stream = note_batches(
                    decoded.text,
                    root=deck_of(deck, path),
                    stem=path.stem,
                    batch=BATCH,
                    raw=True,
                    sections=True,
                )
                sender.send(("file", stream.root, decoded.notice))
                for cards, skipped in stream.batches:
                    sender.send(("batch", cards, skipped))
                sender.send(("end", stream.sections))
            except BrokenPipeError:
                return
            except Exception:
                sender.send(("failed",))
                return
    finally:
        sender.close()
