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


class DatabaseError(UserError):
    """The database cannot be opened or is from a newer llmcards."""
