"""`check`: schema version, integrity and the rule violations found in the data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from coordinator_app.services.checks import SERVER_INTEGRITY, run_checks
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.migrate import head_revision
from tests.services.service_helpers import add_imim, add_pm

APPROVED = {"approval_status": "approved", "approval_date": date(2025, 1, 20)}


def test_a_clean_database_passes(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2700001", specialization="medical_imaging")
    update_internship(workspace, sid, "minor", start_date=date(2025, 3, 3), is_umc=True, assessor_rank="UD", **APPROVED)
    update_internship(workspace, sid, "major", start_date=date(2026, 1, 5), country="Sweden", travel_code="green")
    imim = add_imim(workspace, "s3100001")
    update_student(workspace, imim, year1_university="Heidelberg", year2_university="Groningen")
    report = run_checks(workspace)
    # A server keeps its own files whole; what `check` says of it is that (services/checks.py).
    integrity = SERVER_INTEGRITY if workspace.is_server else "ok"
    assert (report.schema, report.latest_schema, report.integrity, report.students) == (
        head_revision(),
        head_revision(),
        integrity,
        2,
    )
    assert report.violations == []
    assert report.ok


def test_specialization_over_capacity(workspace: Workspace) -> None:
    for n in range(20):
        add_pm(workspace, f"{2700000 + n}", specialization="medical_imaging")
    extra = add_pm(workspace, "2700020")
    # The services refuse a 21st; an old import or a hand edit could still do it.
    with workspace.write() as s:
        s.execute(update(m.Student).where(m.Student.id == extra).values(specialization="medical_imaging"))
    report = run_checks(workspace)
    assert report.violations == ["PM cohort 2024-2025: Medical Imaging has 21 students; at most 20 can be placed"]
    assert not report.ok
    update_student(workspace, extra, status="stopped")
    assert run_checks(workspace).ok  # a stopped student holds no place


def test_internship_violations(workspace: Workspace) -> None:
    a = add_pm(workspace, "2700001", first="Anouk", last="de Vries")
    update_internship(
        workspace,
        a,
        "minor",
        start_date=date(2025, 11, 1),
        approval_status="requested",
        assessor_rank="postdoc",
        is_umc=True,
    )
    b = add_pm(workspace, "2700002", first="Bram", last="Bakker")
    update_internship(workspace, b, "minor", start_date=date(2025, 3, 3), country="Belgium", **APPROVED)
    update_internship(workspace, b, "major", start_date=date(2025, 9, 1), country="Mali", travel_code="red", **APPROVED)
    # Starting in the future without approval yet is not (yet) a violation.
    c = add_pm(workspace, "2700003", first="Chloé", last="Dubois")
    update_internship(workspace, c, "minor", start_date=date(2025, 12, 1), approval_status="requested", is_umc=True)
    report = run_checks(workspace)
    assert sorted(report.violations) == sorted(
        [
            "2700001 Anouk de Vries: minor internship started 01-11-2025 without approval (requested)",
            "2700001 Anouk de Vries: minor internship assessor is Post-doc, below Assistant professor (UD)",
            "2700002 Bram Bakker: minor internship abroad (Belgium)",
            "2700002 Bram Bakker: major internship approved for Mali, travel advice red",
            "2700002 Bram Bakker: neither internship is at a university medical center",
            # Approved while nobody recorded that the assessor is at least UD (issue 16 item 10).
            "2700002 Bram Bakker: Minor internship: approved, but the assessor's rank is not recorded "
            "(at least Assistant professor (UD) is required)",
            "2700002 Bram Bakker: Major internship: approved, but the assessor's rank is not recorded "
            "(at least Assistant professor (UD) is required)",
        ]
    )


def test_literature_study_assessor_below_ud(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2700001", first="Anouk", last="de Vries")
    update_literature_study(workspace, sid, assessor_rank="phd")
    assert run_checks(workspace).violations == [
        "2700001 Anouk de Vries: Literature Study assessor is PhD candidate, below Assistant professor (UD)"
    ]


def test_imim_year_two_at_the_same_university(workspace: Workspace) -> None:
    sid = add_imim(workspace, "s3100001")
    update_student(workspace, sid, year1_university="Groningen", year2_university="Groningen")
    assert run_checks(workspace).violations == [
        "s3100001 Lars Eriksson: Year 2 must be at a different university from year 1 (both Groningen)"
    ]
    update_student(workspace, sid, status="stopped")
    assert run_checks(workspace).violations == []


def test_the_check_reports_an_old_schema(workspace: Workspace) -> None:
    with workspace.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    report = run_checks(workspace)
    assert (report.schema, report.latest_schema) == ("0001", head_revision())
    assert not report.ok
