"""A forked worker that works ahead of the importing process, and its pipe.

An import has two long steps that can overlap on a machine with two cores: reading the
notes (pure Python) and loading the store (SQLAlchemy, then SQLite). `Ahead` forks a
worker for the first while the caller does the second; the worker sends its results down
a pipe (`Sender`), and whatever it cannot deliver the caller does itself. Used by
`parse_ahead` (whole notes) and `reimport_ahead` (the changed sections of edited ones).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from queue import SimpleQueue
from typing import IO, Any, Self

# Below this many bytes to read, starting a worker costs more than it overlaps.
MIN_WORKER_BYTES = 256 * 1024


class Ahead:
    """A worker running `work` ahead of the caller, if one could be forked; leaving the
    `with` block (or `close`) stops it, done or not."""

    def __init__(self, work: Callable[[Sender], None] | None) -> None:
        """`work` None: no worker (the caller does all the work itself)."""
        self._pid: int | None = None
        self._pipe: IO[bytes] | None = None
        if work is not None:
            try:
                self._pid, self._pipe = fork_worker(work)
            except OSError:
                pass  # no process to spare (EAGAIN, ENOMEM): the caller does the work

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
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
            # The Sender's thread gets the GIL within 1 ms instead of 5 ms: messages
            # then leave as they are made, not in bursts, and the importing process
            # works on them meanwhile (a re-import matches the walked sections' drafts).
            sys.setswitchinterval(0.001)
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
