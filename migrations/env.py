"""Alembic environment. llmcards runs migrations itself when it opens a database
(`llmcards.store.db`); it hands the open connection over in `config.attributes`."""

from __future__ import annotations

from alembic import context

from llmcards.store.models import SQLModel

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # `alembic` run by hand: use the URL from the ini/CLI
    from sqlalchemy import create_engine

    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
