"""Write an import plan: every accepted row in ONE transaction, with an audit entry per change.

Reads are a handful of bulk queries and writes are executemany (services/bulk_write.py). The
rules are the per-student services' own (domain/student.py, domain/grades.py): new students get
NEW_STUDENT_DEFAULTS and their Academic Core items, a fail registers the resit, and the EC of a
student is brought up to date only when a result changes whether a course is passed
(performance.md s.4: a 10,000-row list is a handful of statements).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String, func, insert, literal, null, select, true, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import (
    Grade,
    ResitRegistration,
    best_attempt_passes,
    first_exam_date,
    resit_registration,
)
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.progress import StudentProgressFacts, component_progress, pass_ec_change, total_ec
from coordinator_app.domain.student import NEW_STUDENT_DEFAULTS, academic_core_items
from coordinator_app.services.bulk_write import insert_rows, insert_tuples, update_by_value, update_rows
from coordinator_app.services.cohort_data import optional_course, refresh_ec_bulk
from coordinator_app.services.ec_totals import grades_of
from coordinator_app.services.imports.cells import one_of
from coordinator_app.services.imports.people import EMAIL_FIELDS
from coordinator_app.services.imports.plan import IMPORT_KINDS, ImportPlan, ImportRefused, ImportResult, fingerprint
from coordinator_app.services.imports.result_attempts import ResultStudent, StoredAttempt
from coordinator_app.services.imports.results import ResultsRead
from coordinator_app.services.register_links import set_person_email
from coordinator_app.services.verdicts import forget
from coordinator_app.services.workspace import Workspace, audit_text
from coordinator_app.store import models as m
from coordinator_app.store.quick_statements import QuickStatement


def _refuse_rejected(plan: ImportPlan, skip_rejected: bool, changed: bool = False) -> None:
    if plan.rejected and not skip_rejected:
        shown = "; ".join(str(r) for r in plan.rejected[:5])
        more = f" (and {len(plan.rejected) - 5} more)" if len(plan.rejected) > 5 else ""
        why = "the database changed since the preview and now " if changed else ""
        rows = len(plan.rejected_rows)
        counted = f"1 row of {plan.source} has" if rows == 1 else f"{rows} rows of {plan.source} have"
        raise ImportRefused(f"Nothing was imported: {why}{counted} problems: {shown}{more}.", skippable=True)


def apply_plan(ws: Workspace, plan: ImportPlan, skip_rejected: bool = False) -> ImportResult:
    """Write every accepted row in one transaction (all or nothing), with audit entries."""
    _refuse_rejected(plan, skip_rejected)
    if plan.kind not in IMPORT_KINDS:
        raise DomainError(f"Unknown import kind '{plan.kind}'.", "kind")
    rechecked = False
    try:
        with ws.write() as s:
            if plan.recheck is not None and fingerprint(s) != plan.fingerprint:
                # Someone changed the database after the preview: check the rows again, now,
                # inside the write transaction (nobody can change it any more until we commit).
                plan, rechecked = plan.recheck(s), True
                _refuse_rejected(plan, skip_rejected, changed=True)
            audit = _Audit(ws, f"import {plan.kind}", plan.source)
            if plan.kind == "students":
                _write_students(ws, s, plan, audit)
            else:
                _write_results(ws, s, plan, audit)
            audit.flush(s)
    except IntegrityError as exc:
        # The preview checks every clash it knows of, again inside this transaction when the database
        # changed meanwhile: what reaches here is one it missed, so say what happened, not a guess why.
        raise ImportRefused(
            "Nothing was imported: the database refused a row the preview had accepted, as a student or "
            "result that is already there. Preview the file again: it shows the database as it is now."
        ) from exc
    return ImportResult(
        plan.kind, len(plan.new), len(plan.updated), len(plan.unchanged), len(plan.rejected_rows), rechecked
    )


class _Audit:
    """Audit entries collected for one bulk insert (the same fields Workspace.audit writes)."""

    FIELDS = ("student_id", "entity", "entity_id", "field", "old_value", "new_value")

    def __init__(self, ws: Workspace, action: str, source: str) -> None:
        self.constants = {"at": datetime.now(UTC).replace(tzinfo=None), "os_user": ws.user, "action": action}
        self.source = source
        # (student id, entity, entity id, field, old, new): one audit entry each
        self.rows: list[tuple[int | None, str, int | None, str, str | None, str | None]] = []

    def add(
        self, entity: str, entity_id: int | None, student_id: int | None, field_name: str, old: object, new: object
    ) -> None:
        self.rows.append((student_id, entity, entity_id, field_name, audit_text(old), audit_text(new)))

    def flush(self, session: Session) -> None:
        # One summary entry names the file, so the trail says where the changes came from.
        self.add("import", None, None, "file", None, self.source)
        insert_tuples(session, m.table(m.AuditEntry), self.FIELDS, self.rows, self.constants)


def _write_students(ws: Workspace, s: Session, plan: ImportPlan, audit: _Audit) -> None:
    programme_ids = {code: pid for pid, code in s.execute(select(m.Programme.id, m.Programme.code))}
    cohorts = {
        (pid, year): cid
        for cid, pid, year in s.execute(select(m.Cohort.id, m.Cohort.programme_id, m.Cohort.start_year))
    }
    # Removed students keep their ids (and rows): the next id is past theirs too.
    first_id = next_id = (s.scalar(select(func.max(m.Student.id)).execution_options(include_removed=True)) or 0) + 1
    students = []
    groups: set[tuple[str, int, int]] = set()  # (programme, cohort year, cohort id) of the new students
    for planned in plan.new:
        v = planned.values
        pid = programme_ids[v["programme"]]
        cid = cohorts.get((pid, v["cohort"]))
        if cid is None:
            row = m.Cohort(programme_id=pid, start_year=v["cohort"])
            s.add(row)
            s.flush()
            cid = cohorts[(pid, v["cohort"])] = row.id
        groups.add((v["programme"], v["cohort"], cid))
        planned.student_id = next_id
        students.append(
            {
                "id": next_id,
                "programme_id": pid,
                "cohort_id": cid,
                "student_number": v["student_number"],
                "first_name": v["first_name"],
                "last_name": v["last_name"],
                "email": v["email"],
                "specialization": v["specialization"],
            }
        )
        audit.add("student", next_id, next_id, "student_number", None, v["student_number"])
        next_id += 1
    insert_rows(s, m.table(m.Student), students, NEW_STUDENT_DEFAULTS)  # as add_student gives them
    for code, year, cid in sorted(groups):
        _add_academic_core_items(s, ws.programmes[code], year, cid, first_id, next_id - 1)
    if plan.updated:
        by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for planned in plan.updated:
            own = {n: c for n, c in planned.changes.items() if n not in EMAIL_FIELDS}
            if own:
                by_fields[tuple(sorted(own))].append(
                    {"id": planned.student_id, **{n: new for n, (_, new) in own.items()}}
                )
            for name, (old, new) in own.items():
                audit.add("student", planned.student_id, planned.student_id, name, old, new)
            for name, person in planned.values.get("people", {}).items():
                if name in planned.changes:  # the person's address, everywhere they are chosen
                    set_person_email(ws, s, person, planned.changes[name][1], name)
        for params in by_fields.values():
            update_rows(s, m.table(m.Student), "id", params)
        # Their graduation verdicts are worked out again when next asked (services/verdicts.py).
        forget(s, sorted({p.student_id for p in plan.updated if p.student_id is not None}))
        respec = [p.student_id for p in plan.updated if "specialization" in p.changes and p.student_id is not None]
        if respec:
            refresh_ec_bulk(s, respec, ws.programmes, ws.as_of())


def _add_academic_core_items(
    s: Session, programme: Programme, year: int, cohort_id: int, first: int, last: int
) -> None:
    """The Academic Core items every new student of `programme` owes (as services/students.
    create_portfolio_defaults adds them), for the new students first..last of one cohort:
    one INSERT ... SELECT instead of three parameter rows per student."""
    owed_items = academic_core_items(programme, year)
    if not owed_items:
        return
    items = union_all(
        *[
            select(
                literal(n, Integer).label("position"),
                literal(kind, String).label("kind"),
                literal(name, String).label("name"),
                literal(due, Date).label("due_date"),
            )
            for n, (kind, name, due) in enumerate(owed_items)
        ]
    ).subquery("items")
    S, P = m.table(m.Student), m.table(m.PortfolioItem)
    owed = (
        select(
            S.c.id,
            literal("academic_core", String),
            items.c.kind,
            items.c.name,
            items.c.due_date,
            null(),
            literal("", String),
        )
        .select_from(S.join(items, true()))
        .where(S.c.id.between(first, last), S.c.cohort_id == cohort_id)
        .order_by(S.c.id, items.c.position)
    )
    s.execute(
        insert(P).from_select(["student_id", "component", "kind", "name", "due_date", "received_date", "note"], owed)
    )


_LAST_RESULT = QuickStatement(select(func.max(m.table(m.CourseResult).c.id).label("last")))  # made once
_RESULT_FIELDS = ("id", "student_id", "course_id", "attempt", "exam_date", "grade", "no_show", "registered_on")


def _write_results(ws: Workspace, s: Session, plan: ImportPlan, audit: _Audit) -> None:
    read: ResultsRead = plan.context
    today = ws.as_of()
    t = m.table(m.CourseResult)
    # The results as they will be: (student, course) -> attempt -> (grade, no show); for the EC.
    after: dict[tuple[int, int], dict[int, tuple[float | None, bool]]] = {}
    stored = read.attempts

    def attempts_of(key: tuple[int, int]) -> dict[int, tuple[float | None, bool]]:
        rows = stored.get(key)
        found = after[key] = {a.attempt: (a.grade, a.no_show) for a in rows} if rows else {}
        return found

    with_date, without_date = [], []
    for planned in plan.updated:
        v = planned.values
        key = (v["student_id"], v["course_id"])
        if key not in after:
            attempts_of(key)
        row = {"id": planned.result_id, "grade": v["grade"], "no_show": v["no_show"], "registered_on": today}
        if v["exam_date"] is not None:
            with_date.append({**row, "exam_date": v["exam_date"]})
        else:
            without_date.append(row)
        after[(v["student_id"], v["course_id"])][v["attempt"]] = (v["grade"], v["no_show"])
    update_rows(s, t, "id", with_date)
    update_rows(s, t, "id", without_date)
    next_id = (_LAST_RESULT.rows(s, {})[0].last or 0) + 1
    inserts: list[tuple[object, ...]] = []  # rows of _RESULT_FIELDS
    scheduled: dict[tuple[str, str, int], date | None] = {}  # (programme, course, cohort) -> first exam date
    for planned in plan.new:
        v = planned.values
        when, attempt = v["exam_date"], v["attempt"]
        if when is None and attempt == 1:  # as record_grade dates a first attempt
            which = (v["programme"], v["course_code"], v["cohort"])
            if which not in scheduled:
                scheduled[which] = first_exam_date(ws.programmes[which[0]], which[1], which[2])
            when = v["exam_date"] = scheduled[which]
        planned.result_id = next_id
        key = (sid, cid) = (v["student_id"], v["course_id"])
        outcome = (v["grade"], v["no_show"])
        inserts.append((next_id, sid, cid, attempt, when, *outcome, today))
        found = after.get(key)
        (attempts_of(key) if found is None else found)[attempt] = outcome
        next_id += 1
    # The rule of record_grade (domain/grades.py resit_registration): a fail or No Show registers
    # the student for the resit, unless a later attempt already exists. The rule depends only on
    # the programme, course, grade, attempt, date and whether a later attempt exists: each
    # distinct case is worked out once, and each distinct grade written out once for the audit.
    # (grade, no show, programme) -> the Grade, its text, and whether it passes in that programme
    grades: dict[tuple[float | None, bool, str], tuple[Grade, str, bool]] = {}
    resits: dict[tuple[Any, ...], ResitRegistration | None] = {}
    audit_rows = audit.rows.append
    for planned in [*plan.new, *plan.updated]:
        v = planned.values
        sid = v["student_id"]
        key = (sid, v["course_id"])
        mark = (v["grade"], v["no_show"], v["programme"])
        known = grades.get(mark)
        if known is None:
            grade = Grade(None, no_show=True) if v["no_show"] else Grade(v["grade"])
            known = grades[mark] = (grade, str(grade), grade.passed(ws.programmes[v["programme"]].pass_mark))
        grade, text, passes = known
        attempt = v["attempt"]
        if passes:  # no resit (resit_registration's first test, without making its case)
            resit = None
        else:
            when = v["exam_date"] if v["exam_date"] is not None else v.get("current_exam_date")
            last = max(after[key])
            case = (v["programme"], v["course_code"], mark, attempt, when, last > attempt)
            if case in resits:
                resit = resits[case]
            else:
                resit = resits[case] = resit_registration(
                    ws.programmes[v["programme"]], v["course_code"], grade, attempt, when, last
                )
        if resit is not None:
            inserts.append((next_id, sid, key[1], resit.attempt, resit.exam_date, None, False, None))
            after[key][resit.attempt] = (None, False)
            next_id += 1
        changed = planned.changes.get("grade") if planned.changes else None
        old = changed[0] if changed else None
        # As audit.add writes it (the texts are the audit's already: a grade as shown).
        audit_rows((sid, "course_result", planned.result_id, f"{v['course_code']} attempt {attempt}", old, text))
    insert_tuples(s, t, _RESULT_FIELDS, inserts)
    # Few distinct totals among many students: one UPDATE per total (bulk_write.update_by_value).
    update_by_value(s, m.table(m.Student), "id", "ec_earned", _ec_changes(ws, s, read, after))
    forget(s, list({sid for sid, _course in after}))  # their verdicts: worked out again when next asked


Attempts = tuple[tuple[float | None, bool], ...]  # one course's attempts in order: (grade, no show)


def _ec_changes(
    ws: Workspace, s: Session, read: ResultsRead, after: dict[tuple[int, int], dict[int, tuple[float | None, bool]]]
) -> list[dict[str, int]]:
    """The new EC total of each student whose EC the import changes ({"id", "ec_earned"}).

    A course counts for the EC when its best attempt is a pass (domain/progress.py), so a
    student none of whose imported courses turns from not passed to passed (or back) keeps
    the EC they have. For the others the EC rules (component_progress) run on their results
    before and after the import, and the difference goes onto the stored total: what does
    not depend on course results (internships, literature study, Academic Core) is the same
    on both sides. Students with the same results share one evaluation."""
    passes: dict[tuple[float, Attempts], bool] = {}

    def passed(pass_mark: float, attempts: Attempts) -> bool:
        key = (pass_mark, attempts)
        known = passes.get(key)
        if known is None:
            known = passes[key] = best_attempt_passes(attempts, pass_mark)  # the one rule for a course's pass
        return known

    def as_before(rows: Iterable[StoredAttempt]) -> Attempts:
        return tuple((a.grade, a.no_show) for a in rows)

    # Each student's imported courses as they will be: (course, attempts in order).
    imported: dict[int, list[tuple[int, Attempts]]] = defaultdict(list)
    # Per student whose EC moves: the sum of the flipped courses' own EC where no cap can bite
    # (domain/progress.pass_ec_change, as a single grade's services/ec_totals.py); None: judge them.
    shifts: dict[int, int | None] = {}
    ec_of: dict[tuple[str, int, str | None], int | None] = {}  # (programme, course, specialization) -> its shift
    pass_marks = {code: p.pass_mark for code, p in ws.programmes.items()}
    students, stored = read.students, read.attempts
    mark_of = {sid: pass_marks[student.code] for sid, student in students.items()}
    for key, attempts in after.items():
        # In attempt order: the stored ones came in order, an added attempt may not have.
        now = (*attempts.values(),) if len(attempts) == 1 else tuple(map(attempts.__getitem__, sorted(attempts)))
        sid, cid = key
        imported[sid].append((cid, now))
        if shifts.get(sid, 0) is None:
            continue
        pass_mark = mark_of[sid]
        rows = stored.get(key)
        before = as_before(rows) if rows else ()
        was = passes.get((pass_mark, before))
        if was is None:
            was = passed(pass_mark, before)
        will = passes.get((pass_mark, now))
        if will is None:
            will = passed(pass_mark, now)
        if was != will:
            student = students[sid]
            course_ec = (student.code, cid, student.specialization)
            if course_ec in ec_of:
                change = ec_of[course_ec]
            else:  # the same for every student of the programme and specialization: worked out once
                change = ec_of[course_ec] = pass_ec_change(
                    ws.programmes[student.code], read.courses[cid].code, student.specialization
                )
            shift = shifts.get(sid, 0)
            shifts[sid] = None if change is None or shift is None else shift + (change if will else -change)
    changes: list[dict[str, int]] = [
        {"id": sid, "ec_earned": students[sid].ec_earned + shift} for sid, shift in sorted(shifts.items()) if shift
    ]
    flipped = {sid for sid, shift in shifts.items() if shift is None}
    if not flipped:
        return changes
    # Their results before the import, by course (the stored ones came ordered by student and course).
    before_of: dict[int, list[tuple[int, Attempts]]] = defaultdict(list)
    for (sid, cid), rows in stored.items():
        if sid in flipped:
            before_of[sid].append((cid, as_before(rows)))
    A, C = m.table(m.OptionalCourseApproval).c, m.table(m.Course).c
    approvals: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for a in (
        s.connection()
        .execute(
            select(A.student_id, A.course_id, C.code, C.ec, A.status, A.external, A.credit_form_received)
            .join(m.table(m.Course), A.course_id == C.id)
            .where(one_of(A.student_id, flipped))
            .order_by(A.student_id, C.code)
        )
        .all()
    ):
        approvals[a[0]].append(tuple(a[1:]))

    def facts(student: ResultStudent, results: dict[int, Attempts]) -> StudentProgressFacts:
        # As services/cohort_data.snapshot_of gathers them; no internship, literature or core part complete.
        by_code = {read.courses[cid].code: grades_of(attempts) for cid, attempts in results.items()}
        optional = tuple(
            optional_course(code, ec, status, external, form, grades_of(results.get(cid, ())))
            for cid, code, ec, status, external, form in approvals.get(student.id, ())
        )
        return StudentProgressFacts(
            {c: g for c, g in sorted(by_code.items()) if g}, student.specialization, optional, {}
        )

    deltas: dict[tuple[Any, ...], int] = {}
    nothing: tuple[Any, ...] = ()
    for sid in sorted(flipped):
        student = students[sid]
        had = before_of.get(sid)
        same = (
            student.code,
            student.specialization,
            tuple(had) if had else nothing,
            tuple(imported[sid]),
            tuple(approvals[sid]) if sid in approvals else nothing,
        )
        delta = deltas.get(same)
        if delta is None:
            programme = ws.programmes[student.code]
            results_before = dict(had or ())
            results_after = {**results_before, **dict(imported[sid])}
            delta = deltas[same] = total_ec(component_progress(programme, facts(student, results_after))) - total_ec(
                component_progress(programme, facts(student, results_before))
            )
        if delta:
            changes.append({"id": sid, "ec_earned": student.ec_earned + delta})
    return sorted(changes, key=lambda change: change["id"])
