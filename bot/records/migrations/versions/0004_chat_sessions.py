"""Patient chat sessions issued by the web server: only an id the server
issued, and that has not ended or gone idle, may continue a conversation.
The id itself is not stored, only its SHA-256.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("ended_why", sa.String(16)),  # ended | idle
    )


def downgrade() -> None:
    op.drop_table("chat_sessions")
