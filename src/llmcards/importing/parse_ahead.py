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

import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from queue import SimpleQueue
from typing import IO, Any

from llmcards.cards import CardDraft, Skipped

# Below this many bytes to parse, starting a worker costs more than it overlaps.
MIN_WORKER_BYTES = 256 * 1024
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


class ParseAhead:
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
        self._pid: int | None = None
        self._pipe: IO[bytes] | None = None
        if worth_a_worker(self._jobs) if worker is None else worker:
            try:
                self._pid, self._pipe = fork_worker(partial(_send_parses, self._jobs, deck))
            except OSError:
                pass  # no process to spare (EAGAIN, ENOMEM): parse here

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def take(self, path: Path, data: bytes) -> FileParse:
        """The parse of `path` (`data` its bytes): the next job's from the worker, any
        other file's here."""
        index = self._advance(path)
        if index is None or self._pipe is None:
            return parse_here(path, data, deck_of(self._deck, path), BATCH)
        message = self._receive()
        if message is None or message[0] != "file":
            self._stop()
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
                self._stop()

    def close(self) -> None:
        self._stop()

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
        self._stop()
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

    def _stop(self) -> None:
        pipe, pid = self._pipe, self._pid
        self._pipe = self._pid = None
        stop_worker(pid, pipe)


def receive(pipe: IO[bytes]) -> tuple[Any, ...] | None:
    """The worker's next message; None when it sent none (it died or failed)."""
    try:
        message: tuple[Any, ...] = pickle.load(pipe)
        return message
    except (EOFError, pickle.UnpicklingError, OSError):
        return None


def stop_worker(pid: int | None, pipe: IO[bytes] | None) -> None:
    """Stop a worker `fork_worker` started, done or not, and close its pipe."""
    if pipe is not None:
        pipe.close()
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)  # done already, or its work is not wanted
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)


def worth_a_worker(jobs: Sequence[tuple[Path, bytes]]) -> bool:
    # fork() without exec is only safe in a single-threaded process, and on Linux: macOS
    # system libraries may abort in a forked child.
    return (
        sys.platform.startswith("linux")
        and sum(len(data) for _path, data in jobs) >= MIN_WORKER_BYTES
        and threading.active_count() == 1
    )


def fork_worker(work: Callable[[Sender], None]) -> tuple[int, IO[bytes]]:
    """A forked process running `work`, which sends its messages down the pipe returned
    (read them with `receive`, stop it with `stop_worker`). OSError: no process to spare."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the worker: parse, send, and leave without running any of the parent's cleanup
        status = 1
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C in the terminal: just stop
            gc.disable()  # it exits when done; its objects hold no cycles
            work(Sender(write_end))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, open(read_end, "rb")


class Sender:
    """Writes messages to the pipe from a thread of its own. A pipe holds 64 KB and the
    parent reads nothing while it loads SQLAlchemy: written directly, the parse would
    stall there instead of running ahead (~0.2 s on 100k bullets)."""

    def __init__(self, fd: int) -> None:
        self._queue: SimpleQueue[bytes | None] = SimpleQueue()
        self._failed = False
        self._thread = threading.Thread(target=self._write, args=(fd,), daemon=True)
        self._thread.start()

    def send(self, message: tuple[Any, ...]) -> None:
        if self._failed:
            raise BrokenPipeError("the importing process stopped reading")
        self._queue.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _write(self, fd: int) -> None:
        try:
            with open(fd, "wb") as out:  # buffered: it writes all of a message, pipe full or not
                while (data := self._queue.get()) is not None:
                    out.write(data)
                    out.flush()
        except OSError:  # the importing process is gone or stopped reading
            self._failed = True


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
