"""Adding, changing and removing students."""

from __future__ import annotations

import getpass
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.students import NewStudent, add_student, count_students, remove_student, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_imim, add_pm, audit_rows, items, student, table_counts


def test_add_student_trims_names_and_creates_the_cohort(workspace: Workspace) -> None:
    sid = add_student(
        workspace,
        NewStudent(
            "Master Personalized Medicine", 2024, " 2712345 ", "  Anouk ", " de   Vries ", "a.devries@student.vu.nl"
        ),
    )
    row = student(workspace, sid)
    assert (row.student_number, row.first_name, row.last_name) == ("2712345", "Anouk", "de Vries")
    assert (row.status, row.ec_earned, row.specialization) == ("active", 0, None)
    with workspace.read() as s:
        cohort = s.get(m.Cohort, row.cohort_id)
        assert cohort is not None and cohort.start_year == 2024
    audit = audit_rows(workspace, "add student")
    assert [(a.entity, a.entity_id, a.field, a.old_value, a.new_value) for a in audit] == [
        ("student", sid, "student_number", None, "2712345")
    ]


def test_new_pm_student_owes_academic_core_items_with_due_dates(workspace: Workspace) -> None:
    sid = add_pm(workspace, cohort=2024)
    core = items(workspace, sid, "academic_core")
    assert {k: i.due_date for k, i in core.items()} == {
        "first_year_assignments": date(2025, 8, 31),  # before 1 September after the first year
        "cv_assignment": date(2026, 8, 31),  # no graduation planned: nominal end
        "final_portfolio": date(2026, 8, 31),
    }
    assert all(i.received_date is None for i in core.values())


def test_new_imim_student_has_no_academic_core(workspace: Workspace) -> None:
    sid = add_imim(workspace)
    assert items(workspace, sid, "academic_core") == {}


@pytest.mark.parametrize("number", ["", "12", "27-12345", "ab123456", "12345678901", "2712345 x"])
def test_invalid_student_number_is_refused_and_nothing_written(workspace: Workspace, unchanged, number: str) -> None:  # type: ignore[no-untyped-def]
    with unchanged(), pytest.raises(DomainError, match="not a student number") as caught:
        add_pm(workspace, number=number)
    assert caught.value.field == "student_number"


def test_duplicate_number_in_the_same_programme_is_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    add_pm(workspace, number="2712345")
    with unchanged(), pytest.raises(DomainError, match="2712345 is already in PM"):
        add_pm(workspace, number="2712345", first="Sem", last="Jansen", cohort=2025)
    # The same number in the other programme is another student.
    add_imim(workspace, number="2712345")
    assert count_students(workspace) == 2


@pytest.mark.parametrize("first, last, field", [("", "Jansen", "first_name"), ("Sem", "   ", "last_name")])
def test_empty_name_is_refused(workspace: Workspace, unchanged, first: str, last: str, field: str) -> None:  # type: ignore[no-untyped-def]
    with unchanged(), pytest.raises(DomainError, match="cannot be empty") as caught:
        add_pm(workspace, first=first, last=last)
    assert caught.value.field == field


def test_unknown_programme_and_bad_email_are_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    with unchanged():
        with pytest.raises(NotFound, match="No programme 'Medicine Master'"):
            add_student(workspace, NewStudent("Medicine Master", 2024, "2712345", "Sem", "Jansen"))
        with pytest.raises(DomainError, match="not an e-mail address"):
            add_student(workspace, NewStudent("PM", 2024, "2712345", "Sem", "Jansen", "sem@vu"))
        with pytest.raises(DomainError, match="Specialization must be one of"):
            add_pm(workspace, specialization="cardiology")


def test_specialization_capacity_twenty_per_cohort(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    for n in range(20):
        add_pm(workspace, number=f"{2700000 + n}", specialization="medical_imaging")
    with unchanged(), pytest.raises(DomainError, match="Medical Imaging is full: 20 of 20") as caught:
        add_pm(workspace, number="2700020", specialization="medical_imaging")
    assert caught.value.field == "specialization"
    # Another specialization, or the same one in another cohort, still has room.
    add_pm(workspace, number="2700021", specialization="biomarkers_medicines")
    add_pm(workspace, number="2700022", specialization="medical_imaging", cohort=2025)
    # Changing a student into the full specialization is refused too.
    other = add_pm(workspace, number="2700023")
    with unchanged(), pytest.raises(DomainError, match="is full"):
        update_student(workspace, other, specialization="medical_imaging")


def test_stopped_student_frees_a_specialization_place(workspace: Workspace) -> None:
    ids = [add_pm(workspace, number=f"{2700000 + n}", specialization="medical_imaging") for n in range(20)]
    with pytest.raises(DomainError, match="Medical Imaging is full: 20 of 20 places are taken in this cohort"):
        add_pm(workspace, number="2700099", specialization="medical_imaging")
    assert count_students(workspace) == 20  # the refused one was not written
    update_student(workspace, ids[0], status="stopped")
    late = add_pm(workspace, number="2700099", specialization="medical_imaging")
    assert student(workspace, late).specialization == "medical_imaging"


def test_update_student_returns_old_values_and_writes_audit_entries(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    workspace.user = "coordinator1"
    before = datetime.utcnow() - timedelta(seconds=5)
    old = update_student(
        workspace, sid, first_name=" Anna ", email="anna@vu.nl", tuition_paid="yes", last_name="de Vries"
    )  # unchanged: neither returned nor audited
    assert old == {"first_name": "Anouk", "email": "", "tuition_paid": False}
    row = student(workspace, sid)
    assert (row.first_name, row.email, row.tuition_paid) == ("Anna", "anna@vu.nl", True)
    changes = audit_rows(workspace, "change student")
    assert [(a.entity, a.entity_id, a.student_id, a.field, a.old_value, a.new_value) for a in changes] == [
        ("student", sid, sid, "first_name", "Anouk", "Anna"),
        ("student", sid, sid, "email", "", "anna@vu.nl"),
        ("student", sid, sid, "tuition_paid", "no", "yes"),
    ]
    assert all(a.os_user == "coordinator1" for a in changes)
    assert all(before <= a.at <= datetime.utcnow() + timedelta(seconds=5) for a in changes)


def test_audit_records_the_os_user_by_default(workspace: Workspace) -> None:
    """Who did what: the operating-system user on SQLite, the server login on PostgreSQL (asked of the
    server itself, not of the app)."""
    sid = add_pm(workspace)
    update_student(workspace, sid, notes="Called about the minor")
    if workspace.is_server:
        with workspace.engine.connect() as conn:
            expected = conn.exec_driver_sql("SELECT session_user").scalar()
        assert expected == workspace.location.server.user
    else:
        expected = getpass.getuser()
    assert audit_rows(workspace, "change student")[-1].os_user == expected


def test_update_student_is_all_or_nothing(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_pm(workspace)
    with unchanged():
        with pytest.raises(DomainError, match="Answer yes or no"):
            update_student(workspace, sid, first_name="Anna", tuition_paid="perhaps")
        with pytest.raises(DomainError, match="cannot be changed for a PM student"):
            update_student(workspace, sid, year1_university="Uppsala")
        with pytest.raises(DomainError, match="Status must be one of"):
            update_student(workspace, sid, status="expelled")


def test_changing_to_a_number_in_use_is_refused(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    add_pm(workspace, number="2712345")
    other = add_pm(workspace, number="2712346")
    with unchanged(), pytest.raises(DomainError, match="already in PM"):
        update_student(workspace, other, student_number="2712345")


def test_imim_fields_are_validated(workspace: Workspace, unchanged) -> None:  # type: ignore[no-untyped-def]
    sid = add_imim(workspace)
    update_student(
        workspace,
        sid,
        year1_university="Heidelberg",
        year2_university="Uppsala",
        english_test="IELTS",
        english_overall="7,0",
    )
    assert student(workspace, sid).english_overall == 7.0
    with unchanged(), pytest.raises(DomainError, match="Year2 university must be one of"):
        update_student(workspace, sid, year2_university="Heidelberg")


def test_remove_student_keeps_the_audit_trail(workspace: Workspace) -> None:
    sid = add_pm(workspace)
    update_student(workspace, sid, first_name="Anna")
    remove_student(workspace, sid)
    assert count_students(workspace) == 0
    trail = [(a.action, a.student_id) for a in audit_rows(workspace) if a.student_id == sid]
    assert trail == [("add student", sid), ("change student", sid), ("remove student", sid)]
    removal = audit_rows(workspace, "remove student")[0]
    assert removal.old_value == "2712345 Anna de Vries"
    with pytest.raises(NotFound, match="was removed"):
        remove_student(workspace, sid)


def test_remove_student_keeps_every_record_for_a_restore(workspace: Workspace) -> None:
    # Removal was a delete that cascaded to every record; now the records wait for a restore.
    from coordinator_app.services.academic_core import add_meeting, set_mentor
    from coordinator_app.services.courses import record_grade
    from coordinator_app.services.internships import update_internship
    from coordinator_app.services.students import restore_student

    sid = add_pm(workspace)
    record_grade(workspace, sid, "PM-PERS", "5,0")
    update_internship(workspace, sid, "minor", start_date=date(2025, 3, 3))
    set_mentor(workspace, sid, "Dr. P. Bakker")
    add_meeting(workspace, sid, date(2024, 11, 5), "Career")
    before = table_counts(workspace)
    remove_student(workspace, sid)
    counts = table_counts(workspace)
    for table in ("student", "course_result", "internship", "portfolio_item", "mentor", "mentor_meeting"):
        assert counts[table] == before[table] > 0, table
    restore_student(workspace, sid)
    assert student(workspace, sid).first_name == "Anouk"
    with workspace.read() as s:
        assert s.scalar(select(m.Cohort.start_year)) == 2024  # the cohort stays


def test_an_english_score_outside_its_tests_scale_is_refused_and_nothing_is_written(
    workspace: Workspace, unchanged
) -> None:  # type: ignore[no-untyped-def]
    sid = add_imim(workspace)
    update_student(workspace, sid, english_test="IELTS", english_overall="7")
    with (
        unchanged(),
        pytest.raises(DomainError, match=r"92 is not an overall score of the IELTS Academic: .* 0 to 9") as no,
    ):
        update_student(workspace, sid, english_overall="92")  # a TOEFL iBT score typed for IELTS
    assert no.value.field == "english_overall"
    with unchanged(), pytest.raises(DomainError, match=r"25 is not a section score of the IELTS Academic"):
        update_student(workspace, sid, english_lowest_section="25")
    # The test and its scores changed together are checked together: 92 is a TOEFL iBT score.
    update_student(workspace, sid, english_test="TOEFL_IBT", english_overall="92", english_lowest_section="25")
    assert (student(workspace, sid).english_overall, student(workspace, sid).english_lowest_section) == (92.0, 25.0)
    with unchanged(), pytest.raises(DomainError, match="92 is not an overall score of the IELTS Academic") as back:
        update_student(workspace, sid, english_test="IELTS")  # the stored 92 does not fit the test chosen
    assert back.value.field == "english_overall"
