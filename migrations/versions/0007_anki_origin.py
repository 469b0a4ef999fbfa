"""anki_note_type, anki_note, card.origin_guid/origin_ord: where imported cards came from

`import-anki` used to keep of an Anki note only the text its cards show, so `export
anki` sent those cards back as new llmcards notes under new GUIDs, and Anki, which
matches notes by GUID, added every one a second time. Now each imported note is kept
with its GUID, note type and fields (`anki_note`, `anki_note_type`) and each card says
which note and ordinal it is (`card.origin_guid`, `card.origin_ord`), so the export can
give Anki back the notes it knows. Cards imported before are filled in when their
package is imported again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "anki_note_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("spec", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "anki_note",
        sa.Column("guid", sa.String(), nullable=False),
        sa.Column("note_type_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.String(), nullable=False),
        sa.Column("mtime", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["note_type_id"], ["anki_note_type.id"]),
        sa.PrimaryKeyConstraint("guid"),
    )
    # Plain ADD COLUMN: SQLite does it without copying the table.
    op.add_column("card", sa.Column("origin_guid", sa.String(), nullable=True))
    op.add_column("card", sa.Column("origin_ord", sa.Integer(), nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+) keeps the card table, and with it its triggers.
    op.execute("ALTER TABLE card DROP COLUMN origin_ord")
    op.execute("ALTER TABLE card DROP COLUMN origin_guid")
    op.drop_table("anki_note")
    op.drop_table("anki_note_type")
