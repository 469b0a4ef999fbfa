"""fsrs-rs calls for `llmcards optimize`, and its held-out half run as a second process.

fsrs-rs fits on one thread and holds the GIL all along (two fits in two threads take as
long as one after the other), and optimize needs two fits: on every item (the parameters
it may keep) and on the earlier part of the history (to predict the later part). On two
cores they can run side by side only in two processes, so this file is also a program:
the parent fits every item while the child fits the earlier part and evaluates.

Why a plain child interpreter on pipes rather than `multiprocessing`:
- fork would copy a process in which rayon (inside fsrs-rs) may hold its locks;
- spawn and forkserver re-run the parent's `__main__` when it is a file — for the
  installed `llmcards` console script that is Typer and the whole CLI again — and start
  a resource-tracker process besides;
- this file imports nothing but the standard library and fsrs_rs_python, and runs by path
  with -P (neither its folder nor the working directory on sys.path), so it starts in a
  few tens of milliseconds under any installation and finds nothing but installed modules.

The job goes in as one pickle of compact arrays (FSRSItems cannot be pickled; both sides
build identical items from the same arrays with `build_items`), through an unlinked
temporary file as the child's stdin, so the parent never waits for the child to read it.
The answer comes back as one pickle on stdout.

Lifetime: the parent kills and reaps the child on every way out of the `with` block
(errors, KeyboardInterrupt). Ctrl-C reaches the child too (same process group) and, with
SIGINT at its default, ends it at once, without a traceback. A parent killed outright
takes the child with it (Linux: PR_SET_PDEATHSIG; elsewhere the child ends when it
answers into a closed pipe). Whenever the child cannot start, dies
or answers nonsense, the parent does the job itself: slower, same numbers.
"""

from __future__ import annotations

import pickle
import signal
import sys
from array import array
from collections.abc import Sequence
from typing import Any

DECIMALS = 4  # parameters as Anki shows and stores them
Job = dict[str, Any]
Pair = tuple[float, float]  # (log loss, RMSE(bins))


def build_items(ratings: bytes, deltas: array, starts: array, ends: array) -> list[Any]:
    """Item i holds reviews starts[i]:ends[i] of the flat (rating, delta_t) sequence."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    reviews = [FSRSReview(rating, delta) for rating, delta in zip(ratings, deltas, strict=False)]
    return [FSRSItem(reviews[start:end]) for start, end in zip(starts, ends, strict=False)]


def fit(items: Sequence[Any], relearning_steps: int = 1) -> list[float]:
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    defaults = [round(p, DECIMALS) for p in DEFAULT_PARAMETERS]
    fitted = FSRS(defaults).compute_parameters(
        list(items), enable_short_term=True, num_relearning_steps=relearning_steps
    )
    return [round(float(p), DECIMALS) for p in fitted]


def evaluate(parameters: Sequence[float], items: Sequence[Any]) -> Pair:
    from fsrs_rs_python import FSRS

    result = FSRS(list(parameters)).evaluate(list(items))
    return float(result.log_loss), float(result.rmse_bins)


def held_out_job(job: Job) -> Job:
    """The current parameters on every item; and, when `cut` is set, parameters fitted on
    items[:cut] and the current ones, both predicting items[cut:]."""
    items = build_items(job["ratings"], job["deltas"], job["starts"], job["ends"])
    answer: Job = {"current_all": evaluate(job["current"], items), "fitted": None}
    cut = job["cut"]
    if cut is not None:
        fitted = fit(items[:cut], job["relearning_steps"])
        test = items[cut:]
        answer.update(
            fitted=fitted,
            current_test=evaluate(job["current"], test),
            fitted_test=evaluate(fitted, test),
        )
    return answer


def worker_command() -> list[str]:
    return [sys.executable, "-P", __file__]


class HeldOut:
    """`held_out_job(job)` in a child process; `result()` waits for it (or does it here)."""

    def __init__(
        self, job: Job, *, in_process: bool = False, command: Sequence[str] | None = None
    ) -> None:
        self.job = job
        self.process: Any = None  # subprocess.Popen, once started
        self.fallback: str | None = "asked to run in process" if in_process else None
        if not in_process:
            self._start(list(command or worker_command()))

    def _start(self, command: list[str]) -> None:
        import subprocess
        import tempfile

        try:
            with tempfile.TemporaryFile() as payload:
                pickle.dump(self.job, payload, protocol=pickle.HIGHEST_PROTOCOL)
                payload.seek(0)
                self.process = subprocess.Popen(
                    command, stdin=payload, stdout=subprocess.PIPE, stderr=subprocess.PIPE
                )
        except (OSError, ValueError) as exc:  # no interpreter, no temporary folder, …
            self.fallback = f"could not start the worker: {exc}"

    def result(self) -> Job:
        if self.process is not None:
            out, err = self.process.communicate()
            if self.process.returncode == 0:
                try:
                    answer = pickle.loads(out)
                except Exception as exc:
                    self.fallback = f"unreadable answer from the worker: {exc}"
                else:
                    if isinstance(answer, dict) and "current_all" in answer:
                        return answer
                    self.fallback = "unexpected answer from the worker"
            else:
                last = err.decode(errors="replace").strip().splitlines()
                self.fallback = (
                    f"worker exit code {self.process.returncode}: {last[-1] if last else ''}"
                )
        return held_out_job(self.job)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()

    def __enter__(self) -> HeldOut:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: end now, no traceback
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # parent gone: end quietly
    from llmcards.lifetime import end_with_parent  # stdlib only: still a fast start

    end_with_parent()
    job = pickle.load(sys.stdin.buffer)
    answer = held_out_job(job)
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
