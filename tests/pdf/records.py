"""Students with a full record, made through the services the window calls: the documents' test data."""

from __future__ import annotations

from datetime import date

from coordinator_app.services.academic_core import add_meeting, set_mentor
from coordinator_app.services.courses import record_grade
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship
from coordinator_app.services.portfolio import find_item, mark_received
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_imim, add_pm

MINOR_START = date(2025, 3, 3)  # planned end 22-06-2025, Literature... (tests/services/test_internships.py)
LONG_HOST = "Stichting Wetenschappelijk Onderzoeksinstituut voor Translationele Geneeskunde en Biomedische Beeldvorming Amsterdam Zuidoost"


def pm_student(ws: Workspace, number: str = "2712345", first: str = "Anouk", last: str = "de Vries") -> int:
    """A PM student of cohort 2024: the four compulsory courses passed (one after a resit), the
    minor internship done with its marks (7.25 report mean rounds half up to 7.3), mentor and meetings."""
    sid = add_pm(ws, number, 2024, "biomarkers_medicines", first, last)
    record_grade(ws, sid, "PM-PERS", "7,5", exam_date=date(2024, 9, 27))
    record_grade(ws, sid, "PM-DSB", "6.0", exam_date=date(2024, 10, 25))
    record_grade(ws, sid, "PM-BCRR", "4.8", exam_date=date(2024, 11, 29))
    record_grade(ws, sid, "PM-BCRR", "6.4", exam_date=date(2025, 1, 24))
    record_grade(ws, sid, "PM-IMGP", "NS", exam_date=date(2024, 12, 20))
    update_internship(
        ws,
        sid,
        "minor",
        start_date=MINOR_START,
        host="Amsterdam UMC",
        is_umc="yes",
        approval_status="approved",
        approval_date=date(2025, 2, 20),
        daily_supervisor="dr. B. Bakker",
        daily_supervisor_rank="postdoc",
        assessor="prof. dr. L. Visser",
        assessor_rank="HL",
        assessor_location="VUmc",
        practical_mark="8.0",
        supervisor_report_mark="7.0",
        assessor_report_mark="7.5",
        presentation_mark="8.5",
    )
    mark_received(ws, find_item(ws, sid, "minor_internship", "list_of_agreements"), date(2025, 3, 14))
    set_mentor(ws, sid, "dr. M. Jansen", "Philips Healthcare")
    add_meeting(ws, sid, date(2024, 10, 1), "Career plans")
    return sid


def complete_minor(ws: Workspace, sid: int) -> None:
    for kind in (
        "list_of_agreements",
        "research_proposal",
        "interim_assessment",
        "halfway_presentation",
        "final_assessment",
        "written_report",
        "second_assessor_assessment",
        "evaluation_form",
    ):
        mark_received(ws, find_item(ws, sid, "minor_internship", kind), date(2025, 6, 20))


def imim_student(ws: Workspace, number: str = "s3100001") -> int:
    sid = add_imim(ws, number, 2024)
    record_grade(ws, sid, "IMIM-S1", "8.1", exam_date=date(2024, 12, 20))
    record_grade(ws, sid, "IMIM-BBB1", "6.5", exam_date=date(2025, 1, 31))
    update_student(ws, sid, year1_university="Uppsala", year2_university="Groningen")
    plan_graduation(ws, sid, 2026, 6)
    return sid
