"""Who may have an attendance certificate, and what it lists (domain/certificate.py, services/certificate.py)."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator_app.domain.certificate import certificate_refusal
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import Programme
from coordinator_app.services.certificate import attendance_certificate
from coordinator_app.services.courses import record_grade, set_optional_course
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.pdf.records import complete_minor, imim_student, pm_student
from tests.services.service_helpers import add_pm


@pytest.mark.parametrize(
    "status, passed, reason",
    [
        ("stopped", 2, None),
        ("stopped", 7, None),
        ("stopped", 1, "needs at least 2 courses passed; this student has passed 1"),
        ("stopped", 0, "has passed none"),
        ("active", 5, "is still active"),
        ("graduated", 9, "has graduated"),
    ],
)
def test_who_may_have_a_certificate(
    programmes: dict[str, Programme], status: str, passed: int, reason: str | None
) -> None:
    got = certificate_refusal(status, passed, programmes["PM"].graduation)
    if reason is None:
        assert got is None
    else:
        assert got is not None and reason in got


def test_a_stopped_pm_student_gets_the_courses_passed_and_the_completed_internship(workspace: Workspace) -> None:
    sid = pm_student(workspace)
    complete_minor(workspace, sid)
    update_student(workspace, sid, status="stopped")
    cert = attendance_certificate(workspace, sid, "  Marieke   Smit ", issued=date(2025, 11, 24))
    lines = [(p.name, p.ec, p.start, p.end) for p in cert.parts]
    # Imaging Principles was a No Show: not on it. Basics counts from its resit's exam day.
    assert lines == [
        ("Personalized Medicine", 6, None, date(2024, 9, 27)),
        ("Data Science & Bioinformatics", 6, None, date(2024, 10, 25)),
        ("Basics of Clinical Research & Regulations", 6, None, date(2025, 1, 24)),
        ("Minor internship", 24, date(2025, 3, 3), date(2025, 6, 22)),
    ]
    assert (cert.ec, cert.courses, cert.coordinator) == (42, 3, "Marieke Smit")
    assert cert.programme == "Master Personalized Medicine"


def test_an_internship_with_an_open_portfolio_item_is_not_on_it(workspace: Workspace) -> None:
    sid = pm_student(workspace)  # only the List of Agreements received
    update_student(workspace, sid, status="stopped")
    cert = attendance_certificate(workspace, sid, "Marieke Smit")
    assert "Minor internship" not in [p.name for p in cert.parts]


def test_an_optional_course_counts_only_once_approved(workspace: Workspace) -> None:
    sid = pm_student(workspace)
    set_optional_course(workspace, sid, "PM-OPT-PROT", "requested")
    record_grade(workspace, sid, "PM-OPT-PROT", "8.0", exam_date=date(2025, 5, 30))
    update_student(workspace, sid, status="stopped")
    assert "Biomedical Proteomics" not in [p.name for p in attendance_certificate(workspace, sid, "M").parts]
    set_optional_course(workspace, sid, "PM-OPT-PROT", "approved", decided_on=date(2025, 2, 1))
    assert "Biomedical Proteomics" in [p.name for p in attendance_certificate(workspace, sid, "M").parts]


def test_an_imim_student_gets_imim_components(workspace: Workspace) -> None:
    sid = imim_student(workspace)
    update_student(workspace, sid, status="stopped")
    cert = attendance_certificate(workspace, sid, "Marieke Smit")
    assert [(p.component, p.name, p.ec) for p in cert.parts] == [
        ("Semester courses", "Molecular and cellular mechanisms of disease (semester 1)", 15),
        ("Bench to Bedside and Back (BBB1-3)", "BBB1: analysing success concepts", 5),
    ]
    assert cert.programme.startswith("International Master's Programme in Innovative Medicine")


@pytest.mark.parametrize(
    "make, status, message",
    [
        ("pm", "active", "is still active"),
        ("pm", "graduated", "has graduated"),
        ("one course", "stopped", "has passed 1"),
    ],
)
def test_refused_with_the_reason(workspace: Workspace, make: str, status: str, message: str) -> None:
    if make == "pm":
        sid = pm_student(workspace)
    else:
        sid = add_pm(workspace)
        record_grade(workspace, sid, "PM-PERS", "7.0", exam_date=date(2024, 9, 27))
    if status == "graduated":
        plan_graduation(workspace, sid, 2025, 10)  # a graduate has a graduation month, not after this one
    update_student(workspace, sid, status=status)
    with pytest.raises(DomainError, match=message):
        attendance_certificate(workspace, sid, "Marieke Smit")


def test_the_coordinator_name_is_required(workspace: Workspace) -> None:
    sid = pm_student(workspace)
    update_student(workspace, sid, status="stopped")
    with pytest.raises(DomainError, match="give your name first"):
        attendance_certificate(workspace, sid, "   ")
