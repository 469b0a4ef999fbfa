"""Notes files into the store: the I/O between `notes` (pure parsing) and `store`.

- `files`: an import from the command line or the app — answer unchanged files from the
  `source` table, parse the others, store them, report; one transaction. `reading`
  finds and reads the files, `report` is what the import says it did.
- `lookup`: what the `source` table knows of each file before the import, read with the
  standard library (no SQLAlchemy on the unchanged path).
- `parse_ahead`: large notes parsed in a forked worker while the store loads
  (`worker`: forking it, its pipe, stopping it).
- `reimport`, `reimport_ahead`, `section_state`: an edited note re-imported by the
  sections that changed, read ahead in such a worker.

Kept empty of imports: `lookup` is on the start-up path of every import.
"""
