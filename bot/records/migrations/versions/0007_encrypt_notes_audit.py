"""Staff notes and audit details encrypted like answers: a note holds what a
family said on the phone and new phone numbers. Existing rows are encrypted
here; the details of audit rows whose handoff was already deleted are erased
(the row stays: who did what, and when), as a deletion now does.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from bot.records import crypto

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("notes_enc", sa.Text))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("detail_enc", sa.Text))
    conn = op.get_bind()
    for id_, notes in conn.execute(sa.text("SELECT id, notes FROM handoffs WHERE notes <> ''")).all():
        conn.execute(sa.text("UPDATE handoffs SET notes_enc = :e WHERE id = :i"),
                     {"e": crypto.encrypt(notes), "i": id_})
    live = set(conn.execute(sa.text("SELECT reference FROM handoffs")).scalars())
    for id_, ref, detail in conn.execute(sa.text("SELECT id, reference, detail FROM audit_log "
                                                 "WHERE detail <> ''")).all():
        if ref is None or ref in live:
            conn.execute(sa.text("UPDATE audit_log SET detail_enc = :e WHERE id = :i"),
                         {"e": crypto.encrypt(detail), "i": id_})
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("notes")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("detail")


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("notes", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("detail", sa.Text, nullable=False, server_default=""))
    conn = op.get_bind()
    for table, plain, enc in (("handoffs", "notes", "notes_enc"), ("audit_log", "detail", "detail_enc")):
        for id_, token in conn.execute(sa.text(f"SELECT id, {enc} FROM {table} WHERE {enc} IS NOT NULL")).all():
            conn.execute(sa.text(f"UPDATE {table} SET {plain} = :p WHERE id = :i"),
                         {"p": crypto.decrypt(token), "i": id_})
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("notes_enc")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("detail_enc")
