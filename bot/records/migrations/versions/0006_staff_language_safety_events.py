"""The staff pages' language per staff account (None: the site's
staff_language), and safety events: when urgent advice or a crisis line was
given in a conversation, and for which sign (encrypted), for the staff list
of safety events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("language", sa.String(8)))
    op.create_table(
        "safety_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("screening_id", sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("sign_enc", sa.Text, nullable=False),
    )
    op.create_index("ix_safety_events_screening_id", "safety_events", ["screening_id"])
    op.create_index("ix_safety_events_at", "safety_events", ["at"])


def downgrade() -> None:
    op.drop_table("safety_events")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("language")
