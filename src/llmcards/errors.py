"""Errors a user can act on. The CLI prints them as one line and exits non-zero."""

from __future__ import annotations


class UserError(Exception):
    """Something about the user's input or environment, with what to do about it.

    `str(err)` is the complete one-line message: what went wrong, where (file and line
    when it makes sense), and what to do.
    """

    exit_code = 1


class NoteError(UserError):
    """A notes file that cannot be read as notes."""

    def __init__(self, path: str, problem: str, fix: str = "", line: int | None = None):
        where = f"{path}:{line}" if line else path
        message = f"{where}: {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)
        self.path = path
        self.line = line
        self.problem = problem
        self.fix = fix

    def at_line(self, line: int) -> NoteError:
        """The same problem, found at `line` of the note."""
        return NoteError(self.path, self.problem, self.fix, line)

    def in_file(self, path: str) -> NoteError:
        """The same problem, found in the notes file `path` (the parser does not know it)."""
        return NoteError(path, self.problem, self.fix, self.line)


class DatabaseError(UserError):
    """The database cannot be opened or is from a newer llmcards."""


class Interrupted(UserError):
    """Ctrl-C. `str(err)` says what became of the command's work, when the command knows
    ("interrupted; nothing was imported"); the CLI prints it and exits 130, as shells
    expect of a program stopped by SIGINT."""

    exit_code = 130

    def __init__(self, message: str = "interrupted") -> None:
        super().__init__(message)


def write_failure(exc: BaseException) -> str:
    """Why writing a file failed, as the end of a one-line message. A full disk (or quota,
    or file size limit) says so: SQLite reports it as "database or disk is full", or as a
    bare "disk I/O error" when the write is refused with EFBIG."""
    import errno

    text = str(getattr(exc, "strerror", None) or exc)
    full = getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    if full or "disk is full" in text or "No space left" in text:
        return "disk full; free some space and run again"
    if "disk I/O error" in text:
        return "disk I/O error: is the disk full? free some space and run again"
    return f"{text}; check free space and permissions"
