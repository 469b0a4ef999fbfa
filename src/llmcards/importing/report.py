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
    # Cards of other files a card leaving this one replaced (`sync.SyncResult.replaced`).
    replaced: list[tuple[str, int, str, str, int]] = field(default_factory=list)
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


def settle_moves(
    reports: list[FileReport], sources: list[str | None], still_active: set[int]
) -> None:
    """Make the reports of one import tell a bullet moved between two of its files (same
    root deck) as a move, not as a card retired or a card new.

    Each file is synced in turn, so the first of the two to be read tells it wrong: when
    the old file comes first, its card is retired there and taken up again by the new
    file (`still_active`: the cards retired in this import that are active at its end);
    when the new file comes first, it makes a new card that the old card, with its
    history, later replaces (`FileReport.replaced`). `sources`: each report's file as
    stored (resolved path), None for a report of no file read."""
    for report in reports:
        if not report.retired_ids or len(report.retired_ids) != len(report.retired_fronts):
            continue
        kept = [
            (front, card_id)
            for front, card_id in zip(report.retired_fronts, report.retired_ids, strict=True)
            if card_id not in still_active
        ]
        report.retired -= len(report.retired_ids) - len(kept)
        report.retired_fronts = [front for front, _id in kept]
        report.retired_ids = [card_id for _front, card_id in kept]
    by_source = dict(zip(sources, reports, strict=True))
    for report in reports:
        for source_path, line, context, front, cloze_ord in report.replaced:
            made = by_source.get(source_path)
            if made is None:  # a card an earlier import made: no report of this one counts it
                continue
            for i, draft in enumerate(made.new_drafts):
                if (draft.line, draft.context, draft.front, draft.cloze_ord) == (
                    line,
                    context,
                    front,
                    cloze_ord,
                ):
                    made.updated_drafts.append(made.new_drafts.pop(i))
                    made.new -= 1
                    made.updated += 1
                    break


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
