"""The held-out half of `llmcards optimize` in a second process: same numbers, no leftovers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmcards.config import Settings
from llmcards.stats.fsrs_fit import HeldOut
from llmcards.stats.optimize import History, default_parameters, optimize, split_point
from tests.stats.history import history_of, synthetic_collection

NOW = "2026-05-01T12:00:00+08:00"


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~5,500 reviews of 400 cards (`synthetic_collection`), shared: these tests only read it."""
    path = tmp_path_factory.mktemp("fit") / "cards.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LLMCARDS_NOW", NOW)
        synthetic_collection(path).close()
    return path


@pytest.fixture
def history(collection: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    monkeypatch.setenv("LLMCARDS_NOW", NOW)
    from llmcards.store.db import open_db

    db = open_db(collection, daily_backup=False)
    try:
        return history_of(db)
    finally:
        db.close()


def same(a: object, b: object) -> bool:
    """Equal answers: the same fitted parameters, the same metrics (fsrs-rs sums RMSE(bins)
    in hash-map order, so two evaluations of one set can differ in the 8th digit)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-6, abs=1.5e-5)  # JSON rounds to 5 decimals
    return a == b


def job_of(history: History) -> dict[str, object]:
    return {
        "ratings": history.ratings,
        "deltas": history.deltas,
        "starts": history.starts,
        "ends": history.ends,
        "cut": split_point(history.days),
        "current": default_parameters(),
        "relearning_steps": 1,
    }


def test_the_worker_process_gives_the_numbers_of_fitting_in_process(history: History) -> None:
    job = job_of(history)
    with HeldOut(job) as worker:
        answer = worker.result()
        assert worker.fallback is None  # it really ran in the other process
    with HeldOut(job, in_process=True) as here:
        assert here.process is None
        assert same(answer, here.result())
    assert answer["fitted"] != default_parameters() and len(answer["fitted"]) == 21
    side_by_side = optimize(history, Settings())
    one_process = optimize(history, Settings(), in_process=True)
    assert side_by_side.worker_trouble is None
    assert side_by_side.fitted_parameters == one_process.fitted_parameters
    assert same(side_by_side.as_json(), one_process.as_json())
    assert side_by_side.held_out is not None and side_by_side.fitted_parameters is not None


def test_a_worker_that_dies_is_replaced_by_fitting_here(history: History) -> None:
    job = job_of(history)
    with HeldOut(
        job, command=[sys.executable, "-c", "import sys; sys.exit('no fsrs here')"]
    ) as broken:
        answer = broken.result()
    assert broken.fallback == "worker exit code 1: no fsrs here"
    with HeldOut(job, in_process=True) as here:
        assert same(answer, here.result())
    with HeldOut(job, command=[str(Path(sys.executable).parent / "no-such-python")]) as missing:
        assert missing.process is None and same(missing.result(), answer)
    assert missing.fallback is not None and missing.fallback.startswith(
        "could not start the worker"
    )


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, RuntimeError])
def test_leaving_early_kills_and_reaps_the_worker(
    history: History, interrupt: type[BaseException]
) -> None:
    with (
        pytest.raises(interrupt),
        HeldOut(
            job_of(history), command=[sys.executable, "-c", "import time; time.sleep(60)"]
        ) as worker,
    ):
        pid = worker.process.pid
        raise interrupt()
    assert worker.process.returncode is not None  # waited for: no zombie, no orphan
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.slow
def test_the_installed_console_script_fits_in_two_processes(
    collection: Path, tmp_path: Path, history: History
) -> None:
    script = shutil.which("llmcards", path=str(Path(sys.executable).parent)) or shutil.which(
        "llmcards"
    )
    if script is None:
        pytest.skip("the llmcards script is not installed in this environment")
    env = {**os.environ, "LLMCARDS_NOW": NOW, "LLMCARDS_CONFIG": str(tmp_path / "config.toml")}
    done = subprocess.run(
        [script, "--db", str(collection), "optimize", "--evaluate", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == ""  # no "fitted in one process" note
    import json

    shown = json.loads(done.stdout)
    expected = optimize(history, Settings(), in_process=True).as_json()
    assert same({key: shown[key] for key in expected}, expected)
    assert shown["held_out"]["tested"] > 0 and shown["saved"] is False
