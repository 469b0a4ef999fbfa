"""Run the real `llmcards` entry point in-process, the way a shell would."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def llmcards(*args: str, stdin: str = "") -> Result:
    """Call `llmcards ARGS` through `llmcards.cli.main.run` (the console script's target)."""
    from llmcards.cli import output
    from llmcards.cli.main import run

    output.console.cache_clear()
    output.err_console.cache_clear()
    out, err = io.StringIO(), io.StringIO()
    old_argv, old_stdin = sys.argv, sys.stdin
    sys.argv = ["llmcards", *args]
    sys.stdin = io.StringIO(stdin)  # like CI: no terminal, answers come from here
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                run()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdin = old_argv, old_stdin
        output.console.cache_clear()
        output.err_console.cache_clear()
    return Result(code, out.getvalue(), err.getvalue())


HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "textual")


def in_fresh_python(*args: str) -> tuple[Any, list[str]]:
    """`llmcards ARGS --json` in a new interpreter: its JSON answer, and which of the
    `HEAVY` modules it loaded (a cold start pays for each)."""
    import subprocess

    code = (
        "import io, json, sys, contextlib\n"
        f"sys.argv = ['llmcards', *{list(args)!r}]\n"
        "from llmcards.cli.main import run\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n        run()\n    except SystemExit:\n        pass\n"
        "print(json.dumps({'answer': json.loads(out.getvalue()),\n"
        f"    'loaded': [m for m in {HEAVY!r} if m in sys.modules]}}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return result["answer"], result["loaded"]
