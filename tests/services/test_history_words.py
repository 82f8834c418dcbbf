"""The record's History names each changed field in the coordinator's words, as the record's forms
do (the new-user trial saw stored names such as "year1_university")."""

from __future__ import annotations

from coordinator_app.domain.field_labels import changed_label, field_label
from coordinator_app.services.internships import update_internship
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_imim, add_pm


def test_history_names_the_fields_as_the_record_forms_do(workspace: Workspace) -> None:
    ws = workspace
    pm, imim = add_pm(ws), add_imim(ws)
    update_student(ws, pm, tuition_paid="yes", email="a.devries@student.vu.nl")
    update_internship(ws, pm, "major", travel_code="green", approval_status="requested")
    update_student(ws, imim, year1_university="Uppsala", participation_fee_paid="yes")
    what = {(line.field, line.what) for sid in (pm, imim) for line in load_record(ws, sid).history}
    assert {
        ("tuition_paid", "tuition paid"),
        ("email", "e-mail"),
        ("major travel_code", "major travel code"),
        ("major approval_status", "major approval"),
        ("year1_university", "university of year 1"),
        ("participation_fee_paid", "participation fee"),
        ("student_number", "student number"),  # "add student"
    } <= what


def test_a_name_without_words_of_its_own_reads_with_spaces() -> None:
    assert field_label("student", "first_name") == "first name"
    assert (field_label("person", "email"), field_label("student", "email")) == ("email", "e-mail")  # each part its own
    assert changed_label("portfolio_item", "academic_core cv_assignment") == "academic core cv assignment"
    assert changed_label("literature_study", "assessor_report_mark") == "report mark (UMC assessor)"
    assert changed_label("internship", "major assessor_report_mark") == "major assessor report mark"
    assert changed_label("course_result", "PM-PERS attempt 2") == "PM-PERS attempt 2"
    assert changed_label("student", "") == ""
