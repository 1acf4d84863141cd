"""Readings and reasons encrypted beside the typed answer; the conversation's
language; what coordinators need to work the queue (assignee, follow-up,
callback requests) and an optional second factor for staff.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screenings") as t:
        t.add_column(sa.Column("language", sa.String(8)))
        t.add_column(sa.Column("flags_enc", sa.Text))  # emergencies mentioned, unread answers (JSON, encrypted)
    with op.batch_alter_table("answers") as t:
        t.add_column(sa.Column("reading_enc", sa.Text))  # the structured reading (JSON, encrypted)
        t.add_column(sa.Column("reason_enc", sa.Text))
        t.drop_column("normalized")
        t.drop_column("reason")
    with op.batch_alter_table("handoffs") as t:
        t.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="screening"))
        t.add_column(sa.Column("assigned_to", sa.String(64)))
        t.add_column(sa.Column("follow_up_on", sa.Date))
    with op.batch_alter_table("staff_users") as t:
        t.add_column(sa.Column("totp_secret_enc", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as t:
        t.drop_column("totp_secret_enc")
    with op.batch_alter_table("handoffs") as t:
        t.drop_column("follow_up_on")
        t.drop_column("assigned_to")
        t.drop_column("kind")
    with op.batch_alter_table("answers") as t:
        t.add_column(sa.Column("reason", sa.Text))
        t.add_column(sa.Column("normalized", sa.String(255)))
        t.drop_column("reason_enc")
        t.drop_column("reading_enc")
    with op.batch_alter_table("screenings") as t:
        t.drop_column("flags_enc")
        t.drop_column("language")
