"""The schema revision this llmcards writes. Dependency-free, so start-up paths that read
the database with the standard library can check it without importing SQLAlchemy."""

# The newest revision in migrations/versions; a test keeps the two in step. Comparing
# with a constant lets the usual open skip importing alembic (cold start).
HEAD_REVISION = "0007"
