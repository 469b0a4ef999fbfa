"""source.sections: a file's sections as last imported, so a re-import reads only
what changed (llmcards.importing.reimport)

The column holds, per section of the note, its hash, where it sat and what it made
(compressed JSON, llmcards.importing.section_state). It is only worth trusting while the file's
cards are exactly what that import made: any other change to them (an edit, `relink`,
another file's import taking a card over, a card deleted) clears it through two
triggers (store/models.py, SECTIONS_TRIGGERS), and the next re-import of the file reads
all of it again. Only writes to what a card *is* fire them: a rating never does.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 03:30:00
"""

import sqlalchemy as sa
from alembic import op

from llmcards.store.models import SECTIONS_TRIGGERS

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("source", sa.Column("sections", sa.LargeBinary(), nullable=True))
    for trigger in SECTIONS_TRIGGERS:  # as a new database gets them (store/models.py)
        op.execute(trigger)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS card_deleted_sections")
    op.execute("DROP TRIGGER IF EXISTS card_changed_sections")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_column("sections")
