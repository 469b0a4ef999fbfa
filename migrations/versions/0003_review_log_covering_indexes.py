"""review_log: covering indexes for stats and the optimizer

Both old indexes become wider versions of themselves (same leading columns, so every
query they served is still served): adding rating, state_before and duration_ms lets
`llmcards stats` aggregate a day, or a deck's cards, and `llmcards optimize` read every
card's history in order, from the index alone, without a table lookup per review.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:50:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = ["reviewed_at", "rating", "state_before", "duration_ms"]
CARD_TIME = ["card_id", *TIME]


def upgrade() -> None:
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index("ix_review_log_reviewed_at")
        batch_op.drop_index("ix_review_log_card_time")
        batch_op.create_index("ix_review_log_time_stats", TIME, unique=False)
        batch_op.create_index("ix_review_log_card_time_stats", CARD_TIME, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_log", schema=None) as batch_op:
        batch_op.drop_index("ix_review_log_card_time_stats")
        batch_op.drop_index("ix_review_log_time_stats")
        batch_op.create_index("ix_review_log_card_time", ["card_id", "reviewed_at"], unique=False)
        batch_op.create_index("ix_review_log_reviewed_at", ["reviewed_at"], unique=False)
