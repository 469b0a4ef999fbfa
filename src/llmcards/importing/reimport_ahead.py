"""Reading the changed sections of edited notes in a worker, while the import loads its store.

A re-import by sections (llmcards.importing.reimport) is two steps: reading the new note
(pyromark over all of it, finding the sections, walking the changed ones: no database)
and syncing the changed sections' cards. The first needs only the file and its stored
sections, which the look-up before the import already read with the standard library
(`lookup.fast_look_up`); so a forked worker runs `reimport.read_changed` while
this process loads SQLAlchemy and opens the database, as `parse_ahead` does for whole
parses, and sends the result back.

The worker changes nothing about the outcome: it runs the same `read_changed` on the
same arguments, and its answer is used only for those very arguments (the stored
sections read again inside the transaction must be the ones it read). Whatever it
cannot deliver (no fork, it failed, it died) is read here instead; a file it failed on
is read here again so that its error is raised here, exactly as without a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from llmcards.cards import CardDraft
from llmcards.importing.worker import Ahead, Sender, receive, worth_a_worker

if TYPE_CHECKING:  # the notes parser loads only when a file is read by sections
    from llmcards.importing.reimport import Changed, Early


@dataclass(frozen=True)
class Job:
    """One file to re-import by sections, with what `read_changed` reads it from."""

    path: Path
    data: bytes
    deck: str | None
    stored: bytes  # the sections its last import stored
    skipped_json: str  # what that import passed over

    def read(self, early: Early | None = None) -> Changed | None:
        from llmcards.importing.reimport import read_changed

        return read_changed(
            path=str(self.path),
            data=self.data,
            stem=self.path.stem,
            deck=self.deck,
            stored=self.stored,
            skipped_json=self.skipped_json,
            early=early,
        )


class ReadAhead(Ahead):
    """Runs `Job.read` for `jobs` in a worker, in order, when a worker can; the caller
    `take`s the answers. Use as a context manager: leaving stops the worker."""

    def __init__(self, jobs: Sequence[Job], *, worker: bool | None = None) -> None:
        """`worker`: None decides by size and platform; tests force it either way."""
        self._jobs = list(jobs)
        self._answers: dict[int, tuple[Any, ...] | None] = {}  # Changed.packed()
        sizes = [(job.path, job.data) for job in self._jobs]
        wanted = bool(self._jobs) and (worth_a_worker(sizes) if worker is None else worker)
        super().__init__(partial(_send_reads, self._jobs) if wanted else None)

    def take(self, job: Job, early: Early | None = None) -> Changed | Literal[False] | None:
        """The worker's `job.read()`, for a job it was given with these very arguments;
        False when it has none (then read here). `early`: called with what the worker's
        read told early, while it walks on (read_changed's `early`)."""
        from llmcards.importing.reimport import Changed
        from llmcards.importing.section_state import load_state

        index = next((i for i, known in enumerate(self._jobs) if known == job), None)
        if index is None or (index not in self._answers and self._pipe is None):
            return False
        # Loaded here while the worker reads: quicker than receiving it.
        state = load_state(job.stored, job.skipped_json)
        walked: list[list[CardDraft]] = []  # the drafts of the sections walked, as they come
        while index not in self._answers and self._pipe is not None:
            message = receive(self._pipe)
            if message is not None and message[0] in ("early", "walked"):
                if message[1] != index:
                    continue
                if message[0] == "early":  # the note split (again): what was walked is not
                    walked.clear()
                    if early is not None:
                        early(message[2], message[3])
                else:
                    for at, fields in message[2]:
                        drafts = [CardDraft(*draft) for draft in fields]
                        walked.append(drafts)
                        if early is not None:
                            early.walked(at, drafts)
                continue
            if message is None or message[0] != "read":
                self.close()  # died or failed: whatever is left is read here
                break
            self._answers[message[1]] = message[2]
        if index not in self._answers:
            return False
        packed = self._answers.pop(index)
        if packed is None:  # its answer: only reading it all is sure
            return None
        assert state is not None  # else the worker would have answered None
        changed = Changed.unpacked(packed, state, walked)
        return False if changed is None else changed


class _Telling:
    """The worker's `Early`: tells the importing process what its read finds, as it goes
    (the walked sections' drafts a few hundred at a time: a message each cost more than
    the matching it let the importing process do meanwhile)."""

    BATCH = 500  # drafts

    def __init__(self, sender: Sender, index: int) -> None:
        self._sender = sender
        self._index = index
        self._walked: list[tuple[int, list[tuple[Any, ...]]]] = []
        self._drafts = 0

    def __call__(self, root: str, ranges: list[tuple[int, int]]) -> None:
        self._walked, self._drafts = [], 0  # split again: what was walked is not
        self._sender.send(("early", self._index, root, ranges))

    def walked(self, at: int, drafts: list[CardDraft]) -> None:
        self._walked.append((at, [_draft_fields(d) for d in drafts]))
        self._drafts += len(drafts)
        if self._drafts >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._walked:
            self._sender.send(("walked", self._index, self._walked))
            self._walked, self._drafts = [], 0


# Field tuples cross the pipe: pickling dataclasses with slots costs ~4x more.
_draft_fields = attrgetter(*(f.name for f in dataclass_fields(CardDraft)))


def _send_reads(jobs: Sequence[Job], sender: Sender) -> None:
    try:
        for index, job in enumerate(jobs):
            try:
                # What the last import passed over is not needed to read the note
                # (the answer leaves the stored state out, `Changed.packed`): the
                # importing process loads it meanwhile. Not parsing it here: ~0.03 s
                # off a large note's re-import.
                telling = _Telling(sender, index)
                changed = replace(job, skipped_json="[]").read(telling)
                telling.flush()
                sender.send(("read", index, None if changed is None else changed.packed()))
            except BrokenPipeError:
                return
            except Exception:
                sender.send(("failed",))
                return
    finally:
        sender.close()
