"""reminders are audit entries (action 'reminder'): a partial index finds the last one per item

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

The attention list shows when each item was last reminded about ("reminded 3 days ago"). The
reminders are rows of the audit trail; without this index every read of the list would scan the
whole trail. The index holds only the reminder rows, so it costs nothing for other edits.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHERE = sa.text("action = 'reminder'")


def upgrade() -> None:
    op.create_index(
        "ix_audit_reminder",
        "audit_entry",
        ["student_id", "field", "at"],
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_reminder", table_name="audit_entry")
