"""Each rule lives once (issue 17): change the programme data, or the domain's word for a thing, and
every place that applies it follows: the domain's verdict, the services (one student at a time and
the bulk import), the cohort workbook, and what the record tabs show.

The programmes here are copies of the real PM definition with one rule changed, built in the test
(`dataclasses.replace`), so nothing in the code may still carry the old value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from coordinator_app.domain.approvals import APPROVAL_STATUSES, OPTIONAL_COURSE_STATUSES, is_decision
from coordinator_app.domain.attention import Urgency
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import Grade
from coordinator_app.domain.internships import InternshipFacts, approval_valid
from coordinator_app.domain.marks import internship_mark
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import NEW_STUDENT_DEFAULTS
from coordinator_app.services.attention import attention_items
from coordinator_app.services.checks import run_checks
from coordinator_app.services.courses import record_grade, set_optional_course
from coordinator_app.services.internships import update_internship, update_literature_study
from coordinator_app.services.mark_forms import mark_form
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.export import export_to
from coordinator_app.spreadsheets.importer import apply_import, preview_import
from coordinator_app.store import models as m
from tests.conftest import copy_database

TODAY = date(2025, 11, 24)
Programmes = dict[str, Programme]


@pytest.fixture
def open_with(tmp_path: Path, blank_database: Path) -> Iterator[Callable[[Programmes], Workspace]]:
    """A fresh database whose programme definitions are the ones given: a copy of the blank database
    built once (tests/conftest.py), its programme and course tables brought in line with them on open."""
    opened: list[Workspace] = []

    def open_(programmes: Programmes) -> Workspace:
        path = copy_database(blank_database, tmp_path / f"db{len(opened)}.sqlite")
        ws = Workspace.open(path, programmes, daily_backup=False)
        ws.today = TODAY
        opened.append(ws)
        return ws

    yield open_
    for ws in opened:
        ws.close()


def with_pm(programmes: Programmes, **changes: object) -> Programmes:
    return {**programmes, "PM": replace(programmes["PM"], **changes)}  # type: ignore[arg-type]


def results_file(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["Student number", "Course", "Grade", "Exam date"])
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def attempts(ws: Workspace, sid: int, code: str) -> list[tuple[int, float | None, date | None]]:
    with ws.read() as s:
        rows = s.execute(
            select(m.CourseResult.attempt, m.CourseResult.grade, m.CourseResult.exam_date)
            .join(m.Course)
            .where(m.CourseResult.student_id == sid, m.Course.code == code)
            .order_by(m.CourseResult.attempt)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def sheet_rows(path: Path, title: str) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path)[title]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]  # type: ignore[arg-type]


# -- the pass mark (programme.pass_mark) --------------------------------------------------------


def test_the_pass_mark_comes_from_the_programme_everywhere(programmes: Programmes, open_with, tmp_path: Path) -> None:
    strict = with_pm(programmes, pass_mark=6.0)
    # The domain's verdicts.
    assert not Grade(5.8).passed(strict["PM"].pass_mark) and Grade(5.8).passed(programmes["PM"].pass_mark)
    mark = internship_mark(strict["PM"].internships.mark, strict["PM"].pass_mark, 5.8, 5.8, 5.8, 5.8)
    assert mark.final == 5.8 and not mark.passed()
    ws = open_with(strict)
    typed = add_student(ws, NewStudent("PM", 2025, "2712001", "Anouk", "de Vries"))
    imported = add_student(ws, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))
    # One student at a time: 5.8 fails, the resit is registered, no EC.
    recorded = record_grade(ws, typed, "PM-PERS", "5,8", exam_date=date(2025, 9, 30))
    assert not recorded.passed and recorded.resit_id is not None and recorded.ec_total == 0
    # The bulk import does the same.
    path = results_file(tmp_path / "results.xlsx", [["2712002", "PM-PERS", 5.8, date(2025, 9, 30)]])
    apply_import(ws, preview_import(ws, path))
    assert [a[0] for a in attempts(ws, imported, "PM-PERS")] == [1, 2]
    assert attempts(ws, imported, "PM-PERS") == attempts(ws, typed, "PM-PERS")
    # The EC totals: 5.8 counts for nothing typed or imported; 6.2 counts the course's EC both ways.
    passed_typed = add_student(ws, NewStudent("PM", 2025, "2712003", "Carla", "Smit"))
    passed_imported = add_student(ws, NewStudent("PM", 2025, "2712004", "Daan", "Visser"))
    record_grade(ws, passed_typed, "PM-PERS", "6,2", exam_date=date(2025, 9, 30))
    path = results_file(tmp_path / "passes.xlsx", [["2712004", "PM-PERS", 6.2, date(2025, 9, 30)]])
    apply_import(ws, preview_import(ws, path))
    with ws.read() as s:
        ec = {sid: s.get(m.Student, sid).ec_earned for sid in (typed, imported, passed_typed, passed_imported)}
    assert ec[typed] == ec[imported] == 0 and ec[passed_typed] == ec[passed_imported] > 0
    # What the record shows, and the workbook.
    line = next(c for c in load_record(ws, typed).courses if c.code == "PM-PERS")
    assert not line.passed and line.attempts[0].passed is False
    out = export_to(ws, tmp_path / "cohort.xlsx", as_of=TODAY)
    courses = [r for r in sheet_rows(out, "Courses") if r["Attempt"] == 1]
    assert sorted((r["Grade"], r["Passed"]) for r in courses) == [(5.8, "no"), (5.8, "no"), (6.2, "yes"), (6.2, "yes")]
    formulas = [
        rule.formula[0] for rng in openpyxl.load_workbook(out)["Courses"].conditional_formatting for rule in rng.rules
    ]
    assert any("<6)" in f and '"NS"' in f for f in formulas) and not any("5.5" in f for f in formulas)


def test_a_literature_study_below_the_pass_mark_is_named_with_that_mark(programmes: Programmes, open_with) -> None:
    ws = open_with(with_pm(programmes, pass_mark=6.0))
    sid = add_student(ws, NewStudent("PM", 2024, "2712001", "Anouk", "de Vries"))
    update_literature_study(
        ws,
        sid,
        start_date=date(2025, 3, 3),
        outline_mark=5.8,
        supervisor_report_mark=5.8,
        assessor_report_mark=5.8,
        presentation_mark=5.8,
    )
    record = load_record(ws, sid)
    assert record.literature is not None and record.literature.mark is not None
    assert not record.literature.mark.passed()  # what the Literature Study tab shows as "(fail)"
    assert "a pass: the mark is 5.8, below 6.0" in record.evaluation.literature_missing
    assert mark_form(ws, sid, "literature").pass_mark == 6.0  # the mark form the assessors fill in


# -- the travel codes that void an approval (internships.invalid_travel_codes) -----------------------


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_the_travel_codes_that_void_an_approval_come_from_the_programme(programmes: Programmes, open_with) -> None:
    rules = replace(programmes["PM"].internships, invalid_travel_codes=("yellow",), consult_travel_codes=())
    ws = open_with(with_pm(programmes, internships=rules))
    start = TODAY + timedelta(days=7)
    students = {}
    for number, code in (("2712001", "yellow"), ("2712002", "orange")):
        sid = students[code] = add_student(ws, NewStudent("PM", 2024, number, "Anouk", code))
        update_internship(
            ws,
            sid,
            "major",
            country="Ghana",
            travel_code=code,
            approval_status="approved",
            approval_date=TODAY - timedelta(days=30),
            start_date=start,
            assessor_rank="UD",
        )
    facts = InternshipFacts("major", "Ghana", "yellow", False, "approved", "UD", start)
    assert not approval_valid(facts, rules.invalid_travel_codes)
    assert approval_valid(replace(facts, travel_code="orange"), rules.invalid_travel_codes)
    void = [i for i in attention_items(ws, TODAY, 14) if "approval void" in i.what]
    assert [(i.student_id, i.what) for i in void] == [(students["yellow"], "approval void: travel advice yellow")]
    violations = [v for v in run_checks(ws).violations if "travel advice" in v]
    assert len(violations) == 1 and "yellow" in violations[0]
    assert load_record(ws, students["orange"]).internships["major"].evaluation.approval_valid
    assert not load_record(ws, students["yellow"]).internships["major"].evaluation.approval_valid


# -- the bulk import and the per-student services share their rules ---------------------------------


def test_an_imported_student_starts_like_one_added_in_the_window(
    programmes: Programmes, open_with, tmp_path: Path
) -> None:
    core = replace(programmes["PM"].academic_core, first_year_assignments_due=(7, 15))
    ws = open_with(with_pm(programmes, academic_core=core))
    add_student(ws, NewStudent("PM", 2025, "2712001", "Anouk", "de Vries"))
    wb = openpyxl.Workbook()
    wb.active.append(["Student number", "First name", "Surname", "Programme", "Cohort"])
    wb.active.append(["2712002", "Bram", "Jansen", "PM", 2025])
    wb.save(tmp_path / "students.xlsx")
    apply_import(ws, preview_import(ws, tmp_path / "students.xlsx"))
    with ws.read() as s:
        ids = dict(s.execute(select(m.Student.student_number, m.Student.id)).all())
        starts = {
            number: {k: getattr(s.get(m.Student, sid), k) for k in NEW_STUDENT_DEFAULTS} for number, sid in ids.items()
        }
        items = {
            number: sorted(
                (i.kind, i.name, i.due_date)
                for i in s.scalars(select(m.PortfolioItem).where(m.PortfolioItem.student_id == sid))
            )
            for number, sid in ids.items()
        }
    assert starts == {"2712001": NEW_STUDENT_DEFAULTS, "2712002": NEW_STUDENT_DEFAULTS}
    assert items["2712001"] == items["2712002"] != []
    assert ("first_year_assignments", "First-year assignments", date(2026, 7, 15)) in items["2712001"]


def test_an_imported_fail_registers_the_resit_the_course_defines(
    programmes: Programmes, open_with, tmp_path: Path
) -> None:
    pm = programmes["PM"]
    courses = tuple(replace(c, resit_month=3) if c.code == "PM-PERS" else c for c in pm.courses)
    changed = replace(pm, courses=courses, _courses_by_code={c.code: c for c in courses})
    ws = open_with({**programmes, "PM": changed})
    typed = add_student(ws, NewStudent("PM", 2025, "2712001", "Anouk", "de Vries"))
    imported = add_student(ws, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))
    record_grade(ws, typed, "PM-PERS", "NS")  # no date given: the schedule's (30-09-2025)
    path = results_file(tmp_path / "results.xlsx", [["2712002", "PM-PERS", "NS", None]])
    apply_import(ws, preview_import(ws, path))
    expected = [(1, None, date(2025, 9, 30)), (2, None, date(2026, 3, 31))]
    assert attempts(ws, typed, "PM-PERS") == attempts(ws, imported, "PM-PERS") == expected


# -- an approval's decision needs its date (domain/approvals.py) ------------------------------------


@pytest.mark.parametrize("status", APPROVAL_STATUSES)
def test_every_approval_asks_the_domain_whether_a_status_needs_its_date(workspace: Workspace, status: str) -> None:
    sid = add_student(workspace, NewStudent("PM", 2024, "2712001", "Anouk", "de Vries"))
    changes: list[Callable[[], object]] = [
        lambda: update_internship(workspace, sid, "minor", approval_status=status),
        lambda: update_literature_study(workspace, sid, approval_status=status),
    ]
    if status in OPTIONAL_COURSE_STATUSES:
        changes.append(lambda: set_optional_course(workspace, sid, "PM-OPT-PROT", status))
    for change in changes:
        if is_decision(status):
            with pytest.raises(DomainError, match="date of the Examination Board's decision"):
                change()
        else:
            change()


def test_the_record_tabs_send_the_typed_date_with_every_decision() -> None:
    """The Internships and Literature Study tabs ask the same function which statuses need the date."""
    source = Path(__file__).resolve().parents[2] / "coordinator_app" / "ui" / "record"
    for tab in ("internships.py", "literature.py"):
        text = (source / tab).read_text("utf-8")
        assert "is_decision(value)" in text and '("approved", "rejected")' not in text


# -- the words for a status (domain/attention.py) ---------------------------------------------------


def test_the_workbook_and_the_window_say_a_status_in_the_same_words(workspace: Workspace, tmp_path: Path) -> None:
    from coordinator_app.ui.record.base import URGENCY_TEXT

    assert {u: u.label for u in Urgency} == URGENCY_TEXT
    late = add_student(workspace, NewStudent("PM", 2023, "2712001", "Anouk", "de Vries"))  # items overdue
    add_student(workspace, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))  # items not due yet
    out = export_to(workspace, tmp_path / "cohort.xlsx", as_of=TODAY)
    said = {(r["Student number"], r["Status"]) for r in sheet_rows(out, "Portfolio")}
    assert ("2712002", Urgency.LATER.label) in said and ("2712001", Urgency.OVERDUE.label) in said
    assert {status for _, status in said} <= {u.label for u in Urgency}
    shown = {i.urgency.label for i in load_record(workspace, late).core_items}
    assert shown == {Urgency.OVERDUE.label} and Urgency.LATER.label == "not due yet"
