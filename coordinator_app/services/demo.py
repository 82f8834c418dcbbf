"""`demo`: a realistic synthetic database, deterministic for a seed and a date.

Several cohorts of both programmes, every component at the stage it would be on `as_of`,
some items overdue, some students graduated or stopped. Written with Core bulk inserts
(performance.md s.4): 10,000 students take seconds, not minutes.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from coordinator_app.domain.grades import Grade, exam_date, resit_date
from coordinator_app.domain.graduation import ceremony_month, graduation_date
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.progress import OptionalCourse
from coordinator_app.domain.student import (
    ACADEMIC_CORE_ITEMS,
    InternshipSnapshot,
    ItemSnapshot,
    StudentSnapshot,
    academic_core_due_dates,
    evaluate,
)
from coordinator_app.services.demo_internships import DemoInternships
from coordinator_app.services.demo_names import (
    FIRST_NAMES,
    LAST_NAMES,
    email_part,
)
from coordinator_app.services.demo_registers import DemoRegisters, DemoTables
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.databases import ids_taken


class _DemoBuilder(DemoInternships):
    def __init__(self, ws: Workspace, seed: int, as_of: date) -> None:
        self.ws = ws
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.t = DemoTables()
        with ws.read() as s:
            self.programme_ids = {p.code: p.id for p in s.scalars(select(m.Programme))}
            self.course_ids = {(c.programme_id, c.code): c.id for c in s.scalars(select(m.Course))}
        self.cohort_ids: dict[tuple[str, int], int] = {}
        self.registers: DemoRegisters | None = None
        self.stats = {"graduated": 0, "stopped": 0}
        self.placed: dict[tuple[str, int, str], int] = {}

    # -- helpers ---------------------------------------------------------------------------
    def cohort(self, code: str, year: int) -> int:
        key = (code, year)
        if key not in self.cohort_ids:
            self.cohort_ids[key] = self.t.add("cohort", programme_id=self.programme_ids[code], start_year=year)
        return self.cohort_ids[key]

    def specialization(self, programme: Programme, cohort_year: int) -> str | None:
        """Keep the 20-place limit: a student beyond it has no specialization yet."""
        open_places = [
            sp
            for sp in programme.specializations
            if self.placed.get((programme.code, cohort_year, sp.key), 0) < sp.capacity
        ]
        if not open_places:
            return None
        choice = self.rng.choice(open_places)
        key = (programme.code, cohort_year, choice.key)
        self.placed[key] = self.placed.get(key, 0) + 1
        return choice.key

    def entered(self, exam: date) -> date:
        """The day an exam's grade was entered: ten days after it, but never after 'today' (a demo made
        a few days after an exam day showed grades entered next week)."""
        return min(exam + timedelta(days=10), self.as_of)

    def last_entered(self, sid: int) -> date | None:
        """The day the student's last grade was entered (their results are the last ones added): the
        readiness rule wants every mark registered 4 weeks before the graduation date."""
        days = []
        for row in reversed(self.t.rows.get("course_result", [])):
            if row["student_id"] != sid:
                break
            if row["registered_on"] is not None:
                days.append(row["registered_on"])
        return max(days, default=None)

    def grade(self, pass_mark: float, fail_rate: float = 0.12) -> Grade:
        r = self.rng.random()
        if r < 0.03:
            return Grade(None, no_show=True)
        if r < fail_rate:
            return Grade(round(self.rng.uniform(3.0, pass_mark - 0.1), 1))
        return Grade(round(min(10.0, max(pass_mark, self.rng.gauss(7.2, 0.9))), 1))

    # -- one student ---------------------------------------------------------------------------
    def student(self, index: int, programme: Programme, cohort_year: int) -> None:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if programme.is_imim:
            number = f"s{3100000 + index}"
            email = f"{email_part(first)}.{email_part(last)}@student.rug.nl"
        else:
            number = f"{2600000 + index}"
            email = f"{email_part(first)}.{email_part(last)}@student.vu.nl"
        stopped = rng.random() < 0.03
        # The newest PM cohort chooses its specialization in January: before then its students have
        # ranked them, and the places wait for Allocate (Edit > Allocate specializations).
        undecided = bool(programme.specializations) and self.as_of < date(cohort_year + 1, 1, 1)
        spec = None if undecided else self.specialization(programme, cohort_year)
        pid = self.programme_ids[programme.code]
        sid = self.t.add(
            "student",
            programme_id=pid,
            cohort_id=self.cohort(programme.code, cohort_year),
            student_number=number,
            first_name=first,
            last_name=last,
            email=email,
            status="stopped" if stopped else "active",
            specialization=spec,
            tuition_paid=rng.random() < 0.95,
            enrolled=not stopped,
            ec_earned=0,
            year1_university=None,
            year2_university=None,
            english_test=None,
            english_overall=None,
            english_lowest_section=None,
            participation_fee_paid=False,
            notes="",
        )
        row = self.t.rows["student"][-1]
        results = self.courses(sid, pid, programme, cohort_year, spec)
        optional: tuple[OptionalCourse, ...] = ()
        internships: dict[str, InternshipSnapshot] = {}
        literature = None
        meetings: tuple[date, ...] = ()
        core_items: tuple[ItemSnapshot, ...] = ()
        graduation = None
        if programme.is_imim:
            self.imim_facts(row, programme)
        else:
            optional = self.optional_courses(sid, pid, cohort_year, programme.pass_mark)
            compulsory_passed = sum(
                1
                for code in programme.compulsory_course_codes
                if any(g.passed(programme.pass_mark) for g in results.get(code, []))
            )
            internships = self.internships(sid, programme, cohort_year, compulsory_passed)
            literature = self.literature(sid, programme, cohort_year)
            meetings = self.mentor(sid, cohort_year, first)
            if self.registers is not None and programme.specializations:
                self.registers.preferences(sid, programme, spec)
        graduation = self.graduation_plan(sid, programme, cohort_year)
        if not programme.is_imim:
            core_items = self.academic_core(sid, programme, cohort_year, graduation)
        snap = StudentSnapshot(
            cohort_year=cohort_year,
            status=row["status"],
            specialization=spec,
            tuition_paid=row["tuition_paid"],
            results=results,
            last_grade_registered=self.last_entered(sid),
            optional_courses=optional,
            internships=internships,
            literature=literature,
            mentor_meetings=meetings,
            academic_core_items=core_items,
            graduation=graduation,
            year1_university=row["year1_university"],
            year2_university=row["year2_university"],
            english_test=row["english_test"],
            english_overall=row["english_overall"],
            english_lowest_section=row["english_lowest_section"],
            participation_fee_paid=row["participation_fee_paid"],
        )
        ev = evaluate(programme, snap, self.as_of)
        if stopped and ev.ec_total >= programme.total_ec:
            # With every EC earned they finished rather than stopped: the attendance certificate, for
            # stopping without finishing, listed all 120 EC. (Decided here, so that the random draws, and
            # with them everyone else's data, stay as they were.)
            stopped = False
            row.update(status="active", enrolled=True)
            ev = evaluate(programme, replace(snap, status="active"), self.as_of)
        row["ec_earned"] = ev.ec_total
        if stopped:
            self.stats["stopped"] += 1
        elif graduation and ev.readiness.ready and graduation_date(*graduation) <= self.as_of:
            # Graduated only by the rules the window shows: 120 EC, and no blocker such as a mark registered
            # after the month's deadline or tuition unpaid (the others wait for a later month, below).
            row["status"] = "graduated"
            self.stats["graduated"] += 1
            # As services/students.update_student records it: the planned month's graduation date.
            plan = self.t.rows["graduation_plan"][-1]
            assert plan["student_id"] == sid
            plan["graduated_on"] = graduation_date(*graduation)
        elif graduation and graduation_date(*graduation) < self.as_of and sid % 20:
            # A coordinator plans a new month once the planned one passed unready; one student in
            # twenty still waits for it (the attention list's "graduation month passed" item).
            self.replan(sid, programme, cohort_year)

    def courses(
        self, sid: int, pid: int, programme: Programme, cohort_year: int, spec: str | None
    ) -> dict[str, list[Grade]]:
        results: dict[str, list[Grade]] = {}
        for course in programme.courses:
            if course.component == "optional" or course.month is None:
                continue
            if course.specialization and course.specialization != spec:
                continue
            first_exam = exam_date(cohort_year, course.month, course.year)
            if first_exam > self.as_of:
                continue
            grades = []
            attempt, when = 1, first_exam
            while when <= self.as_of:
                grade = self.grade(programme.pass_mark, 0.12 if attempt == 1 else 0.05)
                self.t.add(
                    "course_result",
                    student_id=sid,
                    course_id=self.course_ids[(pid, course.code)],
                    attempt=attempt,
                    exam_date=when,
                    grade=grade.value,
                    no_show=grade.no_show,
                    registered_on=self.entered(when),
                )
                grades.append(grade)
                if grade.passed(programme.pass_mark) or attempt >= 3:
                    break
                attempt, when = attempt + 1, resit_date(when, course.resit_month)
                if when > self.as_of:  # registered for the resit automatically, no result yet
                    self.t.add(
                        "course_result",
                        student_id=sid,
                        course_id=self.course_ids[(pid, course.code)],
                        attempt=attempt,
                        exam_date=when,
                        grade=None,
                        no_show=False,
                        registered_on=None,
                    )
            results[course.code] = grades
        return results

    def optional_courses(self, sid: int, pid: int, cohort_year: int, pass_mark: float) -> tuple[OptionalCourse, ...]:
        out = []
        for n, code in enumerate(("PM-OPT-PROT", "PM-OPT-CARD")):
            decided = date(cohort_year, 10, 15) + timedelta(days=30 * n)
            if decided > self.as_of:
                break
            status = "approved" if self.rng.random() < 0.95 else "requested"
            self.t.add(
                "optional_course_approval",
                student_id=sid,
                course_id=self.course_ids[(pid, code)],
                status=status,
                decided_on=decided if status == "approved" else None,
                external=False,
                credit_form_received=False,
            )
            when = date(cohort_year + 1, 5 + n, 28)
            grades: tuple[Grade, ...] = ()
            if when <= self.as_of and status == "approved":
                grade = self.grade(pass_mark, 0.05)
                self.t.add(
                    "course_result",
                    student_id=sid,
                    course_id=self.course_ids[(pid, code)],
                    attempt=1,
                    exam_date=when,
                    grade=grade.value,
                    no_show=grade.no_show,
                    registered_on=self.entered(when),
                )
                grades = (grade,)
            out.append(OptionalCourse(code, 6, status == "approved", False, False, grades))
        return tuple(out)

    def academic_core(
        self, sid: int, programme: Programme, cohort_year: int, graduation: tuple[int, int] | None
    ) -> tuple[ItemSnapshot, ...]:
        dues = academic_core_due_dates(programme, cohort_year, graduation)
        out = []
        for kind, name in ACADEMIC_CORE_ITEMS:
            got = self.received(dues[kind], 0.93)
            self.t.add(
                "portfolio_item",
                student_id=sid,
                component="academic_core",
                kind=kind,
                name=name,
                due_date=dues[kind],
                received_date=got,
                note="",
            )
            out.append(ItemSnapshot(kind, name, dues[kind], got))
        return tuple(out)

    def graduation_plan(self, sid: int, programme: Programme, cohort_year: int) -> tuple[int, int] | None:
        if date(cohort_year + 2, 3, 1) > self.as_of:
            return None
        month = self.rng.choice((6, 7, 8, 8, 9, 10, 11, 12))
        year = cohort_year + 2
        cy, cm = ceremony_month(year, month, programme.graduation)
        self.t.add(
            "graduation_plan",
            student_id=sid,
            planned_year=year,
            planned_month=month,
            ceremony_year=cy,
            ceremony_month=cm,
            attends_ceremony=self.rng.random() < 0.9,
            graduated_on=None,
        )
        return (year, month)

    def replan(self, sid: int, programme: Programme, cohort_year: int) -> None:
        """Move the student's plan (the last one added) 3 to 8 months past today, and the Academic
        Core items that follow it, as services/graduation.plan_graduation would."""
        ahead = self.as_of.month - 1 + 3 + sid % 6
        year, month = self.as_of.year + ahead // 12, ahead % 12 + 1
        plan = self.t.rows["graduation_plan"][-1]
        assert plan["student_id"] == sid
        cy, cm = ceremony_month(year, month, programme.graduation)
        plan.update(planned_year=year, planned_month=month, ceremony_year=cy, ceremony_month=cm)
        if programme.academic_core is None:
            return
        dues = academic_core_due_dates(programme, cohort_year, (year, month))
        for item in self.t.rows["portfolio_item"][-len(ACADEMIC_CORE_ITEMS) :]:
            if (
                item["student_id"] == sid
                and item["component"] == "academic_core"
                and item["kind"] != "first_year_assignments"
            ):
                item["due_date"] = dues[item["kind"]]

    def imim_facts(self, row: dict[str, Any], programme: Programme) -> None:
        rules = programme.imim
        assert rules is not None
        rng = self.rng
        y1 = rng.choice(rules.year1_universities)
        y2 = rng.choice([u for u in rules.year2_universities if u != y1] or list(rules.year2_universities))
        if rng.random() < 0.02:
            y2 = y1 if y1 in rules.year2_universities else y2
        test = rng.choice(list(rules.english_tests.values()))
        row.update(
            year1_university=y1, year2_university=y2, english_test=test.kind, participation_fee_paid=rng.random() < 0.95
        )
        if test.overall is not None and test.section is not None:
            row["english_overall"] = round(test.overall * rng.uniform(1.0, 1.15), 1 if test.overall < 10 else 0)
            row["english_lowest_section"] = round(
                test.section * rng.uniform(0.97 if rng.random() < 0.03 else 1.0, 1.1), 1 if test.section < 10 else 0
            )

    # -- all ---------------------------------------------------------------------------
    def build(self, students: int) -> None:
        y0 = self.as_of.year if self.as_of.month >= 9 else self.as_of.year - 1
        pm = self.ws.programmes.get("PM")
        imim = self.ws.programmes.get("IMIM")
        pm_cohorts = [y0 - 3, y0 - 2, y0 - 2, y0 - 1, y0 - 1, y0]
        imim_cohorts = [y0 - 2, y0 - 1, y0]
        self.registers = DemoRegisters(self.t, self.rng, students)
        for i in range(students):
            if imim is not None and (pm is None or self.rng.random() < 0.3):
                self.student(i, imim, self.rng.choice(imim_cohorts))
            elif pm is not None:
                self.student(i, pm, self.rng.choice(pm_cohorts))

    def write(self) -> None:
        order = (
            "host_organisation",
            "person",
            "cohort",
            "student",
            "specialization_preference",
            "course_result",
            "optional_course_approval",
            "internship",
            "interruption",
            "literature_study",
            "portfolio_item",
            "mentor",
            "mentor_meeting",
            "graduation_plan",
        )
        tables = m.Base.metadata.tables
        with self.ws.write() as s:
            for name in order:
                rows = self.t.rows.get(name)
                if rows:
                    s.execute(insert(tables[name]), rows)
            ids_taken(s.connection(), [name for name in order if self.t.rows.get(name)])
            s.add(
                m.AuditEntry(
                    at=datetime.now(),
                    os_user=self.ws.user,
                    action="demo database",
                    student_id=None,
                    entity="database",
                    entity_id=None,
                    field="students",
                    old_value=None,
                    new_value=str(len(self.t.rows.get("student", []))),
                )
            )


def build_demo(path: Path, students: int = 200, seed: int = 1, as_of: date | None = None) -> str:
    """Create a new demo database at `path`; returns a one-line summary."""
    ws = Workspace.open(path)
    try:
        builder = _DemoBuilder(ws, seed, as_of or date.today())
        builder.build(students)
        builder.write()
    finally:
        ws.close()
    n = len(builder.t.rows.get("student", []))
    cohorts = len(builder.cohort_ids)
    return (
        f"{n} students in {cohorts} cohorts, {builder.stats['graduated']} graduated, "
        f"{builder.stats['stopped']} stopped, {len(builder.t.rows.get('portfolio_item', []))} portfolio items"
    )
