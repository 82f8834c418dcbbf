"""Recording grades (automatic resits, best attempt, undo) and optional-course approvals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.courses import (
    OptionalChoice,
    add_external_course,
    delete_attempt,
    record_grade,
    remove_external_course,
    restore_attempt,
    set_optional_course,
    undo_grade,
    withdraw_optional_course,
)
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_imim, add_pm, audit_rows, student


def attempts(ws: Workspace, sid: int, code: str) -> list[tuple[int, date | None, float | None, bool]]:
    with ws.read() as s:
        return [
            (r.attempt, r.exam_date, r.grade, r.no_show)
            for r in s.scalars(
                select(m.CourseResult)
                .join(m.Course)
                .where(m.CourseResult.student_id == sid, m.Course.code == code)
                .order_by(m.CourseResult.attempt)
            )
        ]


def test_grade_with_decimal_comma_is_recorded_and_ec_updated(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    done = record_grade(workspace, sid, "PM-PERS", "7,5")
    assert (done.attempt, done.grade, done.passed, done.resit_id, done.ec_total) == (1, "7.5", True, None, 6)
    # The exam is on the last day of the course month: September of the cohort's first year.
    assert attempts(workspace, sid, "PM-PERS") == [(1, date(2024, 9, 30), 7.5, False)]
    assert student(workspace, sid).ec_earned == 6
    record_grade(workspace, sid, "PM-DSB", "6")
    assert attempts(workspace, sid, "PM-DSB") == [(1, date(2024, 10, 31), 6.0, False)]
    assert student(workspace, sid).ec_earned == 12
    audit = audit_rows(workspace, "record grade")
    assert [(a.entity, a.field, a.old_value, a.new_value) for a in audit] == [
        ("course_result", "PM-PERS attempt 1", None, "7.5"),
        ("course_result", "PM-DSB attempt 1", None, "6.0"),
    ]
    with workspace.read() as s:
        assert s.scalar(select(m.CourseResult.registered_on).where(m.CourseResult.id == done.result_id)) == date(
            2025, 11, 24
        )


def test_a_fail_registers_the_january_resit(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    done = record_grade(workspace, sid, "PM-PERS", "5,4")
    assert (done.passed, done.resit_date, done.ec_total) == (False, date(2025, 1, 31), 0)
    assert done.resit_id is not None
    assert attempts(workspace, sid, "PM-PERS") == [
        (1, date(2024, 9, 30), 5.4, False),
        (2, date(2025, 1, 31), None, False),
    ]
    assert student(workspace, sid).ec_earned == 0
    # December's course also resits in the January right after it.
    record_grade(workspace, sid, "PM-IMGP", "4,0")
    assert attempts(workspace, sid, "PM-IMGP")[1] == (2, date(2025, 1, 31), None, False)


def test_no_show_registers_the_resit(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    done = record_grade(workspace, sid, "PM-BCRR", "ns")
    assert (done.grade, done.passed, done.resit_date) == ("NS", False, date(2025, 1, 31))
    assert attempts(workspace, sid, "PM-BCRR") == [
        (1, date(2024, 11, 30), None, True),
        (2, date(2025, 1, 31), None, False),
    ]


def test_resit_result_fills_the_registration_and_the_best_attempt_counts(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    first = record_grade(workspace, sid, "PM-PERS", "5,4")
    resit = record_grade(workspace, sid, "PM-PERS", "6,8")
    assert resit.result_id == first.resit_id
    assert (resit.attempt, resit.passed, resit.resit_id, resit.ec_total) == (2, True, None, 6)
    assert attempts(workspace, sid, "PM-PERS") == [
        (1, date(2024, 9, 30), 5.4, False),
        (2, date(2025, 1, 31), 6.8, False),
    ]
    assert student(workspace, sid).ec_earned == 6
    # A later lower result on the first attempt does not undo the pass: the best attempt counts.
    corrected = record_grade(workspace, sid, "PM-PERS", "3,0", attempt=1)
    assert corrected.resit_id is None  # a later attempt exists: no new resit
    assert corrected.ec_total == 6


def test_a_failed_resit_is_still_zero_ec(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    record_grade(workspace, sid, "PM-PERS", "NS")
    again = record_grade(workspace, sid, "PM-PERS", "5,0")
    assert (again.attempt, again.passed, again.ec_total) == (2, False, 0)
    # Registered for the next resit, in the January a year later.
    assert attempts(workspace, sid, "PM-PERS")[2] == (3, date(2026, 1, 31), None, False)


@pytest.mark.parametrize(
    "text, message",
    [
        ("11", "between 1.0 and 10.0"),
        ("0,5", "between 1.0 and 10.0"),
        ("abc", "is not a grade"),
        ("7.75", "at most one decimal"),
        ("", "Enter a grade"),
        ("-6", "is not a grade"),
    ],
)
def test_invalid_grade_is_refused_and_nothing_written(workspace: Workspace, unchanged, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    with unchanged(), pytest.raises(DomainError, match=message) as caught:
        record_grade(workspace, sid, "PM-PERS", text)
    assert caught.value.field == "grade"


def test_unknown_course_and_student_are_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    with unchanged():
        with pytest.raises(NotFound, match="no course PM-XYZ in PM"):
            record_grade(workspace, sid, "PM-XYZ", "7")
        with pytest.raises(NotFound, match="does not exist"):
            record_grade(workspace, sid + 100, "PM-PERS", "7")
        with pytest.raises(NotFound, match="no course IMIM-S1 in PM"):
            record_grade(workspace, sid, "IMIM-S1", "7")


def test_specialization_course_of_another_specialization_is_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024, specialization="medical_imaging")
    none_yet = add_pm(workspace, number="2712346", cohort=2024)
    with unchanged():
        with pytest.raises(
            DomainError,
            match="belongs to the Biomarkers & Medicines specialization; "
            "this student's specialization is Medical Imaging",
        ):
            record_grade(workspace, sid, "PM-BM1", "8")
        with pytest.raises(DomainError, match="not chosen yet"):
            record_grade(workspace, none_yet, "PM-MI1", "8")
    done = record_grade(workspace, sid, "PM-MI1", "8")
    assert attempts(workspace, sid, "PM-MI1") == [(1, date(2025, 1, 31), 8.0, False)]
    assert done.ec_total == 6


def test_undo_grade_restores_the_state_before(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    failed = record_grade(workspace, sid, "PM-PERS", "5,4")
    undo_grade(workspace, failed)
    assert attempts(workspace, sid, "PM-PERS") == []  # the attempt and its resit are gone
    passed = record_grade(workspace, sid, "PM-PERS", "7")
    correction = record_grade(workspace, sid, "PM-PERS", "5,0", attempt=1)
    assert correction.previous == (7.0, False)
    assert student(workspace, sid).ec_earned == 0
    undo_grade(workspace, correction)
    assert attempts(workspace, sid, "PM-PERS") == [(1, date(2024, 9, 30), 7.0, False)]
    assert student(workspace, sid).ec_earned == 6
    assert [(a.old_value, a.new_value) for a in audit_rows(workspace, "undo grade")] == [("5.4", None), ("5.0", "7.0")]
    assert passed.result_id == correction.result_id


def test_delete_attempt(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    done = record_grade(workspace, sid, "PM-PERS", "8,0")
    delete_attempt(workspace, done.result_id)
    assert attempts(workspace, sid, "PM-PERS") == []
    assert student(workspace, sid).ec_earned == 0
    assert audit_rows(workspace, "delete attempt")[0].old_value == "8.0"


def test_optional_course_counts_only_when_approved_and_passed(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    set_optional_course(workspace, sid, "PM-OPT-PROT", "requested")
    assert record_grade(workspace, sid, "PM-OPT-PROT", "8,0").ec_total == 0  # not approved (yet)
    set_optional_course(workspace, sid, "PM-OPT-PROT", "approved", date(2024, 10, 15))
    assert student(workspace, sid).ec_earned == 6
    set_optional_course(workspace, sid, "PM-OPT-PROT", "rejected", date(2024, 10, 20))
    assert student(workspace, sid).ec_earned == 0
    audit = [(a.field, a.old_value, a.new_value) for a in audit_rows(workspace, "optional course")]
    assert audit[0] == ("PM-OPT-PROT", None, "requested")
    assert ("PM-OPT-PROT status", "approved", "rejected") in audit
    assert ("PM-OPT-PROT decided_on", "2024-10-15", "2024-10-20") in audit


def test_failed_optional_course_earns_nothing(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    set_optional_course(workspace, sid, "PM-OPT-ENTR", "approved", date(2024, 10, 15))
    done = record_grade(workspace, sid, "PM-OPT-ENTR", "5,0")
    assert done.ec_total == 0
    assert done.resit_date is None  # no course month: the resit date is not known yet


def test_external_course_needs_the_credit_registration_form(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    code = add_external_course(workspace, sid, "  Summer school   Oxford ", 6)
    assert code == "EXT-SUMMERSCHOOL"
    set_optional_course(workspace, sid, code, "approved", date(2025, 3, 1))
    assert record_grade(workspace, sid, code, "7,0").ec_total == 0  # no credit form yet
    set_optional_course(workspace, sid, code, "approved", date(2025, 3, 1), credit_form_received=True)
    assert student(workspace, sid).ec_earned == 6
    with workspace.read() as s:
        row = s.scalar(select(m.OptionalCourseApproval))
        assert row is not None and (row.external, row.credit_form_received) == (True, True)
    # A second course with a similar name gets its own code.
    assert add_external_course(workspace, sid, "Summer school Oxford", 6) == "EXT-SUMMERSCHOOL-2"


def test_optional_course_input_is_checked(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    with unchanged():
        with pytest.raises(DomainError, match="Give the date of the Examination Board's decision"):
            set_optional_course(workspace, sid, "PM-OPT-PROT", "approved")
        with pytest.raises(DomainError, match="Approval must be one of"):
            set_optional_course(workspace, sid, "PM-OPT-PROT", "maybe", date(2024, 10, 1))
        with pytest.raises(DomainError, match="Personalized Medicine is not an optional course"):
            set_optional_course(workspace, sid, "PM-PERS", "approved", date(2024, 10, 1))
        with pytest.raises(DomainError, match="1 to 30 EC"):
            add_external_course(workspace, sid, "Summer school", 0)
        with pytest.raises(DomainError, match="Give the course a name"):
            add_external_course(workspace, sid, "  ", 6)


def test_imim_course_grades(workspace: Workspace) -> None:
    sid = add_imim(workspace, cohort=2024)
    done = record_grade(workspace, sid, "IMIM-S1", "6,5")
    assert attempts(workspace, sid, "IMIM-S1") == [(1, date(2024, 12, 31), 6.5, False)]
    assert done.ec_total == 15


def approvals(ws: Workspace, sid: int) -> list[tuple[str, str, date | None, bool, bool]]:
    with ws.read() as s:
        return [
            (r.course.code, r.status, r.decided_on, r.external, r.credit_form_received)
            for r in s.scalars(
                select(m.OptionalCourseApproval)
                .where(m.OptionalCourseApproval.student_id == sid)
                .order_by(m.OptionalCourseApproval.id)
            )
        ]


def test_a_deleted_attempt_is_restored_as_it_was_with_a_new_id(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    record_grade(workspace, sid, "PM-PERS", "4,0")
    passed = record_grade(workspace, sid, "PM-PERS", "7,0", exam_date=date(2025, 1, 20))
    assert student(workspace, sid).ec_earned == 6
    deleted = delete_attempt(workspace, passed.result_id)
    assert (deleted.course_code, deleted.attempt, deleted.grade, deleted.exam_date) == (
        "PM-PERS",
        2,
        7.0,
        date(2025, 1, 20),
    )
    assert student(workspace, sid).ec_earned == 0
    new_id = restore_attempt(workspace, deleted)
    assert attempts(workspace, sid, "PM-PERS") == [
        (1, date(2024, 9, 30), 4.0, False),
        (2, date(2025, 1, 20), 7.0, False),
    ]
    assert student(workspace, sid).ec_earned == 6
    assert [(a.field, a.old_value, a.new_value) for a in audit_rows(workspace, "restore attempt")] == [
        ("PM-PERS attempt 2", None, "7.0")
    ]
    # Deleting and restoring again works on the new id.
    restore_attempt(workspace, delete_attempt(workspace, new_id))
    assert [a[2] for a in attempts(workspace, sid, "PM-PERS")] == [4.0, 7.0]


def test_restoring_an_attempt_whose_number_is_taken_again_is_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    first = record_grade(workspace, sid, "PM-PERS", "8,0")
    deleted = delete_attempt(workspace, first.result_id)
    record_grade(workspace, sid, "PM-PERS", "6,5")  # attempt 1 again
    with unchanged(), pytest.raises(DomainError, match="already has an attempt 1"):
        restore_attempt(workspace, deleted)


def test_the_first_optional_request_is_withdrawn_and_a_change_returns_the_old_line(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    assert set_optional_course(workspace, sid, "PM-OPT-PROT", "requested") is None
    before = set_optional_course(workspace, sid, "PM-OPT-PROT", "approved", date(2024, 10, 15))
    assert before == OptionalChoice("requested", None, False, False)
    set_optional_course(
        workspace, sid, "PM-OPT-PROT", before.status, before.decided_on, before.external, before.credit_form_received
    )
    assert approvals(workspace, sid) == [("PM-OPT-PROT", "requested", None, False, False)]
    withdraw_optional_course(workspace, sid, "PM-OPT-PROT")
    assert approvals(workspace, sid) == []
    assert [(a.field, a.old_value) for a in audit_rows(workspace, "withdraw optional course")] == [
        ("PM-OPT-PROT", "requested")
    ]
    with pytest.raises(NotFound):
        withdraw_optional_course(workspace, sid, "PM-OPT-PROT")


def test_an_external_course_is_removed_only_while_unused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace, cohort=2024)
    code = add_external_course(workspace, sid, "Summer school Oxford", 6)
    set_optional_course(workspace, sid, code, "requested")
    with unchanged():
        with pytest.raises(DomainError, match="stays"):
            remove_external_course(workspace, sid, code)
        with pytest.raises(DomainError, match="part of the programme"):
            remove_external_course(workspace, sid, "PM-OPT-PROT")
    withdraw_optional_course(workspace, sid, code)
    remove_external_course(workspace, sid, code)
    with workspace.read() as s:
        assert s.scalar(select(m.Course).where(m.Course.code == code)) is None
    assert audit_rows(workspace, "remove external course")[0].old_value == "Summer school Oxford"
    assert add_external_course(workspace, sid, "Summer school Oxford", 6) == code  # the same code again


def test_undo_of_a_grade_in_a_resit_registration_puts_its_dates_back(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    record_grade(workspace, sid, "PM-PERS", "4,0")
    with workspace.read() as s:
        open_row = s.scalar(select(m.CourseResult).where(m.CourseResult.attempt == 2))
        assert open_row is not None
        registration = (open_row.exam_date, open_row.registered_on)
    assert registration[1] is None
    resit = record_grade(workspace, sid, "PM-PERS", "6,5", exam_date=date(2025, 2, 14))
    assert resit.previous_dates == registration
    undo_grade(workspace, resit)
    with workspace.read() as s:
        row = s.scalar(select(m.CourseResult).where(m.CourseResult.attempt == 2))
        assert row is not None
        assert (row.grade, row.exam_date, row.registered_on) == (None, *registration)


# -- an exam date after today: refused, nothing written ----------------------------------------------


def _everything(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    with ws.read() as s:
        return {
            name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
            for name, t in m.Base.metadata.tables.items()
        }


def test_a_typed_exam_date_after_today_is_refused_and_nothing_is_written(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)  # today is 24-11-2025
    before = _everything(workspace)
    with pytest.raises(DomainError, match=r"15-06-2026 is after today \(24-11-2025\)") as refused:
        record_grade(workspace, sid, "PM-DSB", "6", exam_date=date(2026, 6, 15))
    assert refused.value.field == "exam_date"
    assert _everything(workspace) == before
    assert student(workspace, sid).ec_earned == 0
    record_grade(workspace, sid, "PM-DSB", "6", exam_date=date(2025, 11, 24))  # today itself is fine
    assert attempts(workspace, sid, "PM-DSB") == [(1, date(2025, 11, 24), 6.0, False)]


def test_no_date_and_a_scheduled_exam_after_today_asks_for_the_date(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2025)  # PM-IMGP's exam is scheduled for 31-12-2025, after today
    before = _everything(workspace)
    with pytest.raises(DomainError, match="scheduled for 31-12-2025") as refused:
        record_grade(workspace, sid, "PM-IMGP", "6,5")
    assert refused.value.field == "exam_date"
    assert _everything(workspace) == before
    record_grade(workspace, sid, "PM-IMGP", "6,5", exam_date=date(2025, 11, 20))  # moved forward: given
    assert attempts(workspace, sid, "PM-IMGP") == [(1, date(2025, 11, 20), 6.5, False)]


def test_a_resit_waiting_for_a_later_date_needs_the_date_it_was_taken(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2025)
    record_grade(workspace, sid, "PM-DSB", "4")  # 31-10-2025; the resit is registered for 31-01-2026
    before = _everything(workspace)
    with pytest.raises(DomainError, match="scheduled for 31-01-2026"):
        record_grade(workspace, sid, "PM-DSB", "7")
    assert _everything(workspace) == before
    workspace.today = date(2026, 2, 3)  # after the resit: its own date is used
    record_grade(workspace, sid, "PM-DSB", "7")
    assert attempts(workspace, sid, "PM-DSB")[-1] == (2, date(2026, 1, 31), 7.0, False)


def test_a_resit_dated_on_or_before_the_exam_it_resits_is_refused_and_nothing_is_written(
    workspace: Workspace,
) -> None:
    sid = add_pm(workspace, cohort=2024)  # today is 24-11-2025
    record_grade(workspace, sid, "PM-DSB", "4", exam_date=date(2025, 10, 31))  # the resit is registered
    before = _everything(workspace)
    refusal = r"15-10-2025 of attempt 2 is not after attempt 1's \(31-10-2025\)"
    with pytest.raises(DomainError, match=refusal) as no:
        record_grade(workspace, sid, "PM-DSB", "7", exam_date=date(2025, 10, 15))
    assert no.value.field == "exam_date"
    with pytest.raises(DomainError, match="not after attempt 1's"):  # the same day neither
        record_grade(workspace, sid, "PM-DSB", "7", exam_date=date(2025, 10, 31))
    assert _everything(workspace) == before
    record_grade(workspace, sid, "PM-DSB", "7", exam_date=date(2025, 11, 21))
    graded = _everything(workspace)
    with pytest.raises(DomainError, match=r"22-11-2025 of attempt 1 is not before attempt 2's \(21-11-2025\)"):
        record_grade(workspace, sid, "PM-DSB", "4", attempt=1, exam_date=date(2025, 11, 22))  # moved past it
    assert _everything(workspace) == graded
    assert attempts(workspace, sid, "PM-DSB") == [
        (1, date(2025, 10, 31), 4.0, False),
        (2, date(2025, 11, 21), 7.0, False),
    ]
