"""each student's graduation verdict kept beside the data (readiness), so the attention list is a query

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Derived data only: the table starts empty and the app fills it (services/verdicts.py). A row
holds the blockers the rules found, the days on which that verdict holds (mentor meetings count
from their day on) and a mark of the programme rules it was worked out with; a row that does not
fit is worked out again, so an older or restored database needs nothing here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "readiness",
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("blockers", sa.Text(), nullable=False),
        sa.Column("holds_from", sa.Date(), nullable=True),
        sa.Column("holds_until", sa.Date(), nullable=True),
        sa.Column("rules", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_readiness_student_id_student"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("student_id", name=op.f("pk_readiness")),
    )


def downgrade() -> None:
    op.drop_table("readiness")
