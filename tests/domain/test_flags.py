"""Flags: what needs the coordinator's eye beyond the portfolio, each with its day (issue 16)."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator_app.domain.flags import (
    OpenRegistration,
    assessor_rank_flag,
    graduation_month_passed_flag,
    imim_flags,
    missing_result_flags,
    past_nominal_end_flag,
    programme_end,
    same_person_flag,
    year_start,
)
from coordinator_app.domain.graduation import Readiness
from coordinator_app.domain.student import (
    InternshipSnapshot,
    ItemSnapshot,
    LiteratureSnapshot,
    StudentSnapshot,
    evaluate,
)

AS_OF = date(2025, 11, 24)
NOT_READY = Readiness(("78 of 120 EC earned",))


# -- IMIM: everything that blocks progress or graduation, due at the start of its year ------------


def test_imim_admission_items_are_due_at_the_start_of_year_1_and_the_year_2_university_at_year_2(imim) -> None:
    rules = imim.imim
    assert year_start(2024, 1, rules) == date(2024, 9, 1)
    assert year_start(2024, 2, rules) == date(2025, 9, 1)
    flags = imim_flags(rules, 2024, "Groningen", "Groningen", "IELTS", 6.0, None, False)
    assert [(f.component, f.due, f.what, f.violation, f.tab) for f in flags] == [
        (
            "Universities",
            date(2025, 9, 1),
            "year 2 must be at a different university from year 1 (both Groningen)",
            True,
            "imim",
        ),
        ("English requirement", date(2024, 9, 1), "IELTS Academic overall 6 is below 6.5", True, "imim"),
        ("English requirement", date(2024, 9, 1), "IELTS Academic section scores not recorded", False, "imim"),
        ("Fees", date(2024, 9, 1), "participation fee not paid", False, "imim"),
    ]
    assert all(f.attention for f in flags)
    assert imim_flags(rules, 2024, "Uppsala", "Groningen", "CPE", None, None, True) == []


def test_an_imim_student_whose_admission_is_not_in_order_is_not_ready_and_warned(imim) -> None:
    snap = StudentSnapshot(
        cohort_year=2024,
        year1_university="Uppsala",
        year2_university="Uppsala",
        english_test="TOEFL_IBT",
        english_overall=95,
        english_lowest_section=20,
        participation_fee_paid=False,
        graduation=(2026, 6),
    )
    ev = evaluate(imim, snap, AS_OF)
    assert "year 2 must be at a different university from year 1 (both Uppsala)" in ev.readiness.blockers
    assert "TOEFL iBT lowest section 20 is below 21" in ev.readiness.blockers
    assert "participation fee not paid" in ev.readiness.blockers
    assert "Participation fee not paid." in ev.warnings
    assert {f.component for f in ev.flags} == {"Universities", "English requirement", "Fees"}


# -- approvals: not "valid" while the assessor's rank is unknown -----------------------------------


def test_an_approval_without_the_assessors_rank_is_flagged(pm) -> None:
    flag = assessor_rank_flag("Minor internship", "internships", "approved", None, "UD", date(2025, 11, 3))
    assert flag is not None
    assert (flag.due, flag.violation, flag.attention, flag.tab) == (date(2025, 11, 3), True, True, "internships")
    assert flag.sentence == (
        "Minor internship: approved, but the assessor's rank is not recorded "
        "(at least Assistant professor (UD) is required)."
    )
    assert assessor_rank_flag("Minor internship", "internships", "approved", "UHD", "UD", None) is None
    assert assessor_rank_flag("Minor internship", "internships", "requested", None, "UD", None) is None


def test_the_internship_record_does_not_call_an_approval_valid_without_the_rank(pm) -> None:
    snap = StudentSnapshot(
        cohort_year=2024,
        internships={
            "minor": InternshipSnapshot("minor", start=date(2025, 11, 3), is_umc=True, approval_status="approved")
        },
    )
    ev = evaluate(pm, snap, AS_OF)
    minor = ev.internships["minor"]
    assert minor.approval_valid  # the Examination Board approved it ...
    assert minor.approval_label == "approved, assessor's rank not recorded"  # ... but it is not shown "valid"
    assert any("assessor's rank is not recorded" in w for w in minor.warnings)
    ranked = evaluate(
        pm,
        StudentSnapshot(
            cohort_year=2024,
            internships={
                "minor": InternshipSnapshot(
                    "minor", start=date(2025, 11, 3), is_umc=True, approval_status="approved", assessor_rank="UD"
                )
            },
        ),
        AS_OF,
    )
    assert ranked.internships["minor"].approval_label == "approval valid"


# -- the Literature Study: supervisor and assessor are two people ----------------------------------


@pytest.mark.parametrize(
    "supervisor, assessor, flagged",
    [
        ("dr. A. Jansen", "dr. A. Jansen", True),
        ("Dr. A.Jansen", " dr.  a. jansen ", True),
        ("dr. A. Jansen", "dr. M. de Jong", False),
        ("", "", False),
        ("dr. A. Jansen", "", False),
    ],
)
def test_a_supervisor_who_is_also_the_assessor(supervisor: str, assessor: str, flagged: bool) -> None:
    flag = same_person_flag("Literature Study", "literature", supervisor, assessor, date(2026, 2, 2))
    assert (flag is not None) == flagged
    if flag:
        assert flag.violation and flag.due == date(2026, 2, 2) and "must be someone else" in flag.what


def test_the_literature_study_says_what_is_missing(pm) -> None:
    lit = LiteratureSnapshot(
        start=date(2025, 11, 3),
        approval_status="requested",
        assessor_rank="UD",
        outline=7.0,
        supervisor_report=7.0,
        portfolio=(
            ItemSnapshot("survey_outline", "Survey Outline", date(2025, 11, 17), date(2025, 11, 14)),
            ItemSnapshot("literature_report", "Literature Study report", date(2025, 12, 14), None),
        ),
        supervisor="dr. A. Jansen",
        assessor="dr. A. Jansen",
    )
    ev = evaluate(pm, StudentSnapshot(cohort_year=2024, literature=lit), AS_OF)
    assert not ev.literature_complete
    assert ev.literature_missing == (
        "Examination Board approval (requested)",
        "Literature Study report not received",
        "marks: oral presentation, report (assessor)",
    )
    assert any("is also the Amsterdam UMC assessor" in w for w in ev.literature_warnings)
    assert set(ev.literature_warnings) <= set(ev.warnings)
    failed = evaluate(
        pm,
        StudentSnapshot(
            cohort_year=2024,
            literature=LiteratureSnapshot(
                start=date(2025, 11, 3),
                approval_status="approved",
                assessor_rank="UD",
                outline=5.0,
                supervisor_report=5.0,
                assessor_report=5.5,
                presentation=5.0,
                portfolio=(ItemSnapshot("survey_outline", "Survey Outline", date(2025, 11, 17), date(2025, 11, 14)),),
            ),
        ),
        AS_OF,
    )
    # 0.1 x 5.0 + 0.7 x 5.25 + 0.2 x 5.0 = 5.175 -> 5.2
    assert failed.literature_missing == ("a pass: the mark is 5.2, below 5.5",)


# -- results, nominal years, graduation month ------------------------------------------------------


def test_a_resit_whose_day_passed_without_a_result() -> None:
    registrations = [
        OpenRegistration("Personalized Medicine", 2, date(2025, 1, 31)),
        OpenRegistration("Imaging Principles", 2, date(2026, 1, 31)),  # still to come
        OpenRegistration("Data Science & Bioinformatics", 1, None),
    ]  # no day known
    flags = missing_result_flags(registrations, AS_OF)
    assert [(f.component, f.tab, f.due, f.what, f.violation) for f in flags] == [
        (
            "Courses",
            "courses",
            date(2025, 1, 31),
            "Personalized Medicine: no result recorded for the resit of 31-01-2025",
            False,
        )
    ]
    assert missing_result_flags([OpenRegistration("X", 2, AS_OF)], AS_OF) == []  # the exam day itself


def test_a_student_still_active_after_the_nominal_two_years(pm) -> None:
    assert programme_end(2023, pm) == date(2025, 8, 31)
    assert past_nominal_end_flag(2023, pm, "active", None, date(2025, 8, 31)) is None
    flag = past_nominal_end_flag(2023, pm, "active", None, date(2025, 9, 1))
    assert flag is not None and flag.due == date(2025, 8, 31) and flag.attention and not flag.violation
    planned = past_nominal_end_flag(2023, pm, "active", (2026, 1), AS_OF)
    assert planned is not None and not planned.attention  # acted on already: the record still says it
    assert past_nominal_end_flag(2023, pm, "stopped", None, AS_OF) is None
    assert past_nominal_end_flag(2024, pm, "active", None, AS_OF) is None


def test_a_planned_graduation_month_that_passed_unready() -> None:
    flag = graduation_month_passed_flag((2025, 6), NOT_READY, "active", AS_OF)
    assert flag is not None
    assert (flag.due, flag.tab) == (date(2025, 6, 30), "graduation")
    assert flag.what == "graduation planned for June 2025 has passed and the student is not ready: plan a new month"
    assert graduation_month_passed_flag((2025, 6), Readiness(()), "active", AS_OF) is None
    assert graduation_month_passed_flag((2025, 11), NOT_READY, "active", AS_OF) is None  # 28-11-2025 to come
    assert graduation_month_passed_flag((2025, 11), NOT_READY, "active", date(2025, 11, 29)) is not None
    assert graduation_month_passed_flag(None, NOT_READY, "active", AS_OF) is None


def test_the_record_warns_of_each_flag(pm) -> None:
    snap = StudentSnapshot(
        cohort_year=2023,
        graduation=(2025, 6),
        open_registrations=(OpenRegistration("Personalized Medicine", 2, date(2025, 1, 31)),),
    )
    ev = evaluate(pm, snap, AS_OF)
    assert "Personalized Medicine: no result recorded for the resit of 31-01-2025." in ev.warnings
    assert any(w.startswith("Still active after the nominal end of the programme (31-08-2025)") for w in ev.warnings)
    assert any(w.startswith("Graduation planned for June 2025 has passed") for w in ev.warnings)
    assert {f.component for f in ev.flags} == {"Courses", "Graduation"}


def test_past_the_nominal_end_with_a_month_planned_does_not_ask_to_plan_one(pm) -> None:
    # The Graduation tab of a student planned for July 2027 said "plan the graduation month".
    planned = past_nominal_end_flag(2023, pm, "active", (2026, 1), AS_OF)
    assert planned is not None and not planned.attention
    assert (
        planned.what
        == "still active after the nominal end of the programme (31-08-2025); graduation planned for January 2026"
    )
    assert "plan the graduation month" not in planned.sentence
    unplanned = past_nominal_end_flag(2023, pm, "active", None, AS_OF)
    assert unplanned is not None and unplanned.attention
    assert unplanned.what.endswith("plan the graduation month or record that the student stopped")
