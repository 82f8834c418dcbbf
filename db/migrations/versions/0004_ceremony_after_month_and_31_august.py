"""stored dates brought in line with domain.md: the ceremony after the graduation month, and
first-year Academic Core work due on 31 August (overdue on 1 September)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Data only, no schema change. Plans made before this revision hold the ceremony "in or after"
the graduation month (a September graduate at the September ceremony); the programme's
schedule sends September-December to January, January-April to June and May-August to
September. First-year assignments were stored as due on 1 September, which made them "due
soon" on the day they are overdue; their last day is 31 August.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The rule as it stood and as it stands for both shipped programmes (ceremonies in January,
# June and September), written out here: a migration must not change when the data files do.
CEREMONY_MONTHS = (1, 6, 9)
AFTER = {9: 1, 10: 1, 11: 1, 12: 1, 1: 6, 2: 6, 3: 6, 4: 6, 5: 9, 6: 9, 7: 9, 8: 9}

plan = sa.table(
    "graduation_plan",
    sa.column("id", sa.Integer),
    sa.column("planned_year", sa.Integer),
    sa.column("planned_month", sa.Integer),
    sa.column("ceremony_year", sa.Integer),
    sa.column("ceremony_month", sa.Integer),
)
item = sa.table(
    "portfolio_item",
    sa.column("id", sa.Integer),
    sa.column("component", sa.String),
    sa.column("kind", sa.String),
    sa.column("due_date", sa.Date),
)


def _in_or_after(year: int, month: int) -> tuple[int, int]:
    for offset in range(13):
        m = (month - 1 + offset) % 12 + 1
        if m in CEREMONY_MONTHS:
            return year + (month - 1 + offset) // 12, m
    raise AssertionError("unreachable")


def _after(year: int, month: int) -> tuple[int, int]:
    ceremony = AFTER[month]
    return (year, ceremony) if ceremony > month else (year + 1, ceremony)


def _first_year_items(bind: sa.Connection) -> list[tuple[int, date]]:
    return [
        (r.id, r.due_date)
        for r in bind.execute(
            sa.select(item.c.id, item.c.due_date).where(
                item.c.component == "academic_core", item.c.kind == "first_year_assignments"
            )
        )
        if r.due_date is not None
    ]


def upgrade() -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(plan)).all():
        if not (1 <= (row.planned_month or 0) <= 12):
            continue
        stored = (row.ceremony_year, row.ceremony_month)
        # Only a ceremony the old rule computed moves; anything else was set on purpose.
        if stored == _in_or_after(row.planned_year, row.planned_month):
            year, month = _after(row.planned_year, row.planned_month)
            bind.execute(sa.update(plan).where(plan.c.id == row.id).values(ceremony_year=year, ceremony_month=month))
    for item_id, due in _first_year_items(bind):
        if (due.month, due.day) == (9, 1):
            bind.execute(sa.update(item).where(item.c.id == item_id).values(due_date=due - timedelta(days=1)))


def downgrade() -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(plan)).all():
        if not (1 <= (row.planned_month or 0) <= 12):
            continue
        if (row.ceremony_year, row.ceremony_month) == _after(row.planned_year, row.planned_month):
            year, month = _in_or_after(row.planned_year, row.planned_month)
            bind.execute(sa.update(plan).where(plan.c.id == row.id).values(ceremony_year=year, ceremony_month=month))
    for item_id, due in _first_year_items(bind):
        if (due.month, due.day) == (8, 31):
            bind.execute(sa.update(item).where(item.c.id == item_id).values(due_date=due + timedelta(days=1)))
