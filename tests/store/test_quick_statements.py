"""Quick statements (store/quick_statements.py) read and write exactly what SQLAlchemy's own execution
does, on both engines: the same values in the file, the same Python values back, the same errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.exc import IntegrityError

from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.quick_statements import QuickStatement, _bind
from tests.services.service_helpers import add_pm

R, S = m.table(m.CourseResult), m.table(m.Student)
ROW = select(R).where(R.c.id == bindparam("rid"))


def _course_id(ws: Workspace) -> int:
    with ws.read() as s:
        return int(s.scalars(select(m.Course.id).order_by(m.Course.id)).first() or 0)


def test_an_insert_fills_the_plain_defaults_and_reads_back_as_sqlalchemy_reads_it(workspace: Workspace) -> None:
    sid, cid = add_pm(workspace, cohort=2024), _course_id(workspace)
    quick_insert, quick_row = QuickStatement(insert(R)), QuickStatement(ROW)
    with workspace.write() as s:
        conn = s.connection()
        # No grade, no no_show: the registration of a resit. no_show's default (False) is filled.
        new_id = quick_insert.run(conn, {"student_id": sid, "course_id": cid, "attempt": 2, "exam_date": None})
        graded = quick_insert.run(
            conn,
            {
                "student_id": sid,
                "course_id": cid,
                "attempt": 1,
                "exam_date": date(2025, 1, 31),
                "grade": 7.5,
                "no_show": False,
                "registered_on": date(2025, 2, 3),
            },
        )
        assert new_id is not None and graded is not None
        for rid in (new_id, graded):
            (quick,) = quick_row.rows(conn, {"rid": rid})
            (own,) = conn.execute(ROW, {"rid": rid}).all()
            assert tuple(quick) == tuple(own)
            assert quick.id == rid and quick._fields == tuple(own._fields)
        (registration,) = quick_row.rows(conn, {"rid": new_id})
        assert registration.no_show is False and registration.grade is None
        (result,) = quick_row.rows(conn, {"rid": graded})
        assert result.exam_date == date(2025, 1, 31) and isinstance(result.exam_date, date)


def test_an_update_writes_dates_times_and_booleans_as_sqlalchemy_does(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    moment = datetime(2026, 12, 2, 10, 11, 12, 345678, tzinfo=UTC).replace(tzinfo=None)
    quick = QuickStatement(update(S).where(S.c.id == bindparam("row_id")))
    with workspace.write() as s:
        conn = s.connection()
        quick.run(conn, {"row_id": sid, "tuition_paid": True, "notes": "paid in two parts"})
        quick.run(conn, {"row_id": sid, "removed_at": moment})  # another set of columns: its own form
        row = conn.execute(select(S.c.tuition_paid, S.c.notes, S.c.removed_at).where(S.c.id == sid)).one()
        assert tuple(row) == (True, "paid in two parts", moment)
        quick.run(conn, {"row_id": sid, "removed_at": None})


def test_a_broken_rule_is_sqlalchemys_error_and_nothing_is_written(workspace: Workspace) -> None:
    sid, cid = add_pm(workspace, cohort=2024), _course_id(workspace)
    quick = QuickStatement(insert(R))
    values = {"student_id": sid, "course_id": cid, "attempt": 1, "exam_date": None, "grade": 11.0}
    with pytest.raises(IntegrityError), workspace.write() as s:  # the grade_range check
        quick.run(s.connection(), values)
    with workspace.read() as s:
        assert s.scalars(select(m.CourseResult.id).where(m.CourseResult.student_id == sid)).all() == []


def test_what_it_cannot_do_is_refused_when_first_run(workspace: Workspace) -> None:
    expanding = QuickStatement(select(S.c.id).where(S.c.id.in_(bindparam("ids", expanding=True))))
    with workspace.read() as s:
        conn = s.connection()
        if conn.dialect.name != "sqlite":
            pytest.skip("on a server every statement runs through SQLAlchemy")
        with pytest.raises(ValueError, match="IN list"):
            expanding.rows(conn, {"ids": [1, 2]})


@pytest.mark.parametrize("column", [R.c.exam_date, m.table(m.AuditEntry).c.at])
@given(moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)))
def test_dates_and_times_are_sent_as_the_same_text_as_sqlalchemys_own(column: Any, moment: datetime) -> None:
    # The quick way (isoformat) for the plain values, SQLAlchemy's processor for the rest: the same text.
    dialect = sqlite_dialect()
    impl = column.type.dialect_impl(dialect)
    own, quick = impl.bind_processor(dialect), _bind(impl, dialect)
    assert quick is not own  # the quick way is the one in use
    for value in (moment, moment.date(), moment.replace(tzinfo=UTC)):
        assert quick(value) == own(value)
