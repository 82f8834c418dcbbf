"""The cohort workbook's sheets: for each, its columns, and for each column its header, width,
format and the value it shows, side by side (a column cannot drift from its value).

A per-student sheet's rows are `Line`s: the student (`StudentLines` in student_lines.py, everything
read and concluded about them once) and the part of the record the row is about (a result, an
internship, ...). The values come from the domain's verdicts (passed, stages, urgency labels),
never worked out here. The Attention sheet's columns are in attention_sheet.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import attrgetter

from coordinator_app.domain.attention import Urgency, urgency
from coordinator_app.domain.grades import grade_from
from coordinator_app.domain.internships import Schedule
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.ranks import RANKS
from coordinator_app.domain.student import InternshipEvaluation, internship_stage, literature_stage
from coordinator_app.services.cohort_data import Record
from coordinator_app.spreadsheets.cells import CellValue, Column
from coordinator_app.spreadsheets.student_lines import Line, StudentLines, grade_cell

LONG_TEXT = 60  # the widest a column of long text gets; its text wraps within it
DUE_SOON_DAYS = 14
STUDENT_COLUMNS = 3  # number, surname, first name: frozen on every per-student sheet

Widths = Callable[..., int]  # ("table.column", minimum) -> a width that fits the longest stored value


def cohort_label(year: int) -> str:
    return f"{year}-{year + 1}"


def _month(year: int | None, month: int | None) -> date | None:
    return date(year, month, 1) if year and month else None


def _rank(code: str | None) -> str | None:
    return RANKS.get(code, code) if code else None


def _person(widths: Widths) -> list[Column]:
    return [
        Column(
            "Student number",
            width=widths("student.student_number", 10),
            value=attrgetter("student.record.student_number"),
            key=True,
        ),
        Column("Surname", width=widths("student.last_name"), value=attrgetter("student.record.last_name")),
        Column("First name", width=widths("student.first_name"), value=attrgetter("student.record.first_name")),
    ]


def _english_test_width(programmes: list[Programme]) -> int:
    """Fits the test names ('TOEFL iBT'); the longest certificate names may run over."""
    names = [t.name for p in programmes if p.imim for t in p.imim.english_tests.values()]
    return min(max((len(n) for n in names), default=9), 30)


def _imim(row: Line, value: Callable[[Record], CellValue]) -> CellValue:
    return value(row.student.record) if row.student.programme.imim else None


def _english_test(row: Line) -> str | None:
    imim = row.student.programme.imim
    test = row.student.record.english_test
    if imim is None or test is None:
        return None
    known = imim.english_tests.get(test)  # the name the window shows, not the key
    return known.name if known else test


def _specialization(row: Line) -> str | None:
    key = row.student.record.specialization
    spec = row.student.programme.specialization(key) if key else None
    return spec.name if spec else key


def _pm(row: Line, has: Callable[[Programme], object], value: Callable[[StudentLines], CellValue]) -> CellValue:
    """A PM-only part's cell: empty for a student whose programme does not have the part."""
    return value(row.student) if has(row.student.programme) else None


def _literature_stage(s: StudentLines) -> str:
    lit = s.literature
    return literature_stage(lit is not None, lit.start_date if lit else None, s.evaluation.literature_complete, s.as_of)


def _core_status(s: StudentLines) -> str | None:
    """The Academic Core status in lower case, like the other status words ('complete', 'running')."""
    core = s.evaluation.academic_core
    if core is None:
        return None
    label = core.label
    return label[:1].lower() + label[1:]


def _open_items(s: StudentLines) -> list[Record]:
    return [i for i in s.items if i.received_date is None]


def _plan_month(s: StudentLines, ceremony: bool = False) -> date | None:
    plan = s.plan
    if plan is None:
        return None
    return (
        _month(plan.ceremony_year, plan.ceremony_month) if ceremony else _month(plan.planned_year, plan.planned_month)
    )


def _best_grade(programme: str, course: str) -> Callable[[Line], float | str | None]:
    return lambda row: row.student.best(programme, course)


def _ec_earned(programme: str, component: str) -> Callable[[Line], int | None]:
    return lambda row: row.student.evaluation_earned(programme, component)


def overview_columns(programmes: list[Programme], widths: Widths) -> list[Column]:
    """One row per student: who, where, each course's best grade, EC per component, each part's stage."""
    several = len(programmes) > 1
    cols = [
        *_person(widths),
        Column("E-mail", width=widths("student.email"), value=attrgetter("student.record.email")),
        Column("Programme", width=9, value=attrgetter("student.record.programme")),
        Column("Cohort", width=9, value=lambda row: cohort_label(row.student.record.cohort)),
        Column("Status", width=9, value=attrgetter("student.record.status")),
    ]
    if any(p.specializations for p in programmes):
        cols.append(Column("Specialization", width=widths("student.specialization", 14), value=_specialization))
    if any(p.imim for p in programmes):
        cols += [
            Column("Year 1 university", width=10, value=lambda row: _imim(row, lambda r: r.year1_university)),
            Column("Year 2 university", width=10, value=lambda row: _imim(row, lambda r: r.year2_university)),
            Column("English test", width=_english_test_width(programmes), value=_english_test),
            Column("English overall", "number", value=lambda row: _imim(row, lambda r: r.english_overall)),
            Column(
                "English lowest section", "number", value=lambda row: _imim(row, lambda r: r.english_lowest_section)
            ),
            Column("Participation fee paid", width=4, value=lambda row: _imim(row, lambda r: r.participation_fee_paid)),
        ]
    for p in programmes:
        for course in p.courses:
            cols.append(
                Column(
                    f"{p.code}: {course.name}" if several else course.name,
                    "grade",
                    6,
                    value=_best_grade(p.code, course.code),
                )
            )
    for p in programmes:
        for comp in p.components:
            cols.append(
                Column(
                    f"EC {p.code}: {comp.name}" if several else f"EC {comp.name}",
                    "int",
                    5,
                    value=_ec_earned(p.code, comp.key),
                )
            )
    total = max((p.total_ec for p in programmes), default=120)
    cols.append(Column(f"EC total (of {total})", "int", 5, value=lambda row: row.student.evaluation.ec_total))
    if any(p.internships or p.literature_study or p.academic_core for p in programmes):

        def internships(p: Programme) -> object:
            return p.internships

        cols += [
            Column(
                "Minor internship",
                width=27,
                value=lambda row: _pm(
                    row, internships, lambda s: internship_stage(s.evaluation.internships.get("minor"), s.as_of)
                ),
            ),
            Column(
                "Major internship",
                width=27,
                value=lambda row: _pm(
                    row, internships, lambda s: internship_stage(s.evaluation.internships.get("major"), s.as_of)
                ),
            ),
            Column(
                "Literature Study",
                width=14,
                value=lambda row: _pm(row, lambda p: p.literature_study, _literature_stage),
            ),
            Column("Academic Core", width=36, wrap=True, value=lambda row: _core_status(row.student)),
            Column(
                "Mentor meetings held",
                "int",
                4,
                value=lambda row: (
                    row.student.evaluation.academic_core.meetings_held if row.student.evaluation.academic_core else None
                ),
            ),
        ]
    cols += [
        Column("Portfolio items open", "int", 4, value=lambda row: len(_open_items(row.student))),
        Column(
            "Portfolio items overdue",
            "int",
            4,
            value=lambda row: sum(
                1 for i in _open_items(row.student) if i.due_date is not None and i.due_date < row.student.as_of
            ),
        ),
        Column("Graduation month", "month", value=lambda row: _plan_month(row.student)),
        Column("Ceremony", "month", value=lambda row: _plan_month(row.student, ceremony=True)),
        Column("Ready to graduate", width=5, value=lambda row: row.student.evaluation.readiness.ready),
        Column(
            "Graduation blockers",
            width=LONG_TEXT,
            wrap=True,
            value=lambda row: "; ".join(row.student.evaluation.readiness.blockers),
        ),
    ]
    return cols


def course_columns(widths: Widths) -> list[Column]:
    """One row per attempt (`Line.part`: the result row)."""
    return [
        *_person(widths),
        Column("Programme", width=9, value=attrgetter("student.record.programme")),
        Column("Course code", width=12, value=attrgetter("part.code"), key=True),
        Column("Course", width=40, value=attrgetter("part.name")),
        Column("Component", width=22, value=lambda row: row.student.component(row.part.component)),
        Column("EC", "int", value=attrgetter("part.ec")),
        Column("Attempt", "int", value=attrgetter("part.attempt"), key=True),
        Column("Exam date", "date", value=attrgetter("part.exam_date"), shows="exam_date"),
        Column(
            "Grade", "grade", value=lambda row: grade_cell(grade_from(row.part.no_show, row.part.grade)), shows="grade"
        ),
        Column("Passed", width=6, value=lambda row: row.student.passed(row.part)),
        Column("Entered on", "date", value=attrgetter("part.registered_on")),
    ]


def _internship_evaluation(row: Line) -> InternshipEvaluation | None:
    return row.student.evaluation.internships.get(row.part.kind)


def _schedule(row: Line, value: Callable[[Schedule], date]) -> date | None:
    ev = _internship_evaluation(row)
    return value(ev.schedule) if ev is not None and ev.schedule is not None else None


def _email_of(role: str) -> Callable[[Line], str | None]:
    """The e-mail address of the person chosen in `role` (the people register's), if any."""
    column = f"{role}_id"

    def value(row: Line) -> str | None:
        person = getattr(row.part, column)
        return row.student.chunk.emails.get(person) if person is not None else None

    return value


def _email_column(header: str, role: str, widths: Widths) -> Column:
    return Column(header, width=widths("person.email", 10), value=_email_of(role))


def internship_columns(widths: Widths) -> list[Column]:
    """One row per internship (`Line.part`: the internship row)."""

    def text(name: str, header: str, wrap: bool = False) -> Column:
        return Column(
            header, width=widths(f"internship.{name}"), value=attrgetter(f"part.{name}"), shows=name, wrap=wrap
        )

    return [
        *_person(widths),
        Column(
            "Internship",
            width=16,
            value=lambda row: ev.name if (ev := _internship_evaluation(row)) else row.part.kind,
            key=True,
        ),
        text("host", header="Host"),
        text("department", header="Department"),
        text("topic", header="Topic", wrap=True),
        Column("UMC", width=4, value=attrgetter("part.is_umc"), shows="is_umc"),
        text("country", header="Country"),
        Column("Travel advice", width=7, value=attrgetter("part.travel_code"), shows="travel_code"),
        Column(
            "International Office notified",
            width=4,
            value=attrgetter("part.international_office_notified"),
            shows="international_office_notified",
        ),
        Column("Approval", width=13, value=attrgetter("part.approval_status"), shows="approval_status"),
        Column("Approval date", "date", value=attrgetter("part.approval_date"), shows="approval_date"),
        Column("Start", "date", value=attrgetter("part.start_date"), shows="start_date"),
        Column("Part-time %", "int", value=attrgetter("part.part_time_percent"), shows="part_time_percent"),
        Column("Planned end", "date", value=lambda row: _schedule(row, lambda s: s.planned_end)),
        Column("Halfway", "date", value=lambda row: _schedule(row, lambda s: s.halfway)),
        text("daily_supervisor", header="Daily supervisor"),
        _email_column("Daily supervisor e-mail", "daily_supervisor", widths),
        text("second_supervisor", header="Second supervisor"),
        _email_column("Second supervisor e-mail", "second_supervisor", widths),
        text("assessor", header="Assessor"),
        _email_column("Assessor e-mail", "assessor", widths),
        Column("Assessor rank", width=22, value=lambda row: _rank(row.part.assessor_rank), shows="assessor_rank"),
        Column("Assessor location", width=5, value=attrgetter("part.assessor_location"), shows="assessor_location"),
        Column("Practical work", "grade", value=attrgetter("part.practical_mark"), shows="practical_mark"),
        Column(
            "Report (supervisor)",
            "grade",
            value=attrgetter("part.supervisor_report_mark"),
            shows="supervisor_report_mark",
        ),
        Column(
            "Report (assessor)", "grade", value=attrgetter("part.assessor_report_mark"), shows="assessor_report_mark"
        ),
        Column("Presentation", "grade", value=attrgetter("part.presentation_mark"), shows="presentation_mark"),
        Column("Final mark", "grade", value=lambda row: ev.mark.final if (ev := _internship_evaluation(row)) else None),
        Column(
            "Marks registered on", "date", value=attrgetter("part.marks_registered_on"), shows="marks_registered_on"
        ),
        Column(
            "Portfolio complete",
            width=4,
            value=lambda row: ev.portfolio_complete if (ev := _internship_evaluation(row)) else None,
        ),
    ]


def _item_urgency(row: Line) -> Urgency:
    return urgency(row.part.due_date, row.part.received_date, row.student.as_of, DUE_SOON_DAYS)


def portfolio_columns(widths: Widths) -> list[Column]:
    """One row per portfolio item (`Line.part`: the item row)."""

    def late(row: Line) -> int | None:
        due = row.part.due_date
        return (
            (row.student.as_of - due).days
            if due is not None and row.part.received_date is None and due < row.student.as_of
            else None
        )

    return [
        *_person(widths),
        Column("Component", width=16, value=lambda row: row.student.component(row.part.component), key=True),
        Column("Item", width=widths("portfolio_item.name", 20), value=attrgetter("part.name"), key=True),
        Column("Due", "date", value=attrgetter("part.due_date")),
        Column("Received", "date", value=attrgetter("part.received_date"), shows="received_date"),
        Column("Status", width=9, value=lambda row: _item_urgency(row).label),
        Column("Days overdue", "int", value=late),
        Column("Note", width=widths("portfolio_item.note", 10), wrap=True, value=attrgetter("part.note"), shows="note"),
    ]


def literature_columns(widths: Widths) -> list[Column]:
    """One row per student with a Literature Study (`Line.part`: its row)."""

    def final(row: Line) -> float | None:
        mark = row.student.evaluation.literature_mark
        return mark.final if mark else None

    return [
        *_person(widths),
        Column(
            "Subject",
            width=widths("literature_study.subject"),
            wrap=True,
            value=attrgetter("part.subject"),
            shows="subject",
        ),
        Column(
            "Supervisor",
            width=widths("literature_study.supervisor"),
            value=attrgetter("part.supervisor"),
            shows="supervisor",
        ),
        _email_column("Supervisor e-mail", "supervisor", widths),
        Column(
            "Assessor", width=widths("literature_study.assessor"), value=attrgetter("part.assessor"), shows="assessor"
        ),
        _email_column("Assessor e-mail", "assessor", widths),
        Column("Assessor rank", width=22, value=lambda row: _rank(row.part.assessor_rank), shows="assessor_rank"),
        Column("Approval", width=13, value=attrgetter("part.approval_status"), shows="approval_status"),
        Column("Approval date", "date", value=attrgetter("part.approval_date"), shows="approval_date"),
        Column("Start", "date", value=attrgetter("part.start_date"), shows="start_date"),
        Column("Survey outline", "grade", value=attrgetter("part.outline_mark"), shows="outline_mark"),
        Column(
            "Report (supervisor)",
            "grade",
            value=attrgetter("part.supervisor_report_mark"),
            shows="supervisor_report_mark",
        ),
        Column(
            "Report (assessor)", "grade", value=attrgetter("part.assessor_report_mark"), shows="assessor_report_mark"
        ),
        Column("Presentation", "grade", value=attrgetter("part.presentation_mark"), shows="presentation_mark"),
        Column("Final mark", "grade", value=final),
        Column(
            "Marks registered on", "date", value=attrgetter("part.marks_registered_on"), shows="marks_registered_on"
        ),
        Column("Complete", width=4, value=lambda row: row.student.evaluation.literature_complete),
    ]


def academic_core_columns(widths: Widths) -> list[Column]:
    """One row per mentor meeting (`Line.part`: (number, meeting row))."""

    def mentor(row: Line, value: Callable[[Record], CellValue]) -> CellValue:
        found = row.student.mentor
        return value(found) if found else None

    return [
        *_person(widths),
        Column("Mentor", width=widths("mentor.name"), value=lambda row: mentor(row, lambda m: m.name)),
        Column(
            "Organisation", width=widths("mentor.organisation"), value=lambda row: mentor(row, lambda m: m.organisation)
        ),
        Column(
            "Mentor e-mail", width=widths("mentor.email", 10), value=lambda row: mentor(row, lambda m: m.email or None)
        ),
        Column("Meeting", "int", value=lambda row: row.part[0]),
        Column("Meeting date", "date", value=lambda row: row.part[1].meeting_date),
        Column("Topic", width=widths("mentor_meeting.topic"), wrap=True, value=lambda row: row.part[1].topic),
        Column("Notes", width=widths("mentor_meeting.notes", 10), wrap=True, value=lambda row: row.part[1].notes),
    ]
