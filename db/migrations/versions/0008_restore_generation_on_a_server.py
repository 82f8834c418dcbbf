"""the restore generation of a server database: restore_generation (one row)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

A window refuses to write into data that was restored from a backup after it opened the
database (DatabaseReplaced, docs/reliability.md). On SQLite the generation is the file's
`PRAGMA user_version`, readable even from a damaged file's header, and stays there. PostgreSQL
has no such field, so a server database keeps it in this one-row table, changed in the same
transaction as the rows a restore puts back. The table exists on both engines (every migration
runs on both); an SQLite file leaves it empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "restore_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False, server_default="0"),
        sa.CheckConstraint("id = 1", name=op.f("ck_restore_generation_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restore_generation")),
    )


def downgrade() -> None:
    op.drop_table("restore_generation")
