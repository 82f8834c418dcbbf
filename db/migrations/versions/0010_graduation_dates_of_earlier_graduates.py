"""the graduation date of students marked graduated before the app recorded one

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Data only, no schema change. Setting the status to graduated records the graduation date on the
plan (`graduation_plan.graduated_on`: the last working day, Monday-Friday, of the planned month,
domain.md "Graduation"); students marked graduated before it did have none, and their record,
reports and exports show no date. Each such graduate (status graduated, not removed) with a planned
month and no date gets that month's last working day. A graduate without a plan stays without a
date: there is no month to take it from. Removed students are left as they are (a removed graduate,
restored, comes back without a date, as before this revision).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

student = sa.table(
    "student",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("removed_at", sa.DateTime),
)
plan = sa.table(
    "graduation_plan",
    sa.column("student_id", sa.Integer),
    sa.column("planned_year", sa.Integer),
    sa.column("planned_month", sa.Integer),
    sa.column("graduated_on", sa.Date),
)


def last_working_day(year: int, month: int) -> date:
    """The rule as it stands, written out here rather than imported from the app's domain code: a
    migration must give the same dates whatever that code becomes."""
    day = date(year, month, calendar.monthrange(year, month)[1])
    while day.weekday() >= 5:  # Saturday, Sunday
        day -= timedelta(days=1)
    return day


def upgrade() -> None:
    bind = op.get_bind()
    graduates = sa.select(student.c.id).where(student.c.status == "graduated", student.c.removed_at.is_(None))
    undated = sa.and_(plan.c.graduated_on.is_(None), plan.c.student_id.in_(graduates))
    # One UPDATE per planned month (a few dozen at most), not one per graduate.
    months = bind.execute(sa.select(plan.c.planned_year, plan.c.planned_month).where(undated).distinct()).all()
    for year, month in months:
        if year is None or not 1 <= (month or 0) <= 12:
            continue  # not a month: no date can be told from it
        bind.execute(
            sa.update(plan)
            .where(undated, plan.c.planned_year == year, plan.c.planned_month == month)
            .values(graduated_on=last_working_day(year, month))
        )


def downgrade() -> None:
    # The dates stay: 0009 has the column and records the same dates itself, and which of them this
    # revision set cannot be told from those set by a status change.
    pass
