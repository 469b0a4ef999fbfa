"""Exchange with Anki: `.apkg` export with schedule and history, `.apkg` import, CSV.

Everything here is plain Python (sqlite3, zipfile, markdown-it, py-fsrs); Anki's own
backend is used only by the tests, to prove Anki reads what we write.
"""
