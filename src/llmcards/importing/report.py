"""What an import did, file by file: what `llmcards import` prints and `--json` gives,
and what the app's import dialog shows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from llmcards.cards import CardDraft, CardWarning, Skipped

if TYPE_CHECKING:
    from llmcards.store.unchanged import CachedSource


@dataclass
class FileReport:
    path: Path
    shown: str  # the path as the user would recognise it
    root: str
    notice: str | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    new_drafts: list[CardDraft] = field(default_factory=list)
    updated_drafts: list[CardDraft] = field(default_factory=list)
    retired_fronts: list[str] = field(default_factory=list)
    retired_ids: list[int] = field(default_factory=list)  # parallel to retired_fronts, if known
    kept: list[tuple[str, str]] = field(default_factory=list)  # (old, new): history kept
    parsed_again: bool = True
    gone: bool = False  # the file left its folder: its cards were retired
    warnings: list[CardWarning] = field(default_factory=list)  # cards worth a second look
    # Re-imported by its changed sections (llmcards.importing.reimport): how many were read.
    # None: the whole note was read.
    sections_read: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.shown,
            "deck": self.root,
            "encoding": self.notice,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
            "skipped": len(self.skipped),
            "kept_history": [{"old": old, "new": new} for old, new in self.kept],
            "gone": self.gone,
        }


@dataclass
class ImportReport:
    files: list[FileReport]
    dry_run: bool = False

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    @property
    def skipped(self) -> list[tuple[FileReport, Skipped]]:
        return [(f, s) for f in self.files for s in f.skipped]

    def as_json(self) -> dict[str, object]:
        return {
            "new": self.total("new"),
            "updated": self.total("updated"),
            "unchanged": self.total("unchanged"),
            "retired": self.total("retired"),
            "skipped": [
                {"file": f.shown, "line": s.line, "text": s.text, "reason": s.reason}
                for f, s in self.skipped
            ],
            "kept_history": [
                {"file": f.shown, "old": old, "new": new} for f in self.files for old, new in f.kept
            ],
            "files": [f.as_json() for f in self.files],
            "dry_run": self.dry_run,
            "warnings": [
                {
                    "file": f.shown,
                    "line": w.line,
                    "front": w.front,
                    "kind": w.kind,
                    "message": w.message,
                }
                for f in self.files
                for w in f.warnings
            ],
        }


def unchanged_report(path: Path, cached: CachedSource) -> FileReport:
    """The report of a file answered from the `source` table, unread."""
    skipped = [
        Skipped(
            line=s["line"],
            text=s["text"],
            reason=s["reason"],
            category=s["category"],
            deck=tuple(s["deck"]),
        )
        for s in json.loads(cached.skipped_json)
    ]
    return FileReport(
        path=path,
        shown=str(path),
        root=cached.root,
        unchanged=cached.active_cards,
        skipped=skipped,
        parsed_again=False,
    )
