"""a removed student is kept (with every record) until restored: student.removed_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable with no default: every student of an older database stays as it was (not removed).
    # A plain ADD COLUMN on SQLite too: no table copy, so a 100,000-student file upgrades at once.
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # Nothing is deleted: in the older schema a removed student shows again (and can be removed
    # there for good), where deleting here could not be taken back.
    with op.batch_alter_table("student", schema=None) as batch_op:
        batch_op.drop_column("removed_at")
