"""card.guid/note_guid stored; review_log.anki_id; card.anki_suspended: for Anki sync

A card's Anki note GUID used to be computed from its uid at export time. A front edit
that keeps history can change the uid, and Anki would then see a new note instead of an
edited one; so the GUIDs are stored, filled for existing cards with exactly the values
the export computed until now (old exports keep matching), and set once on insert.

`review_log.anki_id` is a review's Anki revlog id once it has been exchanged with a sync
mirror: a review pulled from Anki, or pushed to it, is never written twice.
`card.anki_suspended` is the suspension the mirror held at the last sync, so a change
made elsewhere can be told from one made here.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 01:30:00
"""

import sqlalchemy as sa
from alembic import op

from llmcards.cards import guid_for

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite does it without copying the table.
    op.add_column("card", sa.Column("guid", sa.String(), nullable=True))
    op.add_column("card", sa.Column("note_guid", sa.String(), nullable=True))
    op.add_column("card", sa.Column("anki_suspended", sa.Boolean(), nullable=True))
    op.add_column("review_log", sa.Column("anki_id", sa.Integer(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, uid, note_uid FROM card")).all()
    if rows:
        conn.execute(
            sa.text("UPDATE card SET guid = :guid, note_guid = :note_guid WHERE id = :id"),
            [
                {"id": id_, "guid": guid_for(uid), "note_guid": guid_for(note_uid)}
                for id_, uid, note_uid in rows
            ],
        )
    op.create_index("ix_card_note_guid", "card", ["note_guid"])
    op.create_index("ix_review_log_anki_id", "review_log", ["anki_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_review_log_anki_id", "review_log")
    op.drop_index("ix_card_note_guid", "card")
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_column("anki_id")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_column("anki_suspended")
        batch_op.drop_column("note_guid")
        batch_op.drop_column("guid")
