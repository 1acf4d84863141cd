"""Screenings, answers, handoffs and the staff audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("trial_id", sa.String(32), nullable=False),
        sa.Column("respondent", sa.String(16)),
        sa.Column("relation", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32)),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_screenings_sender_id", "screenings", ["sender_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("screening_id", sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("criterion_id", sa.String(64), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("raw_text_enc", sa.Text),
        sa.Column("normalized", sa.String(255)),
        sa.Column("verdict", sa.String(16)),
        sa.Column("reason", sa.Text),
        sa.Column("answered_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("screening_id", "criterion_id", name="uq_answers_screening_criterion"),
    )
    op.create_index("ix_answers_screening_id", "answers", ["screening_id"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("screening_id", sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("consent_at", sa.DateTime, nullable=False),
        sa.Column("consent_text", sa.Text, nullable=False),
        sa.Column("name_enc", sa.Text),
        sa.Column("phone_enc", sa.Text),
        sa.Column("email_enc", sa.Text),
        sa.Column("preferred_time_enc", sa.Text),
        sa.Column("preferred_language", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(16)),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("handoffs")
    op.drop_index("ix_answers_screening_id", "answers")
    op.drop_table("answers")
    op.drop_index("ix_screenings_sender_id", "screenings")
    op.drop_table("screenings")
