"""Import notes files into a database: one transaction over the files `reading` finds,
each parsed (or re-read by its changed sections), stored and reported (`report`).

The pure parsing lives in `llmcards.notes` (run ahead in a worker process for large
notes, `parse_ahead`); the history-keeping sync in `llmcards.store.sync`, and a new
root deck's first import in `llmcards.store.new_root`. This module is the I/O glue
between them. Files unchanged since their last import are answered from the `source`
table (`store.unchanged`), without loading SQLAlchemy when nothing else is to be done.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from llmcards.cards import CardDraft, Skipped, check_deck_depth, normal_deck
from llmcards.errors import Interrupted, NoteError, UserError
from llmcards.importing.lookup import LookUp, fast_look_up, look_up, named_folders
from llmcards.importing.parse_ahead import FileParse, ParseAhead
from llmcards.importing.reading import NoteFile, read_notes
from llmcards.importing.reimport_ahead import Job, ReadAhead
from llmcards.importing.report import FileReport, ImportReport, settle_moves, unchanged_report

if TYPE_CHECKING:  # SQLAlchemy stays out of import time
    from sqlalchemy import Connection

    from llmcards.store.db import Store
    from llmcards.store.sources import SkippedJson
    from llmcards.store.sync import SyncResult

# Bump when the importer's rules change, so unchanged files are parsed again once.
PARSER_VERSION = 5  # 2: rules 7–10, math, to-do heads, glued items, callouts, contexts;
# 3: to-do items in loose lists, no context for a front that is its own heading;
# 4: an abbreviation's period ("et al.") makes no front a fragment (stored warnings);
# 5: a cloze's front is never called a fragment (stored warnings), root decks are
#    spelled as Anki spells deck names (`C++ :: STL` -> `C++::STL`), and a heading's `::`
#    is written `∷` (one heading, one deck level)


def import_at(
    db_path: Path,
    paths: Sequence[str | os.PathLike[str]],
    *,
    deck: str | None = None,
    dry_run: bool = False,
    now: datetime,
) -> ImportReport:
    """`import_paths` on the database file at `db_path`, opened only if there is work:
    when every file is unchanged the stored outcome is the answer, read without
    SQLAlchemy. Otherwise the parse starts (in a worker, when large) before the store
    loads. A dry run never creates a missing database.

    Ctrl-C before the transaction commits is `Interrupted`, "nothing was imported" (the
    transaction rolls back); after the commit, `Interrupted` saying it was saved; during
    the commit it stays a KeyboardInterrupt, which claims nothing."""
    commit = CommitStarted()
    try:
        return _import_at(db_path, paths, deck=deck, dry_run=dry_run, now=now, commit=commit)
    except KeyboardInterrupt:
        if commit.done:
            raise Interrupted(
                "interrupted after the import was saved; import the same files again to see "
                "what it did (nothing changes the second time)"
            ) from None
        if commit.started:
            raise  # during the commit itself: either way may be true
        raise Interrupted("interrupted; nothing was imported") from None


@dataclass
class CommitStarted:
    """Whether an import's transaction got to its commit (set as its last step), and
    whether the commit went through."""

    started: bool = False
    done: bool = False


def _import_at(
    db_path: Path,
    paths: Sequence[str | os.PathLike[str]],
    *,
    deck: str | None,
    dry_run: bool,
    now: datetime,
    commit: CommitStarted,
) -> ImportReport:
    deck = given_deck(deck)
    folders = named_folders(paths)
    problem: NoteError | None
    try:
        files = read_notes(paths)
    except NoteError as exc:
        files, problem, look = [], exc, None  # raised after opening the database, as always
    else:
        problem = None
        look = fast_look_up(
            db_path, files, deck=deck, folders=folders, parser_version=PARSER_VERSION
        )
        if look is not None and look.nothing_to_do:
            reports = [
                unchanged_report(f.path, c)
                for f, c in zip(files, look.cached, strict=True)
                if c is not None  # all of them: nothing to do
            ]
            return ImportReport(reports, dry_run=dry_run)
    with (
        ParseAhead(_to_parse(files, look), look.decks if look else deck) as ahead,
        ReadAhead(_to_read(files, look)) as reads,
    ):
        from llmcards.store.db import open_db

        db = open_db(db_path if (db_path.exists() or not dry_run) else None)
        try:
            if problem is not None:
                raise problem
            return _import_files(
                db,
                files,
                ahead,
                deck=deck,
                folders=folders,
                dry_run=dry_run,
                now=now,
                reads=reads,
                commit=commit,
            )
        finally:
            db.close()


def import_paths(
    db: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    deck: str | None = None,
    dry_run: bool = False,
    now: datetime,
    by_sections: bool = True,
) -> ImportReport:
    """Import every notes file under `paths`. All or nothing: one transaction. Without
    `deck`, a file imported before keeps the deck it was imported under. `by_sections`:
    an edited file may be re-imported by the sections that changed (llmcards.importing.reimport);
    False reads every file whole (tests compare the two)."""
    from llmcards.store.sources import store_query

    deck = given_deck(deck)
    folders = named_folders(paths)
    files = read_notes(paths)
    with db.read() as conn:
        look = look_up(
            store_query(conn), files, deck=deck, folders=folders, parser_version=PARSER_VERSION
        )
    if not by_sections:
        look.by_sections.clear()
    with ParseAhead(_to_parse(files, look), look.decks) as ahead:
        return _import_files(
            db,
            files,
            ahead,
            deck=deck,
            folders=folders,
            dry_run=dry_run,
            now=now,
            by_sections=by_sections,
        )


def given_deck(deck: str | None) -> str | None:
    """The --deck as an import uses and remembers it, spelled as Anki spells deck names
    (`a::::b ` -> `a::b`); a UserError when no name is left (`::`, blanks)."""
    if deck is None:
        return None
    spelled = normal_deck(deck)
    if not spelled:
        raise UserError(
            f"root deck {deck!r} has no name in it (only '::' and spaces); give a deck "
            "name such as 'LLM 学习笔记', or none to use the file's title or name"
        )
    return spelled


def _to_parse(files: Sequence[NoteFile], look: LookUp | None) -> list[tuple[Path, bytes]]:
    """The files an import will parse whole, as far as a look before its transaction
    tells (one stored by sections is read here, by the sections that changed)."""
    return [
        (f.path, f.data)
        for i, f in enumerate(files)
        if look is None or (look.cached[i] is None and f.resolved not in look.by_sections)
    ]


def _to_read(files: Sequence[NoteFile], look: LookUp | None) -> list[Job]:
    """The files an import will re-import by sections, as far as a look before its
    transaction tells, to read ahead."""
    if look is None:
        return []
    return [
        Job(f.path, f.data, look.decks[f.path], *look.by_sections[f.resolved])
        for f in files
        if f.resolved in look.by_sections
    ]


def _import_files(
    db: Store,
    files: Sequence[NoteFile],
    ahead: ParseAhead,
    *,
    deck: str | None,
    folders: Sequence[str],
    dry_run: bool,
    now: datetime,
    by_sections: bool = True,
    reads: ReadAhead | None = None,
    commit: CommitStarted | None = None,
) -> ImportReport:
    gc_was_enabled = gc.isenabled()
    # Every batch of cards allocates thousands of tuples and strings that hold no cycles;
    # letting the cyclic GC rescan the store's and SQLAlchemy's objects meanwhile costs
    # ~0.1 s of CPU on 100k bullets.
    gc.disable()
    try:
        return _import_in_transaction(
            db,
            files,
            ahead,
            deck=deck,
            folders=folders,
            dry_run=dry_run,
            now=now,
            by_sections=by_sections,
            reads=reads,
            commit=commit,
        )
    finally:
        # Everything allocated meanwhile (the report: ~100k objects) is still young, and
        # the first collection after enabling would scan it all right after the commit
        # (~0.05 s): freeze + unfreeze moves it to the oldest generation unscanned. Not
        # when someone froze objects on purpose (the study app does): unfreeze would
        # thaw theirs too.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if gc_was_enabled:
            gc.enable()


def _import_in_transaction(
    db: Store,
    files: Sequence[NoteFile],
    ahead: ParseAhead,
    *,
    deck: str | None,
    folders: Sequence[str],
    dry_run: bool,
    now: datetime,
    by_sections: bool,
    reads: ReadAhead | None,
    commit: CommitStarted | None,
) -> ImportReport:
    from llmcards.importing.parse_ahead import BATCH, parse_here
    from llmcards.notes.warnings import Warnings
    from llmcards.store.root_names import respell_root
    from llmcards.store.sources import forget_source, save_source, store_query
    from llmcards.store.sqlite import IMPORT_PAGE_CACHE_KB, page_cache

    reports: list[FileReport] = []
    # A small page cache: 100k bullets peak at 192 MB instead of 227 MB, as fast.
    with db.write() as conn, page_cache(conn, IMPORT_PAGE_CACHE_KB):
        # Asked again inside the transaction: another import may have run since the look.
        look = look_up(
            store_query(conn), files, deck=deck, folders=folders, parser_version=PARSER_VERSION
        )
        for file, cached in zip(files, look.cached, strict=True):
            path, resolved, digest = file.path, file.resolved, file.digest
            file_deck = look.decks[path]
            if cached is not None:
                ahead.skip(path)
                reports.append(unchanged_report(path, cached))
                continue
            read = _by_sections(conn, file, file_deck, now, reads) if by_sections else None
            if read is not None:
                ahead.skip(path)
                reports.append(read)
                continue
            if ahead.deck_for(path) == file_deck:
                parse = ahead.take(path, file.data)
            else:  # the look before the transaction could not tell the remembered deck
                ahead.skip(path)
                parse = parse_here(path, file.data, file_deck, BATCH)
            check_deck_depth(parse.root, str(path))
            respell_root(conn, resolved, parse.root)
            watch = Warnings()
            parse.batches = watch.watching(parse.batches)
            try:
                result, skipped, stored_skipped, lines = _store(conn, parse, resolved, now)
            except NoteError as exc:
                if exc.path:
                    raise
                raise exc.in_file(str(path)) from None
            sections = None
            if parse.sections is not None:
                from llmcards.importing.section_state import whole_state

                state = whole_state(
                    parse.root, parse.sections, lines, watch.found, result.unsettled
                )
                sections = state.as_blob()
            save_source(
                conn,
                parse.root,
                resolved,
                digest,
                PARSER_VERSION,
                stored_skipped,
                now,
                file_deck,
                sections,
            )
            reports.append(
                FileReport(
                    path=path,
                    shown=str(path),
                    root=parse.root,
                    notice=parse.notice,
                    new=result.new,
                    updated=result.updated,
                    unchanged=result.unchanged,
                    retired=result.retired,
                    skipped=skipped,
                    new_drafts=result.new_drafts,
                    updated_drafts=result.updated_drafts,
                    retired_fronts=result.retired_fronts,
                    retired_ids=result.retired_ids,
                    kept=result.kept,
                    replaced=result.replaced,
                    warnings=watch.found,
                )
            )
        # After every file: a file renamed inside the folder has taken its cards over.
        for root, gone in look.gone:
            fronts = forget_source(conn, root, gone, now)
            reports.append(
                FileReport(
                    path=Path(gone),
                    shown=gone,
                    root=root,
                    retired=len(fronts),
                    retired_fronts=fronts,
                    parsed_again=False,
                    gone=True,
                )
            )
        if len(files) > 1:
            from llmcards.store.queries import still_active

            sources = [f.resolved for f in files] + [None] * (len(reports) - len(files))
            settle_moves(reports, sources, still_active(conn, _retired_ids(reports)))
        if dry_run:
            conn.rollback()
        if commit is not None:
            commit.started = True
    if commit is not None:
        commit.done = not dry_run
    return ImportReport(reports, dry_run=dry_run)


def _retired_ids(reports: list[FileReport]) -> list[int]:
    return [card_id for report in reports for card_id in report.retired_ids]


def _by_sections(
    conn: Connection, file: NoteFile, deck: str | None, now: datetime, reads: ReadAhead | None
) -> FileReport | None:
    """Re-import `file` by the sections that changed since its last import
    (llmcards.importing.reimport), when it was stored by sections and that is sure to come out
    as reading it all would; None otherwise (nothing written). `reads`: what a worker
    read ahead, used when it read these very stored sections."""
    from llmcards.importing.reimport import EarlyReads, reimport
    from llmcards.store.sources import SkippedJson, save_source, stored_sections

    stored = stored_sections(conn, file.resolved, PARSER_VERSION, deck)
    if stored is None:
        return None
    state_blob, skipped_json = stored
    job = Job(file.path, file.data, deck, state_blob, skipped_json)
    early = EarlyReads(conn, file.resolved)
    try:
        ahead = False if reads is None else reads.take(job, early)
        outcome = reimport(
            conn,
            path=str(file.path),
            data=file.data,
            stem=file.path.stem,
            deck=deck,
            source_path=file.resolved,
            stored=state_blob,
            skipped_json=skipped_json,
            now=now,
            ahead=ahead,
            early=early,
        )
    except NoteError as exc:
        if exc.path:
            raise
        raise exc.in_file(str(file.path)) from None
    if outcome is None or outcome.state is None:
        return None
    result = outcome.result
    save_source(
        conn,
        outcome.root,
        file.resolved,
        file.digest,
        PARSER_VERSION,
        SkippedJson(outcome.skipped),
        now,
        deck,
        outcome.state.as_blob(),
    )
    return FileReport(
        path=file.path,
        shown=str(file.path),
        root=outcome.root,
        notice=outcome.notice,
        new=result.new,
        updated=result.updated,
        unchanged=result.unchanged,
        retired=result.retired,
        skipped=outcome.skipped,
        new_drafts=result.new_drafts,
        updated_drafts=result.updated_drafts,
        retired_fronts=result.retired_fronts,
        retired_ids=result.retired_ids,
        kept=result.kept,
        replaced=result.replaced,
        warnings=outcome.warnings,
        sections_read=outcome.walked,
    )


def _store(
    conn: Connection, parse: FileParse, source_path: str, now: datetime
) -> tuple[SyncResult, list[Skipped], SkippedJson, list[int]]:
    """Store one file's cards: batch by batch as they are parsed when its root deck is
    new, else all at once through the history-keeping sync (`store.sync`). Also the
    lines of its cards, in note order."""
    from llmcards.store.new_root import NewRootImport, root_has_cards
    from llmcards.store.sources import SkippedJson
    from llmcards.store.sync import apply_drafts, existing_cards

    skipped: list[Skipped] = []
    stored_skipped = SkippedJson()
    lines: list[int] = []
    if not root_has_cards(conn, parse.root):
        storing = NewRootImport(conn, root=parse.root, source_path=source_path, now=now)
        for cards, more_skipped in parse.batches:
            storing.add(cards)
            lines += [card.line for card in cards]
            skipped += more_skipped
            stored_skipped.add(more_skipped)
        return storing.finish(), skipped, stored_skipped, lines
    # Read what the drafts can match while the rest of the file is still being parsed.
    known = existing_cards(
        conn, root=parse.root, source_path=source_path, path_is_gone=lambda p: not os.path.exists(p)
    )
    # Each batch is matched to those cards as it arrives, while the worker parses on.
    matcher = known.matcher()
    drafts: list[CardDraft] = []
    for cards, more_skipped in parse.batches:
        drafts += cards
        matcher.add(cards)
        skipped += more_skipped
    stored_skipped.add(skipped)
    result = apply_drafts(conn, known, drafts=drafts, now=now, matcher=matcher)
    return result, skipped, stored_skipped, [draft.line for draft in drafts]
