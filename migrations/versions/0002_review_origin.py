"""review_log.origin: where a review was made ("llmcards", or "anki" when imported)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Reviews written before this revision were all made in llmcards.
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(), nullable=False, server_default="llmcards")
        )


def downgrade() -> None:
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_column("origin")
