"""Migration 0010: students marked graduated before the app recorded a graduation date get the last
working day of their planned month, on SQLite and on PostgreSQL; the migration's own copy of the rule
gives the domain's dates."""

from __future__ import annotations

import calendar
import importlib.util
from datetime import date, datetime
from types import ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from coordinator_app.domain.graduation import graduation_date
from coordinator_app.paths import migrations_dir
from coordinator_app.store.migrate import current_revision, head_revision
from tests.store.migrating import migrate_to


def _migration() -> ModuleType:
    [path] = (migrations_dir() / "versions").glob("0010_*.py")
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migrations_rule_gives_the_domains_date_for_every_month() -> None:
    last_working_day = _migration().last_working_day
    months = [(year, month) for year in range(2020, 2036) for month in range(1, 13)]
    for year, month in months:
        assert last_working_day(year, month) == graduation_date(year, month), (year, month)
    # Months that end on a Saturday or a Sunday are among them, and are moved back to the Friday.
    ends = {date(year, month, calendar.monthrange(year, month)[1]).weekday() for year, month in months}
    assert {5, 6} <= ends
    assert last_working_day(2026, 5) == date(2026, 5, 29)  # 31 May 2026 is a Sunday
    assert last_working_day(2026, 10) == date(2026, 10, 30)  # 31 October 2026 is a Saturday
    assert last_working_day(2024, 2) == date(2024, 2, 29)  # a leap year's February, a Thursday


# -- a database at 0009 upgraded to head --------------------------------------------------------------
# id: (status, removed, plan (year, month) or None, graduated_on already stored)
STUDENTS: dict[int, tuple[str, bool, tuple[int, int] | None, date | None]] = {
    1: ("graduated", False, (2026, 5), None),  # 31 May 2026 is a Sunday
    2: ("graduated", False, (2025, 11), None),  # 30 November 2025 is a Sunday
    3: ("graduated", False, (2026, 10), None),  # 31 October 2026 is a Saturday
    4: ("graduated", False, (2025, 6), None),  # 30 June 2025 is a Monday
    5: ("graduated", False, (2026, 5), None),  # a second graduate of the same month
    6: ("graduated", False, None, None),  # no plan: no month to take a date from
    7: ("graduated", False, (2026, 3), date(2026, 3, 27)),  # a date already there stays as it is
    8: ("active", False, (2026, 5), None),  # not graduated: no date
    9: ("stopped", False, (2025, 11), None),
    10: ("graduated", True, (2025, 11), None),  # removed: left as it is
}
EXPECTED: dict[int, date | None] = {
    1: date(2026, 5, 29),
    2: date(2025, 11, 28),
    3: date(2026, 10, 30),
    4: date(2025, 6, 30),
    5: date(2026, 5, 29),
    7: date(2026, 3, 27),
    8: None,
    9: None,
    10: None,
}


def _write_graduates(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO programme (id, code, name) VALUES (1, 'PM', 'Master Personalized Medicine')"))
        conn.execute(sa.text("INSERT INTO cohort (id, programme_id, start_year) VALUES (1, 1, 2024)"))
        for sid, (status, removed, planned, on) in STUDENTS.items():
            conn.execute(
                sa.text(
                    "INSERT INTO student (id, programme_id, cohort_id, student_number, first_name, last_name, email,"
                    " status, tuition_paid, enrolled, ec_earned, participation_fee_paid, notes, removed_at)"
                    " VALUES (:id, 1, 1, :number, 'A', 'B', '', :status, :yes, :yes, 120, :no, '', :removed)"
                ),
                {
                    "id": sid,
                    "number": f"27{sid:05d}",
                    "status": status,
                    "yes": True,
                    "no": False,
                    "removed": datetime(2026, 11, 2, 9, 30) if removed else None,
                },
            )
            if planned is not None:
                conn.execute(
                    sa.text(
                        "INSERT INTO graduation_plan (student_id, planned_year, planned_month, graduated_on)"
                        " VALUES (:id, :year, :month, :on)"
                    ),
                    {"id": sid, "year": planned[0], "month": planned[1], "on": on},
                )


def _dates(engine: Engine) -> dict[int, Any]:
    plan = sa.table("graduation_plan", sa.column("student_id", sa.Integer), sa.column("graduated_on", sa.Date))
    with engine.connect() as conn:
        return {r.student_id: r.graduated_on for r in conn.execute(sa.select(plan.c.student_id, plan.c.graduated_on))}


def test_graduates_at_0009_get_the_last_working_day_of_their_planned_month(empty: Engine) -> None:
    migrate_to(empty, "0009")
    _write_graduates(empty)
    migrate_to(empty, "head")
    assert current_revision(empty) == head_revision()
    assert _dates(empty) == EXPECTED
    with empty.connect() as conn:  # the graduate without a plan still has none
        assert conn.execute(sa.text("SELECT count(*) FROM graduation_plan WHERE student_id = 6")).scalar() == 0
    # Down to 0009 the dates stay (0009 records the same ones itself); up again changes nothing.
    migrate_to(empty, "0009", down=True)
    assert current_revision(empty) == "0009"
    assert _dates(empty) == EXPECTED
    migrate_to(empty, "head")
    assert _dates(empty) == EXPECTED
