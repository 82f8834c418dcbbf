"""The flags of issue 16 (items 5 and 10) where the coordinator meets them: the record's
warnings, `check` (rule violations) and the attention list (what needs action), with dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.domain.attention import Urgency
from coordinator_app.services.attention import attention_items
from coordinator_app.services.checks import run_checks
from coordinator_app.services.courses import record_grade
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.export import export_to
from tests.services.service_helpers import add_imim, add_pm

AS_OF = date(2025, 11, 24)


def listed(ws: Workspace, student_id: int, **kw: object) -> list[tuple[date, str, str, Urgency, str]]:
    return [
        (i.due, i.component, i.what, i.urgency, i.tab)
        for i in attention_items(ws, AS_OF, 14, **kw)  # type: ignore[arg-type]
        if i.student_id == student_id
    ]


# -- item 5: IMIM students in the attention list, as PM students are -------------------------------


@pytest.fixture
def imim_office(workspace: Workspace) -> tuple[Workspace, int, int]:
    # s3100001 (2024): fee unpaid, IELTS 6.0 overall, year 2 at the year-1 university.
    lars = add_imim(workspace, "s3100001", 2024)
    update_student(
        workspace,
        lars,
        year1_university="Groningen",
        year2_university="Groningen",
        english_test="IELTS",
        english_overall=6.0,
        english_lowest_section=6.0,
    )
    # s3100002 (2025): nothing recorded yet; the year-2 university is due 01-09-2026 (not yet).
    emma = add_imim(workspace, "s3100002", 2025)
    return workspace, lars, emma


def test_imim_students_appear_in_the_attention_list(imim_office: tuple[Workspace, int, int]) -> None:
    ws, lars, emma = imim_office
    assert listed(ws, lars) == [
        (date(2024, 9, 1), "English requirement", "IELTS Academic overall 6 is below 6.5", Urgency.OVERDUE, "imim"),
        (date(2024, 9, 1), "Fees", "participation fee not paid", Urgency.OVERDUE, "imim"),
        (
            date(2025, 9, 1),
            "Universities",
            "year 2 must be at a different university from year 1 (both Groningen)",
            Urgency.OVERDUE,
            "imim",
        ),
    ]
    assert listed(ws, emma) == [
        (date(2025, 9, 1), "English requirement", "English test not recorded", Urgency.OVERDUE, "imim"),
        (date(2025, 9, 1), "Fees", "participation fee not paid", Urgency.OVERDUE, "imim"),
        (date(2025, 9, 1), "Universities", "university of year 1 not recorded", Urgency.OVERDUE, "imim"),
    ]
    assert {i.programme for i in attention_items(ws, AS_OF, 14, programme_code="IMIM")} == {"IMIM"}
    assert attention_items(ws, AS_OF, 14, programme_code="PM") == []
    # Paid and recorded: the items leave the list.
    update_student(ws, lars, participation_fee_paid=True, english_overall=7.0, year2_university="Uppsala")
    assert listed(ws, lars) == []
    # A student who stopped is not chased.
    update_student(ws, emma, status="stopped")
    assert listed(ws, emma) == []


def test_imim_rule_violations_are_in_check_and_missing_data_is_not(imim_office: tuple[Workspace, int, int]) -> None:
    ws, _, _ = imim_office
    assert sorted(run_checks(ws).violations) == [
        "s3100001 Lars Eriksson: IELTS Academic overall 6 is below 6.5",
        "s3100001 Lars Eriksson: Year 2 must be at a different university from year 1 (both Groningen)",
    ]


def test_the_attention_sheet_of_an_imim_export_lists_them(
    imim_office: tuple[Workspace, int, int], tmp_path: Path
) -> None:
    ws, _, _ = imim_office
    target = export_to(ws, tmp_path / "imim.xlsx", programme="IMIM")
    rows = [
        [c for c in row if c is not None]
        for row in openpyxl.load_workbook(target)["Attention"].iter_rows(min_row=2, values_only=True)
    ]
    said = {(row[-2], row[-1]) for row in rows if "s3100001" in row}
    assert ("Fees", "participation fee not paid") in said
    assert ("English requirement", "IELTS Academic overall 6 is below 6.5") in said
    assert len(rows) == 6


def test_the_imim_record_blocks_graduation_on_the_same_items(imim_office: tuple[Workspace, int, int]) -> None:
    ws, lars, _ = imim_office
    record = load_record(ws, lars)
    assert "participation fee not paid" in record.evaluation.readiness.blockers
    assert "Participation fee not paid." in record.evaluation.warnings


# -- item 10: the five flags -----------------------------------------------------------------------


def test_a_planned_graduation_month_in_the_past_while_not_ready(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2700001", 2023)
    plan_graduation(workspace, sid, 2025, 6)
    what = "graduation planned for June 2025 has passed and the student is not ready: plan a new month"
    assert (date(2025, 6, 30), "Graduation", what, Urgency.OVERDUE, "graduation") in listed(workspace, sid)
    assert what[:1].upper() + what[1:] + "." in load_record(workspace, sid).evaluation.warnings
    assert not [v for v in run_checks(workspace).violations if "has passed" in v]  # not a broken rule
    plan_graduation(workspace, sid, 2026, 6)  # planned again: nothing passed any more
    assert not [i for i in listed(workspace, sid) if "has passed" in i[2]]


def test_an_approval_while_the_assessors_rank_is_empty(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2700001", 2024, first="Anouk", last="de Vries")
    update_internship(
        workspace,
        sid,
        "minor",
        start_date=date(2025, 11, 3),
        is_umc=True,
        approval_status="approved",
        approval_date=date(2025, 10, 1),
    )
    update_literature_study(
        workspace, sid, start_date=date(2025, 12, 1), approval_status="approved", approval_date=date(2025, 11, 1)
    )
    what = "approved, but the assessor's rank is not recorded (at least Assistant professor (UD) is required)"
    assert (date(2025, 11, 3), "Minor internship", what, Urgency.OVERDUE, "internships") in listed(workspace, sid)
    assert (date(2025, 12, 1), "Literature Study", what, Urgency.DUE_SOON, "literature") in listed(workspace, sid)
    record = load_record(workspace, sid)
    assert record.evaluation.internships["minor"].approval_label == "approved, assessor's rank not recorded"
    assert f"Minor internship: {what}." in record.evaluation.warnings
    assert f"2700001 Anouk de Vries: Minor internship: {what}" in run_checks(workspace).violations
    assert f"2700001 Anouk de Vries: Literature Study: {what}" in run_checks(workspace).violations
    update_internship(workspace, sid, "minor", assessor_rank="UHD")
    update_literature_study(workspace, sid, assessor_rank="UD")
    assert not [i for i in listed(workspace, sid) if "rank" in i[2]]
    assert not [v for v in run_checks(workspace).violations if "rank" in v]


def test_a_literature_study_whose_supervisor_is_also_its_assessor(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2700001", 2024, first="Anouk", last="de Vries")
    update_literature_study(
        workspace,
        sid,
        supervisor="dr. A. Jansen",
        assessor="Dr. A. Jansen",
        assessor_rank="UD",
        start_date=date(2025, 11, 3),
    )
    what = "the supervisor (dr. A. Jansen) is also the Amsterdam UMC assessor; the assessor must be someone else"
    assert (date(2025, 11, 3), "Literature Study", what, Urgency.OVERDUE, "literature") in listed(workspace, sid)
    assert f"2700001 Anouk de Vries: Literature Study: {what}" in run_checks(workspace).violations
    assert f"Literature Study: {what}." in load_record(workspace, sid).evaluation.warnings
    update_literature_study(workspace, sid, assessor="dr. M. de Jong")
    assert run_checks(workspace).violations == []


def test_a_resit_date_passed_with_no_result(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2700001", 2024)
    recorded = record_grade(workspace, sid, "PM-PERS", "4,5")  # exam 30-09-2024; resit registered 31-01-2025
    assert recorded.resit_date == date(2025, 1, 31)
    what = "Personalized Medicine: no result recorded for the resit of 31-01-2025"
    assert (date(2025, 1, 31), "Courses", what, Urgency.OVERDUE, "courses") in listed(workspace, sid)
    assert what + "." in load_record(workspace, sid).evaluation.warnings
    assert run_checks(workspace).violations == []  # to chase, not a broken rule
    record_grade(workspace, sid, "PM-PERS", "6")
    assert not [i for i in listed(workspace, sid) if i[1] == "Courses"]


def test_a_student_still_active_past_the_nominal_two_years(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2700001", 2023)
    ends = [i for i in listed(workspace, sid) if i[1] == "Graduation"]
    assert ends == [
        (
            date(2025, 8, 31),
            "Graduation",
            "still active after the nominal end of the programme "
            "(31-08-2025): plan the graduation month or record that the student stopped",
            Urgency.OVERDUE,
            "graduation",
        )
    ]
    assert any(
        w.startswith("Still active after the nominal end") for w in load_record(workspace, sid).evaluation.warnings
    )
    plan_graduation(workspace, sid, 2026, 1)  # acted on: the record still says it, the list does not
    assert not [i for i in listed(workspace, sid) if "nominal end" in i[2]]
    assert any(
        w.startswith("Still active after the nominal end") for w in load_record(workspace, sid).evaluation.warnings
    )
    assert run_checks(workspace).violations == []
    update_student(workspace, sid, status="stopped")
    assert listed(workspace, sid) == []


def test_the_demo_replans_most_passed_months_and_their_academic_core_dues(tmp_path: Path) -> None:
    """A coordinator plans a new month once one passed unready: in the demo one student in twenty
    still waits for it, so the attention list shows the flag without being flooded by it."""
    from sqlalchemy import select

    from coordinator_app.domain.graduation import graduation_date
    from coordinator_app.domain.student import academic_core_due_dates
    from coordinator_app.services.demo import build_demo
    from coordinator_app.store import models as m

    build_demo(tmp_path / "demo.sqlite", students=400, as_of=AS_OF)
    ws = Workspace.open(tmp_path / "demo.sqlite")
    try:
        ws.today = AS_OF
        with ws.read() as s:
            plans = s.execute(
                select(
                    m.Student.id,
                    m.Student.status,
                    m.Cohort.start_year,
                    m.GraduationPlan.planned_year,
                    m.GraduationPlan.planned_month,
                )
                .join(m.GraduationPlan)
                .join(m.Cohort)
                .join(m.Programme)
                .where(m.Programme.code == "PM")
            ).all()
            core = {
                (i.student_id, i.kind): i.due_date
                for i in s.scalars(select(m.PortfolioItem).where(m.PortfolioItem.component == "academic_core"))
            }
        active = [p for p in plans if p.status == "active"]
        passed = [p for p in active if graduation_date(p.planned_year, p.planned_month) < AS_OF]
        assert active and len(passed) <= len(active) // 10
        pm = ws.programmes["PM"]
        for p in active:
            due = academic_core_due_dates(pm, p.start_year, (p.planned_year, p.planned_month))["final_portfolio"]
            assert core[(p.id, "final_portfolio")] == due
        flagged = [i for i in attention_items(ws, AS_OF, 14) if i.what.startswith("graduation planned for")]
        assert passed and {i.student_id for i in flagged if i.programme == "PM"} == {p.id for p in passed}
    finally:
        ws.close()
