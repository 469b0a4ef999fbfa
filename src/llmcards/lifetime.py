"""Helper processes that end with the llmcards process that started them.

A worker left behind by a parent killed outright (kill -9, OOM) runs on forever with
nothing to report to: the optimize child and the export's review-log worker both ask the
kernel to end them with their parent. Standard library only: workers import it first.
"""

from __future__ import annotations

import signal
import sys


def end_with_parent(parent: int | None = None) -> None:
    """On Linux, have the kernel kill this process when its parent dies (kill -9, SIGTERM).
    Elsewhere a no-op: those workers end when they next talk to their gone parent.
    `parent`: the pid the caller started this process from, when it can pass it: a parent
    that died while this process was still starting is then noticed too."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import os

        parent = parent or os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it died before the line above
            os._exit(1)
    except (OSError, AttributeError):
        pass  # then a parent that dies leaves this to end by the broken pipe
