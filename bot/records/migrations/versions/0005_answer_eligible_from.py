"""The date from which a temporarily excluded criterion may pass (the end of
a wash-out after a last dose), stored as data with the verdict, encrypted
like the reason it came from (it tells when a medicine was last taken).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("eligible_from_enc", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("eligible_from_enc")
