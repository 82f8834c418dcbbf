"""student.evaluate: everything the rules conclude from one student's whole record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from coordinator_app.domain.grades import Grade, parse_grade
from coordinator_app.domain.internships import Period
from coordinator_app.domain.progress import OptionalCourse
from coordinator_app.domain.student import (
    InternshipSnapshot,
    ItemSnapshot,
    LiteratureSnapshot,
    StudentSnapshot,
    academic_core_due_dates,
    evaluate,
    internship_due_dates,
    internship_schedule,
    literature_due_dates,
    literature_schedule,
    portfolio_rules_for,
    programme_end,
)

AS_OF = date(2026, 8, 10)
MINOR_START = date(2025, 2, 3)
MAJOR_START = date(2025, 9, 1)
LIT_START = date(2026, 3, 2)


def g(*texts: str) -> list[Grade]:
    return [parse_grade(t) for t in texts]


def received_items(rules, received: date) -> tuple[ItemSnapshot, ...]:
    return tuple(ItemSnapshot(r.kind, r.name, None, received) for r in rules)


def complete_pm_student(pm) -> StudentSnapshot:
    portfolio = pm.internships.portfolio
    minor = InternshipSnapshot(
        kind="minor",
        start=MINOR_START,
        is_umc=True,
        country="Netherlands",
        approval_status="approved",
        assessor_rank="UD",
        practical=8.0,
        supervisor_report=7.0,
        assessor_report=8.0,
        presentation=6.5,
        marks_registered_on=date(2025, 6, 20),
        portfolio=received_items(portfolio, date(2025, 6, 1)),
    )
    major = InternshipSnapshot(
        kind="major",
        start=MAJOR_START,
        is_umc=False,
        country="Sweden",
        travel_code="green",
        approval_status="approved",
        assessor_rank="UHD",
        practical=7.0,
        supervisor_report=7.5,
        assessor_report=7.0,
        presentation=8.0,
        marks_registered_on=date(2026, 3, 15),
        portfolio=received_items(portfolio, date(2026, 3, 1)),
    )
    literature = LiteratureSnapshot(
        start=LIT_START,
        approval_status="approved",
        assessor_rank="HL",
        outline=8.0,
        supervisor_report=7.0,
        assessor_report=7.0,
        presentation=9.0,
        marks_registered_on=date(2026, 5, 1),
        portfolio=received_items(pm.literature_study.portfolio, date(2026, 4, 10)),
    )
    return StudentSnapshot(
        cohort_year=2024,
        specialization="medical_imaging",
        tuition_paid=True,
        enrolled=True,
        results={
            "PM-PERS": g("7"),
            "PM-DSB": g("4,5", "6,5"),
            "PM-BCRR": g("NS", "5,5"),
            "PM-IMGP": g("8"),
            "PM-MI1": g("7,5"),
            "PM-MI2": g("6"),
        },
        last_grade_registered=date(2025, 3, 1),
        optional_courses=(
            OptionalCourse(
                "PM-OPT-PROT", 6, approved=True, external=False, credit_form_received=False, grades=(Grade(7.0),)
            ),
            OptionalCourse(
                "UvA-GENOMICS",
                6,
                approved=True,
                external=True,
                credit_form_received=True,
                grades=(Grade(5.0), Grade(6.5)),
            ),
        ),
        internships={"minor": minor, "major": major},
        literature=literature,
        mentor_meetings=(date(2024, 11, 5), date(2025, 10, 10)),
        academic_core_items=(
            ItemSnapshot("first_year_assignments", "First-year assignments", date(2025, 9, 1), date(2025, 8, 20)),
            ItemSnapshot("cv_assignment", "CV / resume assignment", date(2026, 8, 3), date(2026, 6, 1)),
            ItemSnapshot("final_portfolio", "Final portfolio meeting", date(2026, 8, 3), date(2026, 6, 15)),
        ),
        graduation=(2026, 8),
    )


def without_receipt(items: tuple[ItemSnapshot, ...], kind: str) -> tuple[ItemSnapshot, ...]:
    return tuple(replace(i, received=None) if i.kind == kind else i for i in items)


def with_internship(snap: StudentSnapshot, kind: str, **changes) -> StudentSnapshot:
    internships = dict(snap.internships)
    internships[kind] = replace(internships[kind], **changes)
    return replace(snap, internships=internships)


# --- the complete student -----------------------------------------------------------------------


def test_complete_pm_student_is_ready(pm) -> None:
    ev = evaluate(pm, complete_pm_student(pm), AS_OF)
    assert ev.ec_total == 120
    assert {p.key: p.earned for p in ev.progress} == {
        "compulsory": 24,
        "specialization": 12,
        "optional": 12,
        "minor_internship": 24,
        "major_internship": 36,
        "literature_study": 9,
        "academic_core": 3,
    }
    assert ev.compulsory_passed == 4
    assert ev.readiness.ready, ev.readiness.blockers
    assert ev.readiness.blockers == ()
    assert ev.warnings == ()


def test_complete_pm_student_details(pm) -> None:
    ev = evaluate(pm, complete_pm_student(pm), AS_OF)
    minor = ev.internships["minor"]
    assert minor.name == "Minor internship"
    assert minor.mark.final == 7.5
    assert minor.portfolio_complete and minor.approval_valid and minor.complete
    assert minor.schedule.planned_end == date(2025, 5, 25)
    assert minor.schedule.halfway == date(2025, 3, 31)
    major = ev.internships["major"]
    # 0.4 x 7.0 + 0.4 x 7.25 + 0.2 x 8.0 = 2.8 + 2.9 + 1.6 = 7.3
    assert major.mark.final == 7.3
    assert major.schedule.planned_end == date(2026, 2, 15)
    assert ev.literature_mark.final == 7.5
    assert ev.literature_complete
    assert ev.academic_core.complete
    assert ev.academic_core.meetings_held == 2


def test_missing_portfolio_receipt_blocks_that_internship(pm) -> None:
    snap = complete_pm_student(pm)
    minor = snap.internships["minor"]
    snap = with_internship(snap, "minor", portfolio=without_receipt(minor.portfolio, "research_proposal"))
    ev = evaluate(pm, snap, AS_OF)
    earned = {p.key: p.earned for p in ev.progress}
    assert earned["minor_internship"] == 0
    assert earned["major_internship"] == 36
    assert ev.ec_total == 96
    assert not ev.internships["minor"].portfolio_complete
    assert not ev.internships["minor"].complete
    assert ev.internships["minor"].mark.final == 7.5  # the mark is known, the credits are not
    assert not ev.readiness.ready
    assert "Minor internship not complete" in ev.readiness.blockers
    assert "96 of 120 EC earned" in ev.readiness.blockers


def test_empty_portfolio_is_not_complete(pm) -> None:
    snap = with_internship(complete_pm_student(pm), "major", portfolio=())
    ev = evaluate(pm, snap, AS_OF)
    assert not ev.internships["major"].portfolio_complete
    assert "Major internship not complete" in ev.readiness.blockers


def test_failed_internship_mark_gives_no_ec(pm) -> None:
    snap = with_internship(
        complete_pm_student(pm), "major", practical=5.0, supervisor_report=5.0, assessor_report=5.5, presentation=5.0
    )
    ev = evaluate(pm, snap, AS_OF)
    assert ev.internships["major"].mark.final == 5.1
    assert not ev.internships["major"].complete
    assert ev.ec_total == 84


def test_missing_internship_mark(pm) -> None:
    snap = with_internship(complete_pm_student(pm), "minor", assessor_report=None)
    ev = evaluate(pm, snap, AS_OF)
    assert ev.internships["minor"].mark.final is None
    assert ev.internships["minor"].mark.missing == ("assessor_report",)
    assert ev.ec_total == 96


def test_unapproved_internship_that_started(pm) -> None:
    snap = with_internship(complete_pm_student(pm), "minor", approval_status="requested")
    ev = evaluate(pm, snap, AS_OF)
    assert not ev.internships["minor"].approval_valid
    assert ev.ec_total == 96
    assert "The minor internship has started without a valid approval." in ev.warnings


def test_unapproved_internship_not_started_yet_does_not_warn(pm) -> None:
    snap = with_internship(complete_pm_student(pm), "major", approval_status="requested", start=date(2026, 9, 1))
    ev = evaluate(pm, snap, AS_OF)
    assert not any("started without" in w for w in ev.warnings)


def test_red_travel_code_voids_the_major(pm) -> None:
    snap = with_internship(complete_pm_student(pm), "major", country="Mali", travel_code="red")
    ev = evaluate(pm, snap, AS_OF)
    assert not ev.internships["major"].approval_valid
    assert {p.key: p.earned for p in ev.progress}["major_internship"] == 0
    assert any("not valid" in w and "Mali" in w for w in ev.warnings)
    assert "Major internship not complete" in ev.readiness.blockers


def test_neither_internship_at_a_umc(pm) -> None:
    snap = with_internship(complete_pm_student(pm), "minor", is_umc=False)
    ev = evaluate(pm, snap, AS_OF)
    assert "Neither internship is at a university medical center; at least one must be." in ev.warnings


def test_minor_with_three_compulsory_courses_passed_warns(pm) -> None:
    snap = complete_pm_student(pm)
    snap = replace(snap, results=dict(snap.results, **{"PM-IMGP": g("5,4")}))
    ev = evaluate(pm, snap, AS_OF)
    assert ev.compulsory_passed == 3
    assert any(w.startswith("Not eligible for the minor internship: 3 of the 4") for w in ev.warnings)
    assert "Compulsory courses not complete" in ev.readiness.blockers


def test_literature_not_approved_is_not_complete(pm) -> None:
    snap = complete_pm_student(pm)
    snap = replace(snap, literature=replace(snap.literature, approval_status="requested"))
    ev = evaluate(pm, snap, AS_OF)
    assert ev.literature_mark.final == 7.5
    assert not ev.literature_complete
    assert "Literature Study not complete" in ev.readiness.blockers


def test_literature_portfolio_incomplete(pm) -> None:
    snap = complete_pm_student(pm)
    lit = snap.literature
    snap = replace(snap, literature=replace(lit, portfolio=without_receipt(lit.portfolio, "survey_outline")))
    assert not evaluate(pm, snap, AS_OF).literature_complete


def test_literature_assessor_below_ud_warns(pm) -> None:
    snap = complete_pm_student(pm)
    snap = replace(snap, literature=replace(snap.literature, assessor_rank="postdoc"))
    ev = evaluate(pm, snap, AS_OF)
    assert any(w.startswith("The Literature Study assessor is Post-doc") for w in ev.warnings)


def test_no_literature_record(pm) -> None:
    ev = evaluate(pm, replace(complete_pm_student(pm), literature=None), AS_OF)
    assert ev.literature_mark is None
    assert not ev.literature_complete
    assert ev.ec_total == 111


def test_academic_core_future_meeting_does_not_count(pm) -> None:
    snap = replace(complete_pm_student(pm), mentor_meetings=(date(2024, 11, 5), date(2026, 9, 1)))
    ev = evaluate(pm, snap, AS_OF)
    assert ev.academic_core.meetings_held == 1
    assert not ev.academic_core.complete
    assert "Academic Core not complete" in ev.readiness.blockers


def test_academic_core_final_meeting_not_received(pm) -> None:
    snap = complete_pm_student(pm)
    snap = replace(snap, academic_core_items=without_receipt(snap.academic_core_items, "final_portfolio"))
    ev = evaluate(pm, snap, AS_OF)
    assert not ev.academic_core.complete
    assert ev.academic_core.missing() == ["final portfolio meeting not held"]
    assert ev.ec_total == 117


def test_no_specialization_chosen(pm) -> None:
    snap = replace(complete_pm_student(pm), specialization=None)
    ev = evaluate(pm, snap, AS_OF)
    assert "No specialization chosen yet." in ev.warnings
    assert {p.key: p.earned for p in ev.progress}["specialization"] == 0
    stopped = evaluate(pm, replace(snap, status="stopped"), AS_OF)
    assert "No specialization chosen yet." not in stopped.warnings


def test_graduation_blockers(pm) -> None:
    snap = replace(complete_pm_student(pm), tuition_paid=False, enrolled=False, graduation=None)
    assert evaluate(pm, snap, AS_OF).readiness.blockers == (
        "no graduation month planned",
        "tuition not paid",
        "not enrolled on the graduation date",
    )


def test_mark_registered_too_late_for_planned_month(pm) -> None:
    # graduation 31-08-2026 (Mon): marks must be in by 03-08-2026
    snap = complete_pm_student(pm)
    snap = replace(snap, literature=replace(snap.literature, marks_registered_on=date(2026, 8, 4)))
    ev = evaluate(pm, snap, AS_OF)
    assert len(ev.readiness.blockers) == 1
    assert "04-08-2026" in ev.readiness.blockers[0] and "03-08-2026" in ev.readiness.blockers[0]
    on_time = replace(snap, literature=replace(snap.literature, marks_registered_on=date(2026, 8, 3)))
    assert evaluate(pm, on_time, AS_OF).readiness.ready


def test_late_course_grade_also_counts(pm) -> None:
    snap = replace(complete_pm_student(pm), last_grade_registered=date(2026, 8, 20))
    assert not evaluate(pm, snap, AS_OF).readiness.ready


def test_new_student_has_nothing(pm) -> None:
    ev = evaluate(pm, StudentSnapshot(cohort_year=2025), date(2025, 9, 15))
    assert ev.ec_total == 0
    assert ev.compulsory_passed == 0
    assert ev.internships == {}
    assert not ev.readiness.ready
    assert "0 of 120 EC earned" in ev.readiness.blockers
    assert "no graduation month planned" in ev.readiness.blockers
    assert "No specialization chosen yet." in ev.warnings
    assert ev.academic_core.meetings_held == 0


# --- IMIM ---------------------------------------------------------------------------------------


def complete_imim_student(imim) -> StudentSnapshot:
    return StudentSnapshot(
        cohort_year=2023,
        tuition_paid=True,
        enrolled=True,
        results={c.code: g("7") for c in imim.courses},
        last_grade_registered=date(2025, 6, 15),
        graduation=(2025, 8),
        year1_university="Heidelberg",
        year2_university="Groningen",
        english_test="IELTS",
        english_overall=7.0,
        english_lowest_section=6.5,
        participation_fee_paid=True,
    )


def test_complete_imim_student_is_ready(imim) -> None:
    ev = evaluate(imim, complete_imim_student(imim), date(2025, 8, 1))
    assert ev.ec_total == 120
    assert ev.readiness.ready, ev.readiness.blockers
    assert ev.warnings == ()
    assert ev.internships == {} and ev.academic_core is None and ev.literature_mark is None


def test_imim_student_with_nothing_recorded(imim) -> None:
    snap = replace(
        complete_imim_student(imim),
        year1_university=None,
        year2_university=None,
        english_test=None,
        english_overall=None,
        english_lowest_section=None,
        participation_fee_paid=False,
    )
    ev = evaluate(imim, snap, date(2025, 8, 1))
    blockers = ev.readiness.blockers
    assert "university of year 1 not recorded" in blockers
    assert "university of year 2 not recorded" in blockers
    assert "English test not recorded" in blockers
    assert "participation fee not paid" in blockers
    assert len(blockers) == 4
    assert "Participation fee not paid." in ev.warnings
    assert "English test not recorded." in ev.warnings


def test_imim_same_university_and_low_english(imim) -> None:
    snap = replace(
        complete_imim_student(imim),
        year1_university="Groningen",
        year2_university="Groningen",
        english_test="TOEFL_IBT",
        english_overall=91,
        english_lowest_section=21,
    )
    blockers = evaluate(imim, snap, date(2025, 8, 1)).readiness.blockers
    assert any("different university" in b for b in blockers)
    assert any("TOEFL iBT overall 91 is below 92" in b for b in blockers)
    assert len(blockers) == 2


def test_imim_failed_degree_project(imim) -> None:
    snap = complete_imim_student(imim)
    snap = replace(snap, results=dict(snap.results, **{"IMIM-DP": g("5", "NS")}))
    ev = evaluate(imim, snap, date(2025, 8, 1))
    assert ev.ec_total == 90
    assert "Degree project not complete" in ev.readiness.blockers


# --- due dates ----------------------------------------------------------------------------------


def test_internship_due_dates(pm) -> None:
    plan = internship_schedule(pm, "minor", MINOR_START, 100, ())
    assert internship_due_dates(pm, plan) == {
        "list_of_agreements": date(2025, 2, 17),
        "research_proposal": date(2025, 3, 17),
        "interim_assessment": date(2025, 3, 31),
        "halfway_presentation": date(2025, 3, 31),
        "final_assessment": date(2025, 5, 25),
        "written_report": date(2025, 5, 25),
        "second_assessor_assessment": date(2025, 6, 8),
        "evaluation_form": date(2025, 5, 25),
    }


def test_major_due_dates_part_time_with_interruption(pm) -> None:
    # 24 weeks at 80% = 30 weeks = 210 days, plus 7 days of holiday = 217 days
    plan = internship_schedule(pm, "major", MAJOR_START, 80, (Period(date(2025, 12, 22), date(2025, 12, 28)),))
    assert plan.length_days == 217
    assert plan.planned_end == date(2026, 4, 5)
    due = internship_due_dates(pm, plan)
    assert due["list_of_agreements"] == date(2025, 9, 15)
    assert due["research_proposal"] == date(2025, 10, 13)
    assert due["interim_assessment"] == date(2025, 12, 18)  # start + 217 // 2 = start + 108
    assert due["second_assessor_assessment"] == date(2026, 4, 19)


def test_literature_due_dates(pm) -> None:
    plan = literature_schedule(pm, LIT_START)
    assert plan.length_days == 42
    assert plan.planned_end == date(2026, 4, 12)
    assert literature_due_dates(pm, LIT_START) == {
        "survey_outline": date(2026, 3, 16),
        "literature_report": date(2026, 4, 12),
    }


def test_academic_core_due_dates(pm) -> None:
    assert academic_core_due_dates(pm, 2024, (2026, 8)) == {
        "first_year_assignments": date(2025, 8, 31),
        "cv_assignment": date(2026, 8, 3),
        "final_portfolio": date(2026, 8, 3),
    }
    nominal = academic_core_due_dates(pm, 2024, None)
    assert nominal["final_portfolio"] == programme_end(2024, pm) == date(2026, 8, 31)
    scheduled = academic_core_due_dates(pm, 2024, (2026, 8), date(2026, 7, 1))
    assert scheduled["cv_assignment"] == date(2026, 7, 1)
    # December: one week earlier (graduation 31-12-2026, Thu, minus 5 weeks)
    assert academic_core_due_dates(pm, 2024, (2026, 12))["final_portfolio"] == date(2026, 11, 26)


def test_portfolio_rules_for(pm, imim) -> None:
    assert portfolio_rules_for(pm, "minor_internship") == pm.internships.portfolio
    assert portfolio_rules_for(pm, "major_internship") == pm.internships.portfolio
    assert portfolio_rules_for(pm, "literature_study") == pm.literature_study.portfolio
    assert portfolio_rules_for(pm, "compulsory") == ()
    assert portfolio_rules_for(imim, "degree_project") == ()


@pytest.mark.parametrize("kind", ["minor", "major"])
def test_internship_schedule_uses_the_programme_ec(pm, kind: str) -> None:
    plan = internship_schedule(pm, kind, MINOR_START, 100, [])
    assert plan.weeks == {"minor": 16, "major": 24}[kind]
