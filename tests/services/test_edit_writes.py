"""The edits written as Core statements (a grade, a student's field: services/row_writes.py) behave as
the ORM writes did: inside a batch the objects the session holds show what was written, the commit
judges the students they changed, the programme's course rows kept per workspace are forgotten at a
restore, and a course from outside the programme is never kept."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

import pytest
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.student import evaluate
from coordinator_app.services.courses import add_external_course, record_grade, set_optional_course
from coordinator_app.services.snapshot import JUDGED_AT_COMMIT, snapshot
from coordinator_app.services.students import remove_student, update_student
from coordinator_app.services.verdicts import V, refresh
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_pm, audit_rows, student


def _verdict(ws: Workspace, sid: int) -> tuple[str | None, str]:
    """(stored blockers or None, blockers of a fresh evaluation) of one student."""
    with ws.read() as s:
        stored = s.connection().execute(select(V.c.blockers).where(V.c.student_id == sid)).scalar_one_or_none()
        fresh = evaluate(ws.programmes["PM"], snapshot(s, s.get(m.Student, sid)), ws.as_of())
    return stored, "\n".join(fresh.readiness.blockers)


def test_a_batch_sees_its_core_writes_and_the_commit_forgets_the_verdict(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    with workspace.together() as s:
        s.info[JUDGED_AT_COMMIT] = True  # as the workbook import runs its changes
        held = s.get(m.Student, sid)
        assert held is not None and held.tuition_paid is False
        update_student(workspace, sid, tuition_paid="yes")
        assert held.tuition_paid is True  # the object the batch holds shows the UPDATE
        done = record_grade(workspace, sid, "PM-PERS", "7.5")
        result = s.get(m.CourseResult, done.result_id)
        assert result is not None and (result.grade, result.attempt) == (7.5, 1)
        assert done.ec_total == 6  # the course's EC, at once (services/ec_totals.py), in a batch too
        failed = record_grade(workspace, sid, "PM-DSB", "4")
        assert failed.resit_id is not None
        update_student(workspace, sid, tuition_paid="no")  # changed twice in one batch: the last counts
    assert student(workspace, sid).ec_earned == 6
    assert student(workspace, sid).tuition_paid is False
    stored, fresh = _verdict(workspace, sid)
    assert stored is None and "tuition" in fresh.lower()  # worked out when next asked
    assert [(a.field, a.old_value, a.new_value) for a in audit_rows(workspace, "change student")] == [
        ("tuition_paid", "no", "yes"),
        ("tuition_paid", "yes", "no"),
    ]


def test_a_field_the_rules_read_forgets_the_verdict_at_its_commit(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    update_student(workspace, sid, tuition_paid="yes")
    with workspace.keep_derived() as s:
        refresh(s, workspace.programmes, [sid], workspace.as_of())
    stored, fresh = _verdict(workspace, sid)
    assert stored == fresh and "tuition not paid" not in fresh
    update_student(workspace, sid, tuition_paid="no")
    stored, fresh = _verdict(workspace, sid)
    assert stored is None and "tuition not paid" in fresh


def test_the_programme_courses_are_kept_and_forgotten_at_a_restore(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    record_grade(workspace, sid, "PM-PERS", "7.5")
    kept = [code for (_pid, code) in workspace.known_courses]
    assert kept == ["PM-PERS"]
    code = add_external_course(workspace, sid, "Summer school genomics", 5)
    set_optional_course(workspace, sid, code, "approved", decided_on=date(2025, 1, 15))
    done = record_grade(workspace, sid, code, "8")
    assert done.passed
    assert [c for (_pid, c) in workspace.known_courses] == ["PM-PERS"]  # one that can be removed is read each time
    workspace.adopt_restored()
    assert workspace.known_courses == {}
    record_grade(workspace, sid, "PM-DSB", "7")
    assert [c for (_pid, c) in workspace.known_courses] == ["PM-DSB"]


def test_unknown_course_and_removed_student_are_refused_with_nothing_written(
    workspace: Workspace, unchanged: Callable[[], AbstractContextManager[None]]
) -> None:
    sid = add_pm(workspace, cohort=2024)
    with unchanged(), pytest.raises(NotFound, match=r"^There is no course PM-NOPE in PM\.$"):
        record_grade(workspace, sid, "PM-NOPE", "7")
    with unchanged(), pytest.raises(NotFound, match=r"^Student 999999 does not exist\.$"):
        update_student(workspace, 999_999, notes="x")
    remove_student(workspace, sid)
    removed = r"2712345 Anouk de Vries \(removed .*\) was removed; restore them first \(File > Removed students\)\.$"
    with unchanged(), pytest.raises(NotFound, match=removed):
        record_grade(workspace, sid, "PM-PERS", "7")
    with unchanged(), pytest.raises(NotFound, match=removed):
        update_student(workspace, sid, tuition_paid="yes")


def test_a_write_starts_with_nothing_left_from_the_one_before(workspace: Workspace) -> None:
    """The session of a write is kept with its connection (services/write_session.write_session) and made
    ready again: no object, no mark of a batch (`JUDGED_AT_COMMIT`) reaches the next action."""
    sid = add_pm(workspace, cohort=2024)
    with workspace.together() as s:
        s.info[JUDGED_AT_COMMIT] = True
        assert s.get(m.Student, sid) is not None
    with pytest.raises(DomainError), workspace.write() as s:  # a refused action: rolled back
        assert s.get(m.Student, sid) is not None
        raise DomainError("refused", "student")
    for _ in range(2):
        with workspace.write() as s:
            assert s.info == {} and len(s.identity_map) == 0
            assert s.get(m.Student, sid) is not None
