"""A student's progress report: the whole record as the Examination Board or the student reads it.

The programme, cohort and status; EC per component towards the degree; every course with its
attempts and the result that counts; both internships (host, people, approval, dates, portfolio,
marks and the final mark); the Literature Study; the Academic Core; IMIM's own facts for an
IMIM student; graduation with every blocker named; and whatever the rules warn about. Made from
`services.record_view.StudentRecord`, the same read the record tabs show, so the report says
what the window says. The coordinator's private notes stay out of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from coordinator_app.domain.graduation import month_name
from coordinator_app.domain.marks import MARK_NAMES, MarkResult
from coordinator_app.domain.ranks import RANKS
from coordinator_app.pdf.html import (
    Cell,
    bold,
    bullet_list,
    coloured,
    day,
    document,
    facts,
    heading,
    mark,
    paragraph,
    table,
    yes_no,
)
from coordinator_app.services.record_view import (
    CourseLine,
    GraduationView,
    InternshipView,
    Item,
    LiteratureView,
    StudentRecord,
)

TITLE = "Progress report"


def report_title(record: StudentRecord) -> str:
    return f"{TITLE}: {record.name} ({record.student['student_number']})"


def report_html(record: StudentRecord) -> str:
    """The report as one HTML document (pages.py lays it out and adds the footer)."""
    programme = record.programme
    parts = [_head(record), _ec(record), _courses(record)]
    if record.optional:
        parts.append(_optional(record))
    for view in record.internships.values():
        parts.append(_internship(view))
    if record.literature is not None:
        parts.append(_literature(record.literature))
    if programme.academic_core is not None:
        parts.append(_academic_core(record))
    if programme.imim is not None:
        parts.append(_imim(record))
    parts.append(_graduation(record.graduation))
    parts.append(_warnings(record))
    return document(report_title(record), "".join(parts))


# -- the student ---------------------------------------------------------------------------------


def _head(record: StudentRecord) -> str:
    s, programme = record.student, record.programme
    spec = programme.specialization(s["specialization"]) if s.get("specialization") else None
    return (
        heading(1, f"{TITLE}: {record.name}")
        + paragraph(f"{programme.name} · {programme.institution}", css_class="muted")
        + facts(
            [
                ("Student number", s["student_number"]),
                ("Programme", programme.code),
                ("Cohort", f"{record.cohort}-{record.cohort + 1}"),
                ("Status", s["status"]),
                ("Specialization", spec.name if spec else ("not chosen yet" if programme.specializations else None)),
                ("E-mail", s.get("email")),
                ("Tuition paid", yes_no(s.get("tuition_paid"))),
                ("Enrolled", yes_no(s.get("enrolled"))),
                ("Status as of", day(record.as_of)),
            ]
        )
    )


def _ec(record: StudentRecord) -> str:
    ev = record.evaluation
    rows: list[list[Cell]] = [
        [p.name, p.earned, p.required, coloured("complete", "good") if p.complete else "not yet"] for p in ev.progress
    ]
    rows.append([bold("Total"), bold(ev.ec_total), bold(record.programme.total_ec), ""])
    return heading(2, f"EC towards the {record.programme.total_ec} EC degree") + table(
        ["Component", "EC earned", "of", ""], rows, widths=[52, 14, 14, 20], numeric=[1, 2]
    )


# -- courses -------------------------------------------------------------------------------------


def _course_rows(line: CourseLine) -> Iterator[list[Cell]]:
    name = f"{line.name} ({line.code})"
    result: Cell = ""
    if line.result:
        result = bold(f"{line.result} passed") if line.passed else coloured(f"{line.result} not passed", "bad")
    if not line.attempts:
        yield [name, line.component_name, line.ec, "", "", "", "", coloured("no result yet", "muted")]
        return
    for n, attempt in enumerate(line.attempts):
        grade: Cell = attempt.grade or "registered"
        if attempt.passed is False:
            grade = coloured(attempt.grade, "bad")
        first = n == 0
        yield [
            name if first else "",
            line.component_name if first else "",
            line.ec if first else "",
            attempt.attempt,
            day(attempt.exam_date),
            grade,
            day(attempt.registered_on),
            result if first else "",
        ]


def _courses(record: StudentRecord) -> str:
    rows = [row for line in record.courses for row in _course_rows(line)]
    if not rows:
        return heading(2, "Courses") + paragraph("No courses yet.")
    return (
        heading(2, "Courses")
        + paragraph(
            f"Every attempt; the result that counts is the best one (pass mark {mark(record.programme.pass_mark)}).",
            css_class="muted",
        )
        + table(
            ["Course", "Component", "EC", "Attempt", "Exam date", "Grade", "Entered on", "Result"],
            rows,
            widths=[24, 15, 5, 8, 12, 7, 12, 17],
            numeric=[2, 3],
            whole=[4, 5, 6],
        )
    )


def _optional(record: StudentRecord) -> str:
    rows: list[list[Cell]] = [
        [
            f"{o.name} ({o.code})",
            o.ec,
            o.status,
            day(o.decided_on),
            "outside VU" if o.external else "",
            yes_no(o.credit_form_received) if o.external else "",
        ]
        for o in record.optional
    ]
    return heading(3, "Optional courses: Examination Board approval") + table(
        ["Course", "EC", "Approval", "Decided on", "", "Credit form"], rows, widths=[40, 6, 14, 14, 12, 14], numeric=[1]
    )


# -- internships and the Literature Study ------------------------------------------------------------


def _person(name: str | None, rank: str | None, where: str | None = None) -> str:
    details = ", ".join(x for x in (RANKS.get(rank or "", rank or ""), where or "") if x)
    return f"{name} ({details})" if name and details else (name or "")


def _approval(fields: dict[str, Any]) -> str:
    when = day(fields.get("approval_date"))
    return f"{fields.get('approval_status') or 'not requested'}{f' on {when}' if when else ''}"


def _portfolio(items: tuple[Item, ...]) -> str:
    if not items:
        return paragraph("No portfolio yet: it is planned from the start date.", css_class="muted")
    rows: list[list[Cell]] = []
    for item in items:
        status: Cell = "received" if item.received else item.urgency.label
        if item.urgency.value == "overdue":
            status = coloured(status, "bad")
        rows.append([item.name, day(item.due), day(item.received), status])
    return heading(3, "Portfolio") + table(
        ["Item", "Due", "Received", "Status"], rows, widths=[46, 18, 18, 18], whole=[1, 2]
    )


def _marks(fields: dict[str, Any], parts: list[tuple[str, str]], mark_result: MarkResult | None) -> str:
    """Each mark given, the report mean and the final mark (the domain's, one decimal half up)."""
    rows: list[list[Cell]] = [[label, mark(fields.get(key))] for key, label in parts]
    if mark_result is not None:
        rows.append(["written report (mean of both)", mark(mark_result.report)])
        if mark_result.final is not None:
            verdict = "passed" if mark_result.passed() else "not passed"
            final: Cell = (
                bold(f"{mark(mark_result.final)} {verdict}")
                if mark_result.passed()
                else coloured(f"{mark(mark_result.final)} {verdict}", "bad")
            )
        else:
            missing = ", ".join(MARK_NAMES.get(m, m.replace("_", " ")) for m in mark_result.missing)
            final = coloured(f"not yet: {missing} missing", "muted")
        rows.append([bold("Final mark"), final])
    rows.append(["marks registered on", day(fields.get("marks_registered_on"))])
    return heading(3, "Marks") + table(["Part", "Mark"], rows, widths=[40, 60])


def _internship(view: InternshipView) -> str:
    out = heading(2, view.name)
    if not view.planned:
        return out + paragraph("Not planned yet.")
    f, ev = view.fields, view.evaluation
    plan = ev.schedule if ev else None
    abroad = (f.get("country") or "Netherlands") != "Netherlands"
    out += facts(
        [
            ("Host", f.get("host")),
            ("Department", f.get("department")),
            ("Topic", f.get("topic")),
            ("At a UMC", yes_no(f.get("is_umc"))),
            ("Country", f.get("country")),
            ("Travel advice", f.get("travel_code") if abroad else None),
            ("International Office notified", yes_no(f.get("international_office_notified")) if abroad else None),
            ("Approval", _approval(f)),
            ("Verdict", ev.approval_label if ev else None),
            ("Start", day(f.get("start_date"))),
            ("Planned end", day(plan.planned_end) if plan else None),
            ("Halfway", day(plan.halfway) if plan else None),
            ("Part-time", f"{f.get('part_time_percent')}%" if f.get("part_time_percent") not in (None, 100) else None),
            ("Daily supervisor", _person(f.get("daily_supervisor"), f.get("daily_supervisor_rank"))),
            ("Second supervisor", _person(f.get("second_supervisor"), f.get("second_supervisor_rank"))),
            ("Assessor", _person(f.get("assessor"), f.get("assessor_rank"), f.get("assessor_location"))),
        ]
    )
    if view.interruptions:
        out += heading(3, "Interruptions") + table(
            ["From", "To", "Reason"],
            [[day(i.start), day(i.end), i.reason] for i in view.interruptions],
            widths=[18, 18, 64],
        )
    out += _portfolio(view.items)
    parts = [
        ("practical_mark", MARK_NAMES["practical"]),
        ("supervisor_report_mark", MARK_NAMES["supervisor_report"]),
        ("assessor_report_mark", MARK_NAMES["assessor_report"]),
        ("presentation_mark", MARK_NAMES["presentation"]),
    ]
    out += _marks(f, parts, ev.mark if ev else None)
    if ev and ev.warnings:
        out += bullet_list(ev.warnings, "bad")
    return out


def _literature(view: LiteratureView) -> str:
    out = heading(2, "Literature Study")
    if not view.planned:
        return out + paragraph("Not planned yet.")
    f = view.fields
    out += facts(
        [
            ("Subject", f.get("subject")),
            ("Supervisor", f.get("supervisor")),
            ("Assessor", _person(f.get("assessor"), f.get("assessor_rank"))),
            ("Approval", _approval(f)),
            ("Start", day(f.get("start_date"))),
            ("Planned end", day(view.planned_end)),
            ("Complete", yes_no(view.complete)),
        ]
    )
    out += _portfolio(view.items)
    parts = [
        ("outline_mark", MARK_NAMES["outline"]),
        ("supervisor_report_mark", MARK_NAMES["supervisor_report"]),
        ("assessor_report_mark", MARK_NAMES["assessor_report"]),
        ("presentation_mark", MARK_NAMES["presentation"]),
    ]
    return out + _marks(f, parts, view.mark)


# -- Academic Core, IMIM, graduation --------------------------------------------------------------


def _academic_core(record: StudentRecord) -> str:
    out = heading(2, "Academic Core")
    mentor = record.mentor
    core = record.evaluation.academic_core
    out += facts(
        [
            ("Mentor", mentor.get("name") or "not assigned yet"),
            ("Organisation", mentor.get("organisation")),
            ("Meetings held", f"{core.meetings_held} of at least {core.meetings_required}" if core else None),
            ("Status", core.label if core else None),
        ]
    )
    if record.meetings:
        out += heading(3, "Mentor meetings") + table(
            ["Date", "Topic"], [[day(m.when), m.topic] for m in record.meetings], widths=[18, 82]
        )
    return out + _portfolio(record.core_items)


def _imim(record: StudentRecord) -> str:
    s, rules = record.student, record.programme.imim
    assert rules is not None
    test = rules.english_tests.get(s.get("english_test") or "")
    scores = ", ".join(
        f"{label} {value:g}"
        for label, value in (("overall", s.get("english_overall")), ("lowest section", s.get("english_lowest_section")))
        if value is not None
    )
    return heading(2, "IMIM") + facts(
        [
            ("Year 1 at", s.get("year1_university") or "not recorded"),
            ("Year 2 at", s.get("year2_university") or "not recorded"),
            ("English test", f"{test.name}{f' ({scores})' if scores else ''}" if test else "not recorded"),
            ("Participation fee paid", yes_no(s.get("participation_fee_paid"))),
        ]
    )


def _graduation(g: GraduationView) -> str:
    out = heading(2, "Graduation")
    deadline = f"{day(g.deadline)} ({g.schedule.source.value})" if g.deadline and g.schedule else None
    attends = None if g.attends is None else ("attends" if g.attends else "does not attend")
    out += facts(
        [
            ("Graduation month", month_name(*g.planned) if g.planned else "not planned yet"),
            ("Graduation date", day(g.graduation_date)),
            ("Deadline for final products", deadline),
            ("Ceremony", month_name(*g.ceremony) if g.ceremony else None),
            ("Ceremony attendance", attends),
            ("Graduated on", day(g.graduated_on)),
        ]
    )
    blockers = g.readiness.blockers
    if not blockers:
        return out + paragraph(bold("Ready to graduate: every requirement is met."))
    return (
        out
        + paragraph(bold(f"Not ready to graduate: {g.readiness.label}"))
        + bullet_list((b[:1].upper() + b[1:] for b in blockers), "bad")
    )


def _warnings(record: StudentRecord) -> str:
    warnings = record.evaluation.warnings
    if not warnings:
        return ""
    return heading(2, "Points to note") + bullet_list(warnings)
