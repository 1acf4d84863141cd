"""What happened after a handoff (calls and the study team's screening, by
day) and corrections: a coordinator's word that the bot judged a criterion wrongly,
with the right verdict, the typed answer and a note (both encrypted), for the
agreement rate per criterion and the regression cases
(`python -m bot corrections export`). Deleted with the screening.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("screening_id", sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("criterion_id", sa.String(64), nullable=False),
        sa.Column("verdict_given", sa.String(16), nullable=False),
        sa.Column("verdict_expected", sa.String(16), nullable=False),
        sa.Column("raw_text_enc", sa.Text, nullable=False),
        sa.Column("note_enc", sa.Text),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("screening_id", "criterion_id", name="uq_corrections_screening_criterion"),
    )
    op.create_index("ix_corrections_screening_id", "corrections", ["screening_id"])
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("handoff_id", sa.Integer, sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("criterion_id", sa.String(64)),
        sa.Column("reason", sa.String(32)),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_handoff_events_handoff_id", "handoff_events", ["handoff_id"])


def downgrade() -> None:
    op.drop_table("handoff_events")
    op.drop_table("corrections")
