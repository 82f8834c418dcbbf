"""Export a cohort (or any selection of students) to one Excel workbook.

`export_workbook` is a generator that yields `Progress`, so the GUI can run it in a worker
thread with a cancellable progress dialog. It writes to a hidden temporary file next to
the target and moves it into place only at the very end: a cancelled (generator closed)
or failed export leaves the target untouched and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any


from coordinator_app import __version__
from coordinator_app.durable import replace_durably
from coordinator_app.domain.attention import urgency
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import best_attempt
from coordinator_app.domain.graduation import Readiness
from coordinator_app.domain.internships import RANKS
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import Evaluation
from coordinator_app.services.attention import attention_items, graduation_months
from coordinator_app.services.cohort_data import (
    Chunk, evaluated_chunks, grade_from, longest_text_values, nobody_in, select_students,
)
from coordinator_app.services.lookup import find_programme
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.cells import Column, SheetWriter, discard
from coordinator_app.spreadsheets.export_plan import SHEETS, default_file_name, sheets_for

__all__ = ["SHEETS", "ExportError", "Progress", "default_file_name", "export_to", "export_workbook", "sheets_for"]

LONG_TEXT = 60            # the widest a column of long text gets; its text wraps within it
DUE_SOON_DAYS = 14
STUDENT_COLUMNS = 3       # number, surname, first name: frozen on every per-student sheet


@dataclass
class Progress:
    done: int
    total: int
    message: str


class ExportError(DomainError):
    """The workbook could not be written (folder missing, no permission, disk full)."""


def export_to(ws: Workspace, target: Path, **kw: Any) -> Path:
    """Run the export to the end (CLI, tests); returns the path written."""
    for _ in export_workbook(ws, target, **kw):
        pass
    return Path(target)


def _cohort_label(year: int) -> str:
    return f"{year}-{year + 1}"


def _students(n: int) -> str:
    return f"{n:,} student{'' if n == 1 else 's'}"


class _NoSheet:
    """A sheet the selected programmes do not have: rows for it have nowhere to go."""

    def append(self, values: Any) -> None:
        pass

    def finish(self) -> None:
        pass

    def highlight_status(self, header: str) -> None:
        pass


def _month(year: int | None, month: int | None) -> date | None:
    return date(year, month, 1) if year and month else None


def _rank(code: str | None) -> str | None:
    return RANKS.get(code, code) if code else None


def _english_test_width(programmes: list[Programme]) -> int:
    """Fits the test names ('TOEFL iBT'); the longest certificate names may run over."""
    names = [t.name for p in programmes if p.imim for t in p.imim.english_tests.values()]
    return min(max((len(n) for n in names), default=9), 30)


class _Widths:
    """Widths that fit the longest value in the database (column widths precede the rows
    in a streamed sheet, so they are measured up front with one aggregate query per table)."""

    def __init__(self, session: Any) -> None:
        self.sizes = longest_text_values(session)

    def __call__(self, key: str, minimum: int = 6) -> int:
        return min(max(self.sizes.get(key, 0), minimum), 50)


def _item_status(due: date | None, received: date | None, as_of: date) -> str:
    return urgency(due, received, as_of, DUE_SOON_DAYS).value


def _internship_stage(row: Any, ev: Any, as_of: date) -> str:
    if row is None:
        return "not planned"
    if row.start_date is None or as_of < row.start_date:
        return f"planned, approval {row.approval_status}"
    if ev is not None and ev.schedule is not None and as_of <= ev.schedule.planned_end:
        return "running"
    if ev is not None and ev.complete and ev.approval_valid:
        return "complete"
    return "ended, not complete"


class _Book:
    """The sheets (seven at most) and how one student becomes rows on them."""

    def __init__(self, wb: Any, programmes: list[Programme], widths: _Widths, as_of: date) -> None:
        self.programmes = programmes
        self.as_of = as_of
        wanted = sheets_for(programmes)

        def sheet(title: str, columns: list[Column], frozen: int = STUDENT_COLUMNS) -> Any:
            return SheetWriter(wb, title, columns, frozen) if title in wanted else _NoSheet()
        pm_like = any(p.internships or p.literature_study or p.academic_core for p in programmes)
        imim = any(p.imim for p in programmes)
        spec = any(p.specializations for p in programmes)
        w = widths
        person = [Column("Student number", width=w("student.student_number", 10)),
                  Column("Surname", width=w("student.last_name")), Column("First name", width=w("student.first_name"))]
        self.has_spec, self.has_imim, self.has_pm = spec, imim, pm_like
        # -- Overview: one row per student -------------------------------------------------
        cols = [*person, Column("E-mail", width=w("student.email")), Column("Programme", width=9),
                Column("Cohort", width=9), Column("Status", width=9)]
        if spec:
            cols.append(Column("Specialization", width=w("student.specialization", 14)))
        if imim:
            cols += [Column("Year 1 university", width=10), Column("Year 2 university", width=10),
                     Column("English test", width=_english_test_width(programmes)), Column("English overall", "number"),
                     Column("English lowest section", "number"), Column("Participation fee paid", width=4)]
        self.course_cols: list[tuple[str, str]] = []          # (programme, course code)
        for p in programmes:
            for course in p.courses:
                self.course_cols.append((p.code, course.code))
                cols.append(Column(course.name if len(programmes) == 1 else f"{p.code}: {course.name}", "grade", 6))
        self.component_cols: list[tuple[str, str]] = []
        for p in programmes:
            for comp in p.components:
                self.component_cols.append((p.code, comp.key))
                cols.append(Column(f"EC {comp.name}" if len(programmes) == 1 else f"EC {p.code}: {comp.name}", "int", 5))
        total = max((p.total_ec for p in programmes), default=120)
        cols.append(Column(f"EC total (of {total})", "int", 5))
        if pm_like:
            cols += [Column("Minor internship", width=27), Column("Major internship", width=27),
                     Column("Literature Study", width=14), Column("Academic Core", width=36, wrap=True),
                     Column("Mentor meetings held", "int", 4)]
        cols += [Column("Portfolio items open", "int", 4), Column("Portfolio items overdue", "int", 4),
                 Column("Graduation month", "month"), Column("Ceremony", "month"),
                 Column("Ready to graduate", width=5), Column("Graduation blockers", width=LONG_TEXT, wrap=True)]
        self.overview = SheetWriter(wb, "Overview", cols, STUDENT_COLUMNS)
        # -- Courses: one row per attempt --------------------------------------------------
        self.courses = sheet("Courses", [
            *person, Column("Programme", width=9), Column("Course code", width=12), Column("Course", width=40),
            Column("Component", width=22), Column("EC", "int"), Column("Attempt", "int"), Column("Exam date", "date"),
            Column("Grade", "grade"), Column("Passed", width=6), Column("Entered on", "date"),
        ])
        mark = [Column("Practical work", "grade"), Column("Report (supervisor)", "grade"),
                Column("Report (assessor)", "grade"), Column("Presentation", "grade")]
        self.internships = sheet("Internships", [
            *person, Column("Internship", width=16), Column("Host", width=w("internship.host")),
            Column("Department", width=w("internship.department")),
            Column("Topic", width=w("internship.topic"), wrap=True),
            Column("UMC", width=4), Column("Country", width=w("internship.country")), Column("Travel advice", width=7),
            Column("International Office notified", width=4), Column("Approval", width=13),
            Column("Approval date", "date"), Column("Start", "date"), Column("Part-time %", "int"),
            Column("Planned end", "date"), Column("Halfway", "date"),
            Column("Daily supervisor", width=w("internship.daily_supervisor")),
            Column("Second supervisor", width=w("internship.second_supervisor")),
            Column("Assessor", width=w("internship.assessor")), Column("Assessor rank", width=22),
            Column("Assessor location", width=5), *mark, Column("Final mark", "grade"),
            Column("Marks registered on", "date"), Column("Portfolio complete", width=4),
        ])
        self.portfolio = sheet("Portfolio", [
            *person, Column("Component", width=16), Column("Item", width=w("portfolio_item.name", 20)),
            Column("Due", "date"), Column("Received", "date"), Column("Status", width=9),
            Column("Days overdue", "int"), Column("Note", width=w("portfolio_item.note", 10), wrap=True),
        ])
        self.literature = sheet("Literature Study", [
            *person, Column("Subject", width=w("literature_study.subject"), wrap=True),
            Column("Supervisor", width=w("literature_study.supervisor")),
            Column("Assessor", width=w("literature_study.assessor")), Column("Assessor rank", width=22),
            Column("Approval", width=13), Column("Approval date", "date"), Column("Start", "date"),
            Column("Survey outline", "grade"), Column("Report (supervisor)", "grade"),
            Column("Report (assessor)", "grade"), Column("Presentation", "grade"), Column("Final mark", "grade"),
            Column("Marks registered on", "date"), Column("Complete", width=4),
        ])
        self.academic_core = sheet("Academic Core", [
            *person, Column("Mentor", width=w("mentor.name")), Column("Organisation", width=w("mentor.organisation")),
            Column("Meeting", "int"), Column("Meeting date", "date"),
            Column("Topic", width=w("mentor_meeting.topic"), wrap=True),
            Column("Notes", width=w("mentor_meeting.notes", 10), wrap=True),
        ])
        # Days in words a coordinator reads without a sign: late items count up, others down.
        self.attention = sheet("Attention", [
            Column("Due", "date"), Column("Status", width=9), Column("Days late", "int"), Column("Days left", "int"),
            Column("Student number", width=w("student.student_number", 10)), Column("Name", width=30),
            Column("Programme", width=9), Column("Cohort", width=9), Column("Component", width=18),
            Column("Item", width=50, wrap=True),
        ], 1)
        self.by_code = {p.code: p for p in programmes}
        # The English tests by the names the window shows (from the programme definition), not their keys.
        self.english_test_names = {p.code: {t.kind: t.name for t in p.imim.english_tests.values()}
                                   for p in programmes if p.imim}
        self.core_labels: dict[str, str] = {}
        self.component_names: dict[tuple[str, str], str] = {}
        # Readiness of the students whose graduation deadline may be near (12,508 of the 100,000
        # demo students): the Attention sheet takes it instead of evaluating them again.
        self.graduation_months = graduation_months(as_of, DUE_SOON_DAYS)
        self.readiness: dict[int, Readiness] = {}

    # -- one student -------------------------------------------------------------------------
    def add_student(self, s: Any, chunk: Chunk, ev: Evaluation) -> None:
        as_of = self.as_of
        programme = self.by_code[s.programme]
        person = (s.student_number, s.last_name, s.first_name)
        sid = s.id
        # Courses sheet and best grades
        by_course: dict[str, list[Any]] = {}
        for r in chunk.results.get(sid, ()):
            by_course.setdefault(r.code, []).append(r)
            grade = "NS" if r.no_show else r.grade
            passed = None if (r.grade is None and not r.no_show) else (r.grade is not None and r.grade >= programme.pass_mark)
            self.courses.append((*person, s.programme, r.code, r.name, self._component_name(programme, r.component),
                                 r.ec, r.attempt, r.exam_date, grade, passed, r.registered_on))
        row: list[Any] = [*person, s.email, s.programme, _cohort_label(s.cohort), s.status]
        if self.has_spec:
            spec = programme.specialization(s.specialization) if s.specialization else None
            row.append(spec.name if spec else s.specialization)
        if self.has_imim:
            if programme.imim:
                test = s.english_test
                row += [s.year1_university, s.year2_university, self.english_test_names[s.programme].get(test, test),
                        s.english_overall,
                        s.english_lowest_section, s.participation_fee_paid]
            else:
                row += [None] * 6
        for code, course in self.course_cols:
            if code != s.programme or course not in by_course:
                row.append(None)
                continue
            best = best_attempt([g for g in (grade_from(a.no_show, a.grade) for a in by_course[course]) if g is not None])
            row.append(None if best is None else ("NS" if best.no_show else best.value))
        earned = {p.key: p.earned for p in ev.progress}
        for code, key in self.component_cols:
            row.append(earned.get(key) if code == s.programme else None)
        row.append(ev.ec_total)
        items = chunk.items.get(sid, ())
        internships = {r.kind: r for r in chunk.internships.get(sid, ())}
        if self.has_pm:
            if programme.internships:
                row.append(_internship_stage(internships.get("minor"), ev.internships.get("minor"), as_of))
                row.append(_internship_stage(internships.get("major"), ev.internships.get("major"), as_of))
            else:
                row += [None, None]
            lit = chunk.literature.get(sid)
            if programme.literature_study:
                row.append("not planned" if lit is None else "complete" if ev.literature_complete else
                           "planned" if lit.start_date is None or as_of < lit.start_date else "started")
            else:
                row.append(None)
            row.append(self._core_status(ev.academic_core.label) if ev.academic_core else None)
            row.append(ev.academic_core.meetings_held if ev.academic_core else None)
        open_items = [i for i in items if i.received_date is None]
        row += [len(open_items), sum(1 for i in open_items if i.due_date is not None and i.due_date < as_of)]
        plan = chunk.plans.get(sid)
        planned = plan.planned_year * 100 + plan.planned_month if plan else 0
        # Kept for the Attention sheet: months whose deadline is near, and an active student's passed month.
        if plan and (self.graduation_months[0] <= planned <= self.graduation_months[1]
                     or (s.status == "active" and planned <= self.as_of.year * 100 + self.as_of.month)):
            self.readiness[sid] = ev.readiness
        row += [_month(plan.planned_year, plan.planned_month) if plan else None,
                _month(plan.ceremony_year, plan.ceremony_month) if plan else None,
                ev.readiness.ready, "; ".join(ev.readiness.blockers)]
        self.overview.append(row)
        # Internships
        for kind in ("minor", "major"):
            i = internships.get(kind)
            if i is None:
                continue
            iev = ev.internships.get(kind)
            plan_ = iev.schedule if iev else None
            self.internships.append((
                *person, iev.name if iev else kind, i.host, i.department, i.topic, i.is_umc, i.country, i.travel_code,
                i.international_office_notified, i.approval_status, i.approval_date, i.start_date, i.part_time_percent,
                plan_.planned_end if plan_ else None, plan_.halfway if plan_ else None, i.daily_supervisor,
                i.second_supervisor, i.assessor, _rank(i.assessor_rank), i.assessor_location, i.practical_mark,
                i.supervisor_report_mark, i.assessor_report_mark, i.presentation_mark,
                iev.mark.final if iev else None, i.marks_registered_on, iev.portfolio_complete if iev else None,
            ))
        # Portfolio
        for it in items:
            status = _item_status(it.due_date, it.received_date, as_of)
            late = (as_of - it.due_date).days if status == "overdue" and it.due_date else None
            self.portfolio.append((*person, self._component_name(programme, it.component), it.name, it.due_date,
                                   it.received_date, status, late, it.note))
        # Literature Study
        L = chunk.literature.get(sid)
        if L is not None:
            self.literature.append((
                *person, L.subject, L.supervisor, L.assessor, _rank(L.assessor_rank), L.approval_status,
                L.approval_date, L.start_date, L.outline_mark, L.supervisor_report_mark, L.assessor_report_mark,
                L.presentation_mark, ev.literature_mark.final if ev.literature_mark else None, L.marks_registered_on,
                ev.literature_complete,
            ))
        # Academic Core: one row per meeting
        mentor = chunk.mentor.get(sid)
        for n, meeting in enumerate(chunk.meetings.get(sid, ()), 1):
            self.academic_core.append((*person, mentor.name if mentor else None, mentor.organisation if mentor else None,
                                       n, meeting.meeting_date, meeting.topic, meeting.notes))

    def _core_status(self, label: str) -> str:
        """The Academic Core status in lower case like the other status words ('complete', 'running'),
        worked out once per distinct label."""
        status = self.core_labels.get(label)
        if status is None:
            status = self.core_labels[label] = label[:1].lower() + label[1:]
        return status

    def _component_name(self, programme: Programme, key: str) -> str:
        """Looked up once per programme and key (it is asked for every course result and item)."""
        name = self.component_names.get((programme.code, key))
        if name is None:
            try:
                name = programme.component(key).name
            except KeyError:
                name = key.replace("_", " ").capitalize()
            self.component_names[(programme.code, key)] = name
        return name

    def finish(self) -> None:
        for part in (self.overview, self.courses, self.internships, self.portfolio, self.literature,
                     self.academic_core, self.attention):
            part.finish()
        self.portfolio.highlight_status("Status")
        self.attention.highlight_status("Status")
        self.overview.highlight_positive("Portfolio items overdue")


def _properties(wb: Any, programmes: list[Programme], cohort: int | None, as_of: date, students: int) -> None:
    from openpyxl.packaging.custom import IntProperty, StringProperty

    names = ", ".join(p.name for p in programmes)
    cohort_text = f"cohort {_cohort_label(cohort)}" if cohort else "all cohorts"
    props = wb.properties
    props.title = f"{names}: {cohort_text}"
    props.subject = names
    props.keywords = f"{', '.join(p.code for p in programmes)}; {cohort_text}"
    props.description = f"Student progress as of {as_of:%d-%m-%Y}, {students} students. Made by Coordinator App {__version__}."
    props.creator = "Coordinator App"
    props.created = props.modified = datetime.now().replace(microsecond=0)
    wb.custom_doc_props.append(StringProperty(name="Programme", value=", ".join(p.code for p in programmes)))
    wb.custom_doc_props.append(StringProperty(name="Cohort", value=_cohort_label(cohort) if cohort else "all"))
    wb.custom_doc_props.append(StringProperty(name="As of", value=as_of.isoformat()))
    wb.custom_doc_props.append(IntProperty(name="Students", value=students))


def export_workbook(ws: Workspace, target: Path, *, programme: str | None = None, cohort: int | None = None,
                    student_ids: list[int] | None = None, as_of: date | None = None) -> Iterator[Progress]:
    """Write the cohort workbook to `target`, yielding progress; close the generator to cancel."""
    from openpyxl import Workbook

    target = Path(target)
    as_of = as_of or ws.as_of()
    code = find_programme(ws.programmes, programme).code if programme else None
    if not target.parent.is_dir():
        raise ExportError(f"The folder {target.parent} does not exist.", "target")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".xlsx.part", dir=target.parent)
    except OSError as exc:
        raise ExportError(f"Cannot write in {target.parent}: {exc.strerror}.", "target") from exc
    os.close(fd)
    temporary = Path(name)
    wb = None
    finished = False
    try:
        with ws.read() as s:
            ids, present = select_students(s, code, cohort, student_ids)
            if not ids:
                what = "There are no students in this selection" if student_ids is not None else nobody_in(code, cohort)
                raise ExportError(f"{what}; nothing to export.")
            programmes = [p for c, p in sorted(ws.programmes.items()) if c in present]
            total = len(ids) + 2
            yield Progress(0, total, "Reading the students")
            wb = Workbook(write_only=True)
            book = _Book(wb, programmes, _Widths(s), as_of)
            done = 0
            for chunk, evaluations in evaluated_chunks(s, ids, ws.programmes, as_of):
                for student, ev in zip(chunk.students, evaluations):
                    book.add_student(student, chunk, ev)
                done += len(chunk.students)
                del chunk, evaluations      # one group of students in memory at a time
                yield Progress(done, total, f"{done} of {len(ids)} students written")
        # The attention list covers the same programme and cohort (active students only), so
        # only an explicit selection of students needs filtering.
        wanted = None if student_ids is None else set(ids)
        for item in attention_items(ws, as_of, DUE_SOON_DAYS, code, cohort, readiness=book.readiness):
            if wanted is None or item.student_id in wanted:
                days = item.days_from(as_of)
                book.attention.append((item.due, item.urgency.value, -days if days < 0 else None,
                                       days if days >= 0 else None, item.student_number, item.student_name,
                                       item.programme, _cohort_label(item.cohort), item.component, item.what))
        book.finish()
        _properties(wb, programmes, cohort, as_of, len(ids))
        yield Progress(total - 1, total, "Saving the workbook")
        try:
            wb.save(temporary)
            replace_durably(temporary, target)     # fsync, then rename: never an empty file after a power cut
        except OSError as exc:
            raise ExportError(f"Could not write {target}: {exc.strerror or exc}. Nothing was saved there.", "target") from exc
        finished = True
        yield Progress(total, total, f"Saved {_students(len(ids))} to {target}")
    finally:
        if not finished:
            discard(wb)
            temporary.unlink(missing_ok=True)
