"""Import student lists and exam results: check every row against the rules, then write all
accepted rows in ONE transaction with an audit entry per change.

The spreadsheet side (coordinator_app/spreadsheets/importer.py) reads the file and maps
its columns; this module receives plain rows ({field: raw value}) and knows nothing of
files. Rows are matched on student number, so importing the same file twice changes
nothing the second time. Bulk reads and Core bulk writes (performance.md s.4): a 10,000-row
list is a handful of queries, not 10,000 transactions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.grades import Grade, exam_date as scheduled_exam_date, needs_resit, parse_grade, resit_date
from coordinator_app.domain.people import parse_date
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import ACADEMIC_CORE_ITEMS, academic_core_due_dates
from coordinator_app.services.cohort_data import refresh_ec_bulk
from coordinator_app.services.lookup import find_programme, parse_cohort
from coordinator_app.services.students import _validators
from coordinator_app.services.workspace import Workspace, _text
from coordinator_app.store import models as m

KINDS = ("students", "results")
STUDENT_FIELDS = ("student_number", "first_name", "last_name", "email", "programme", "cohort", "specialization")
RESULT_FIELDS = ("student_number", "course", "grade", "exam_date", "attempt")
_IN_CHUNK = 900        # parameters per IN list, well below SQLite's limit


@dataclass(frozen=True)
class Rejection:
    row: int            # row number as the coordinator sees it in the file (header row = 1)
    column: str         # the file's own column header (or the field name when the column is absent)
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason.rstrip('.')}"


@dataclass
class PlannedRow:
    """One accepted row: what it will do."""

    row: int
    student_number: str
    status: str                                   # "new" | "updated" | "unchanged"
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)   # field -> (old, new)
    student_id: int | None = None
    result_id: int | None = None                  # results: the attempt that is updated


@dataclass
class ImportPlan:
    kind: str
    source: str
    new: list[PlannedRow] = field(default_factory=list)
    updated: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def add(self, planned: PlannedRow) -> None:
        {"new": self.new, "updated": self.updated, "unchanged": self.unchanged}[planned.status].append(planned)

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.updated) + len(self.unchanged) + len(self.rejected_rows)

    @property
    def rejected_rows(self) -> set[int]:
        return {r.row for r in self.rejected}

    def summary(self) -> str:
        what = "students" if self.kind == "students" else "results"
        return (f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.rejected_rows)} rejected {what}")


@dataclass(frozen=True)
class ImportResult:
    kind: str
    added: int
    updated: int
    unchanged: int
    skipped: int          # rejected rows left out (only with skip_rejected=True)

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
                + (f", {self.skipped} rejected rows skipped" if self.skipped else ""))


class ImportRefused(DomainError):
    """Apply was asked for while rows are rejected, or the database changed since the preview."""


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start:start + _IN_CHUNK]


def _as_text(value: Any) -> str:
    """A cell as the text a coordinator would have typed (Excel numbers lose their '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _as_date(value: Any, field_name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(_as_text(value), field_name)


def _duplicates(keys: list[tuple[int, Any]]) -> dict[int, list[int]]:
    """Row -> the other rows with the same key (None keys never clash)."""
    rows_of: dict[Any, list[int]] = defaultdict(list)
    for row, key in keys:
        if key is not None:
            rows_of[key].append(row)
    out: dict[int, list[int]] = {}
    for rows in rows_of.values():
        if len(rows) > 1:
            for row in rows:
                out[row] = [r for r in rows if r != row]
    return out


def _specialization_key(programme: Programme, text: str) -> str | None:
    wanted = text.strip().casefold()
    if not wanted:
        return None
    for spec in programme.specializations:
        if wanted in (spec.key.casefold(), spec.name.casefold()):
            return spec.key
    names = ", ".join(s.name for s in programme.specializations) or "none in this programme"
    raise DomainError(f"'{text}' is not a specialization of {programme.code} ({names}).", "specialization")


# -- students ---------------------------------------------------------------------------------

def plan_students(ws: Workspace, rows: list[tuple[int, dict[str, Any]]], headers: dict[str, str], source: str,
                  programme: str | None = None, cohort: int | None = None) -> ImportPlan:
    """Check a student list row by row; nothing is written."""
    plan = ImportPlan("students", source)
    default_programme = find_programme(ws.programmes, programme) if programme else None
    column = lambda f: headers.get(f, f.replace("_", " "))  # noqa: E731 - the file's name for a field

    numbers: list[tuple[int, str | None]] = []
    checked: list[tuple[int, dict[str, Any]]] = []
    programme_cache: dict[str, Programme] = {}
    for row, raw in rows:
        problems: list[Rejection] = []
        values: dict[str, Any] = {}

        def check(name: str, fn: Any, *args: Any) -> Any:
            try:
                return fn(*args)
            except DomainError as exc:
                problems.append(Rejection(row, column(name), exc.message))
                return None

        validators = _validators(default_programme or next(iter(ws.programmes.values())))
        number = check("student_number", validators["student_number"], _as_text(raw.get("student_number")))
        numbers.append((row, number))
        values["student_number"] = number
        prog_text = _as_text(raw.get("programme"))
        prog = default_programme
        if prog_text:
            prog = programme_cache.get(prog_text)
            if prog is None:
                prog = check("programme", find_programme, ws.programmes, prog_text)
                if prog is not None:
                    programme_cache[prog_text] = prog
        values["programme"] = prog
        first, last = _as_text(raw.get("first_name")), _as_text(raw.get("last_name"))
        infix = _as_text(raw.get("infix"))
        if infix:
            last = f"{infix} {last}"
        values["first_name"] = check("first_name", validators["first_name"], first)
        values["last_name"] = check("last_name", validators["last_name"], last)
        email = _as_text(raw.get("email"))
        values["email"] = check("email", validators["email"], email) if email else None
        cohort_text = _as_text(raw.get("cohort"))
        values["cohort"] = check("cohort", parse_cohort, cohort_text) if cohort_text else cohort
        spec_text = _as_text(raw.get("specialization"))
        values["specialization"] = None
        if spec_text and prog is not None:
            values["specialization"] = check("specialization", _specialization_key, prog, spec_text)
        values["_spec_text"] = spec_text if prog is None else ""   # checked once the student's programme is known
        plan.rejected.extend(problems)
        if not problems:
            checked.append((row, values))

    duplicates = _duplicates(numbers)
    for row, others in duplicates.items():
        plan.rejected.append(Rejection(row, column("student_number"),
                                       f"student number appears more than once in the file (also row "
                                       f"{', '.join(map(str, others))}); keep one row per student."))
    checked = [(row, v) for row, v in checked if row not in duplicates]

    with ws.read() as s:
        existing: dict[str, list[Any]] = defaultdict(list)
        wanted = sorted({v["student_number"] for _, v in checked})
        for part in _chunks(wanted):
            for r in s.execute(select(m.Student.id, m.Student.student_number, m.Student.first_name, m.Student.last_name,
                                      m.Student.email, m.Student.specialization, m.Student.cohort_id,
                                      m.Programme.code, m.Cohort.start_year)
                               .join(m.Programme, m.Student.programme_id == m.Programme.id)
                               .join(m.Cohort, m.Student.cohort_id == m.Cohort.id)
                               .where(m.Student.student_number.in_(part))):
                existing[r.student_number].append(r)
        # Places taken per (programme, cohort, specialization), for the 20-place rule.
        taken: Counter[tuple[str, int, str]] = Counter()
        for code, year, spec, n in s.execute(
                select(m.Programme.code, m.Cohort.start_year, m.Student.specialization, func.count())
                .join(m.Programme, m.Student.programme_id == m.Programme.id)
                .join(m.Cohort, m.Student.cohort_id == m.Cohort.id)
                .where(m.Student.specialization.is_not(None), m.Student.status != "stopped")
                .group_by(m.Programme.code, m.Cohort.start_year, m.Student.specialization)):
            taken[(code, year, spec)] = n

    for row, v in checked:
        number = v["student_number"]
        prog: Programme | None = v["programme"]
        matches = [r for r in existing.get(number, []) if prog is None or r.code == prog.code]
        if len(matches) > 1:
            plan.rejected.append(Rejection(row, column("programme"),
                                           f"student number {number} is in more than one programme; add a Programme column."))
            continue
        if not matches:
            if prog is None:
                plan.rejected.append(Rejection(row, column("programme"), "a new student needs a programme (PM or IMIM)."))
                continue
            if v["cohort"] is None:
                plan.rejected.append(Rejection(row, column("cohort"), "a new student needs a cohort (its start year, like 2025)."))
                continue
            spec = v["specialization"]
            if spec is not None and not _place_free(plan, taken, prog, v["cohort"], spec, row, column("specialization")):
                continue
            values = {k: v[k] for k in ("student_number", "first_name", "last_name", "email", "cohort", "specialization")}
            values["programme"] = prog.code
            values["email"] = values["email"] or ""
            plan.add(PlannedRow(row, number, "new", values))
            continue
        current = matches[0]
        prog = ws.programmes[current.code]
        if v["cohort"] is not None and v["cohort"] != current.start_year:
            plan.rejected.append(Rejection(row, column("cohort"),
                                           f"student {number} is in the {current.start_year}-{current.start_year + 1} "
                                           f"cohort, the file says {v['cohort']}; change a cohort in the student's record."))
            continue
        if v["_spec_text"]:
            # No programme in the file: the specialization is checked against the student's own.
            try:
                v["specialization"] = _specialization_key(prog, v["_spec_text"])
            except DomainError as exc:
                plan.rejected.append(Rejection(row, column("specialization"), exc.message))
                continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name in ("first_name", "last_name", "email", "specialization"):
            new = v[name]
            if new is None:      # an empty cell leaves the record as it is
                continue
            old = getattr(current, name)
            if old != new:
                changes[name] = (old, new)
        if "specialization" in changes:
            if not _place_free(plan, taken, prog, current.start_year, changes["specialization"][1], row,
                               column("specialization")):
                continue
        status = "updated" if changes else "unchanged"
        plan.add(PlannedRow(row, number, status, {}, changes, current.id))
    plan.rejected.sort(key=lambda r: (r.row, r.column))
    return plan


def _place_free(plan: ImportPlan, taken: Counter[tuple[str, int, str]], prog: Programme, year: int, spec: str,
                row: int, column: str) -> bool:
    """At most `capacity` (20) students per specialization per cohort, counting the file's rows too."""
    definition = prog.specialization(spec)
    assert definition is not None
    key = (prog.code, year, spec)
    if taken[key] >= definition.capacity:
        plan.rejected.append(Rejection(row, column, f"{definition.name} is full in the {year}-{year + 1} cohort: "
                                                    f"{taken[key]} of {definition.capacity} places are taken."))
        return False
    taken[key] += 1
    return True


# -- results ----------------------------------------------------------------------------------

def plan_results(ws: Workspace, rows: list[tuple[int, dict[str, Any]]], headers: dict[str, str], source: str,
                 programme: str | None = None, course: str | None = None) -> ImportPlan:
    """Check exam results row by row (student number, course, grade, exam date, attempt); nothing is written."""
    plan = ImportPlan("results", source)
    column = lambda f: headers.get(f, f.replace("_", " "))  # noqa: E731
    code = find_programme(ws.programmes, programme).code if programme else None
    parsed: list[tuple[int, dict[str, Any]]] = []
    grade_cache: dict[str, Grade] = {}
    for row, raw in rows:
        problems: list[Rejection] = []
        values: dict[str, Any] = {}
        number = _as_text(raw.get("student_number"))
        if not number:
            problems.append(Rejection(row, column("student_number"), "the student number is empty."))
        values["student_number"] = number
        values["course"] = _as_text(raw.get("course")) or (course or "")
        if not values["course"]:
            problems.append(Rejection(row, column("course"), "no course given."))
        grade_text = _as_text(raw.get("grade"))
        try:
            grade = grade_cache.get(grade_text) or parse_grade(grade_text)
            grade_cache[grade_text] = grade
            values["grade"] = grade
        except DomainError as exc:
            problems.append(Rejection(row, column("grade"), exc.message))
        try:
            values["exam_date"] = _as_date(raw.get("exam_date"), "exam_date")
        except DomainError as exc:
            problems.append(Rejection(row, column("exam_date"), exc.message))
        attempt_text = _as_text(raw.get("attempt"))
        values["attempt"] = None
        if attempt_text:
            if not attempt_text.isdigit() or int(attempt_text) < 1:
                problems.append(Rejection(row, column("attempt"), f"'{attempt_text}' is not an attempt number (1, 2, 3, ...)."))
            else:
                values["attempt"] = int(attempt_text)
        plan.rejected.extend(problems)
        if not problems:
            parsed.append((row, values))

    with ws.read() as s:
        students: dict[str, list[Any]] = defaultdict(list)
        numbers = sorted({v["student_number"] for _, v in parsed})
        for part in _chunks(numbers):
            query = (select(m.Student.id, m.Student.student_number, m.Student.specialization, m.Student.programme_id,
                            m.Programme.code, m.Cohort.start_year)
                     .join(m.Programme, m.Student.programme_id == m.Programme.id)
                     .join(m.Cohort, m.Student.cohort_id == m.Cohort.id).where(m.Student.student_number.in_(part)))
            if code:
                query = query.where(m.Programme.code == code)
            for r in s.execute(query):
                students[r.student_number].append(r)
        courses: dict[tuple[int, str], Any] = {}
        for c in s.execute(select(m.Course.id, m.Course.programme_id, m.Course.code, m.Course.name,
                                  m.Course.specialization)):
            courses[(c.programme_id, c.code.casefold())] = c
            courses.setdefault((c.programme_id, c.name.casefold()), c)
        matched: list[tuple[int, dict[str, Any], Any, Any]] = []
        for row, v in parsed:
            found = students.get(v["student_number"], [])
            if not found:
                plan.rejected.append(Rejection(row, column("student_number"),
                                               f"no student with number {v['student_number']}"
                                               + (f" in {code}." if code else "; import the student list first.")))
                continue
            if len(found) > 1:
                plan.rejected.append(Rejection(row, column("student_number"),
                                               f"student number {v['student_number']} is in more than one programme; "
                                               "choose the programme."))
                continue
            student = found[0]
            c = courses.get((student.programme_id, v["course"].casefold()))
            if c is None:
                plan.rejected.append(Rejection(row, column("course"), f"there is no course '{v['course']}' in {student.code}."))
                continue
            if c.specialization and c.specialization != student.specialization:
                plan.rejected.append(Rejection(row, column("course"),
                                               f"{c.name} belongs to another specialization than this student's."))
                continue
            matched.append((row, v, student, c))
        # Two rows for the same student, course and attempt (or both without an attempt): which one counts?
        duplicates = _duplicates([(row, (st.id, c.id, v["attempt"])) for row, v, st, c in matched])
        for row, others in duplicates.items():
            plan.rejected.append(Rejection(row, column("student_number"),
                                           f"the same student, course and attempt appear again in row "
                                           f"{', '.join(map(str, others))}; keep one row per result."))
        matched = [t for t in matched if t[0] not in duplicates]
        attempts: dict[tuple[int, int], list[Any]] = defaultdict(list)
        pairs = sorted({(st.id, c.id) for _, _, st, c in matched})
        ids = sorted({p[0] for p in pairs})
        for part in _chunks(ids):
            for r in s.execute(select(m.CourseResult.id, m.CourseResult.student_id, m.CourseResult.course_id,
                                      m.CourseResult.attempt, m.CourseResult.exam_date, m.CourseResult.grade,
                                      m.CourseResult.no_show)
                               .where(m.CourseResult.student_id.in_(part)).order_by(m.CourseResult.attempt)):
                attempts[(r.student_id, r.course_id)].append(r)

    claimed: set[int] = set()
    for row, v, student, c in matched:
        grade: Grade = v["grade"]
        existing = attempts.get((student.id, c.id), [])
        target = _match_attempt(existing, v["attempt"], v["exam_date"], grade, claimed)
        values = {"student_id": student.id, "course_id": c.id, "course_code": c.code, "programme": student.code,
                  "cohort": student.start_year, "grade": grade.value, "no_show": grade.no_show,
                  "exam_date": v["exam_date"], "attempt": v["attempt"]}
        if target is None:
            values["attempt"] = v["attempt"] or (existing[-1].attempt + 1 if existing else 1)
            if any(a.attempt == values["attempt"] for a in existing):
                plan.rejected.append(Rejection(row, column("attempt"), f"attempt {values['attempt']} already exists."))
                continue
            plan.add(PlannedRow(row, student.student_number, "new", values, {}, student.id))
            continue
        claimed.add(target.id)
        values["attempt"] = target.attempt
        old = "NS" if target.no_show else (None if target.grade is None else f"{target.grade:.1f}")
        changes = {}
        if (target.grade, target.no_show) != (grade.value, grade.no_show):
            changes["grade"] = (old, str(grade))
        if v["exam_date"] is not None and v["exam_date"] != target.exam_date:
            changes["exam_date"] = (target.exam_date, v["exam_date"])
        plan.add(PlannedRow(row, student.student_number, "updated" if changes else "unchanged", values, changes,
                            student.id, target.id))
    plan.rejected.sort(key=lambda r: (r.row, r.column))
    return plan


def _match_attempt(existing: list[Any], attempt: int | None, when: date | None, grade: Grade,
                   claimed: set[int]) -> Any:
    """The attempt a row is about: its number; else the one on the same exam date; else the
    same result already there (a second import); else the open registration (a resit waiting)."""
    free = [a for a in existing if a.id not in claimed]
    if attempt is not None:
        return next((a for a in free if a.attempt == attempt), None)
    if when is not None:
        same_day = next((a for a in free if a.exam_date == when), None)
        if same_day is not None:
            return same_day
    if when is None:
        same = next((a for a in free if (a.grade, a.no_show) == (grade.value, grade.no_show)), None)
        if same is not None:
            return same
    return next((a for a in free if a.grade is None and not a.no_show), None)


# -- apply ------------------------------------------------------------------------------------

def apply_plan(ws: Workspace, plan: ImportPlan, skip_rejected: bool = False) -> ImportResult:
    """Write every accepted row in one transaction (all or nothing), with audit entries."""
    if plan.rejected and not skip_rejected:
        shown = "; ".join(str(r) for r in plan.rejected[:5])
        more = f" (and {len(plan.rejected) - 5} more)" if len(plan.rejected) > 5 else ""
        raise ImportRefused(f"Nothing was imported: {len(plan.rejected_rows)} row(s) of {plan.source} have problems: "
                            f"{shown}{more}. Correct the file, or import only the accepted rows.", "file")
    if plan.kind not in KINDS:
        raise DomainError(f"Unknown import kind '{plan.kind}'.", "kind")
    try:
        with ws.write() as s:
            audit = _Audit(ws, f"import {plan.kind}", plan.source)
            if plan.kind == "students":
                _write_students(ws, s, plan, audit)
            else:
                _write_results(ws, s, plan, audit)
            audit.flush(s)
    except IntegrityError as exc:
        raise ImportRefused("Nothing was imported: the database changed since the preview (a student or result "
                            "was added meanwhile). Preview the file again.", "file") from exc
    return ImportResult(plan.kind, len(plan.new), len(plan.updated), len(plan.unchanged), len(plan.rejected_rows))


class _Audit:
    """Audit entries collected for one bulk insert (the same fields Workspace.audit writes)."""

    def __init__(self, ws: Workspace, action: str, source: str) -> None:
        self.ws, self.action, self.source = ws, action, source
        self.at = datetime.now(timezone.utc).replace(tzinfo=None)
        self.rows: list[dict[str, Any]] = []

    def add(self, entity: str, entity_id: int | None, student_id: int | None, field_name: str, old: Any, new: Any) -> None:
        self.rows.append({"at": self.at, "os_user": self.ws.user, "action": self.action, "student_id": student_id,
                          "entity": entity, "entity_id": entity_id, "field": field_name,
                          "old_value": _text(old), "new_value": _text(new)})

    def flush(self, session: Any) -> None:
        # One summary entry names the file, so the trail says where the changes came from.
        self.add("import", None, None, "file", None, self.source)
        session.execute(insert(m.AuditEntry.__table__), self.rows)


def _write_students(ws: Workspace, s: Any, plan: ImportPlan, audit: _Audit) -> None:
    programme_ids = {code: pid for pid, code in s.execute(select(m.Programme.id, m.Programme.code))}
    cohorts = {(pid, year): cid for cid, pid, year in s.execute(select(m.Cohort.id, m.Cohort.programme_id, m.Cohort.start_year))}
    next_id = (s.scalar(select(func.max(m.Student.id))) or 0) + 1
    students, items = [], []
    due_cache: dict[tuple[str, int], dict[str, date]] = {}
    for planned in plan.new:
        v = planned.values
        pid = programme_ids[v["programme"]]
        cid = cohorts.get((pid, v["cohort"]))
        if cid is None:
            row = m.Cohort(programme_id=pid, start_year=v["cohort"])
            s.add(row)
            s.flush()
            cid = cohorts[(pid, v["cohort"])] = row.id
        sid = next_id
        next_id += 1
        planned.student_id = sid
        students.append({"id": sid, "programme_id": pid, "cohort_id": cid, "student_number": v["student_number"],
                         "first_name": v["first_name"], "last_name": v["last_name"], "email": v["email"],
                         "status": "active", "specialization": v["specialization"], "tuition_paid": False,
                         "enrolled": True, "ec_earned": 0, "participation_fee_paid": False, "notes": ""})
        programme = ws.programmes[v["programme"]]
        if programme.academic_core is not None:   # what services/students.create_portfolio_defaults adds
            key = (programme.code, v["cohort"])
            if key not in due_cache:
                due_cache[key] = academic_core_due_dates(programme, v["cohort"], None)
            for kind, name in ACADEMIC_CORE_ITEMS:
                items.append({"student_id": sid, "component": "academic_core", "kind": kind, "name": name,
                              "due_date": due_cache[key][kind], "received_date": None, "note": ""})
        audit.add("student", sid, sid, "student_number", None, v["student_number"])
    if students:
        s.execute(insert(m.Student.__table__), students)
    if items:
        s.execute(insert(m.PortfolioItem.__table__), items)
    if plan.updated:
        t = m.Student.__table__
        by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for planned in plan.updated:
            names = tuple(sorted(planned.changes))
            by_fields[names].append({"sid": planned.student_id, **{n: new for n, (_, new) in planned.changes.items()}})
            for name, (old, new) in planned.changes.items():
                audit.add("student", planned.student_id, planned.student_id, name, old, new)
        for names, params in by_fields.items():
            s.execute(update(t).where(t.c.id == bindparam("sid")).values({n: bindparam(n) for n in names}), params)
        respec = [p.student_id for p in plan.updated if "specialization" in p.changes]
        if respec:
            refresh_ec_bulk(s, [i for i in respec if i is not None], ws.programmes, ws.as_of())


def _write_results(ws: Workspace, s: Any, plan: ImportPlan, audit: _Audit) -> None:
    today = ws.as_of()
    t = m.CourseResult.__table__
    updates = []
    for planned in plan.updated:
        v = planned.values
        updates.append({"rid": planned.result_id, "grade": v["grade"], "no_show": v["no_show"],
                        "registered_on": today, "exam_date": v["exam_date"]})
    if updates:
        with_date = [u for u in updates if u["exam_date"] is not None]
        without = [{k: u[k] for k in ("rid", "grade", "no_show", "registered_on")} for u in updates if u["exam_date"] is None]
        if with_date:
            s.execute(update(t).where(t.c.id == bindparam("rid")).values(
                grade=bindparam("grade"), no_show=bindparam("no_show"), registered_on=bindparam("registered_on"),
                exam_date=bindparam("exam_date")), with_date)
        if without:
            s.execute(update(t).where(t.c.id == bindparam("rid")).values(
                grade=bindparam("grade"), no_show=bindparam("no_show"), registered_on=bindparam("registered_on")), without)
    next_id = (s.scalar(select(func.max(m.CourseResult.id))) or 0) + 1
    inserts = []
    for planned in plan.new:
        v = planned.values
        when = v["exam_date"]
        if when is None and v["attempt"] == 1:
            definition = ws.programmes[v["programme"]].course(v["course_code"])
            if definition is not None and definition.month is not None:
                when = scheduled_exam_date(v["cohort"], definition.month, definition.year)
        v["exam_date"] = when
        planned.result_id = next_id
        inserts.append({"id": next_id, "student_id": v["student_id"], "course_id": v["course_id"],
                        "attempt": v["attempt"], "exam_date": when, "grade": v["grade"], "no_show": v["no_show"],
                        "registered_on": today})
        next_id += 1
    # The rules of record_grade (services/courses.py): a fail or No Show registers the student
    # for the resit, unless a later attempt already exists.
    touched = sorted({p.values["student_id"] for p in [*plan.new, *plan.updated]})
    later: dict[tuple[int, int], int] = {}
    for part in _chunks(touched):
        for sid, cid, attempt in s.execute(select(t.c.student_id, t.c.course_id, func.max(t.c.attempt))
                                           .where(t.c.student_id.in_(part)).group_by(t.c.student_id, t.c.course_id)):
            later[(sid, cid)] = attempt
    for row in inserts:
        key = (row["student_id"], row["course_id"])
        later[key] = max(later.get(key, 0), row["attempt"])
    for planned in [*plan.new, *plan.updated]:
        v = planned.values
        key = (v["student_id"], v["course_id"])
        last = later.get(key, 0)
        grade = Grade(None, no_show=True) if v["no_show"] else Grade(v["grade"])
        programme = ws.programmes[v["programme"]]
        if needs_resit(grade, programme.pass_mark) and last <= v["attempt"]:
            definition = programme.course(v["course_code"])
            when = v["exam_date"]
            resit_on = resit_date(when, definition.resit_month if definition else None) if when else None
            inserts.append({"id": next_id, "student_id": v["student_id"], "course_id": v["course_id"],
                            "attempt": v["attempt"] + 1, "exam_date": resit_on, "grade": None, "no_show": False,
                            "registered_on": None})
            later[key] = v["attempt"] + 1
            next_id += 1
        old = planned.changes.get("grade", (None, None))[0]
        audit.add("course_result", planned.result_id, v["student_id"], f"{v['course_code']} attempt {v['attempt']}",
                  old, str(grade))
    if inserts:
        s.execute(insert(t), inserts)
    if touched:
        refresh_ec_bulk(s, touched, ws.programmes, today)


def kind_fields(kind: str) -> tuple[str, ...]:
    if kind not in KINDS:
        raise NotFound(f"An import is of students or results, not '{kind}'.", "kind")
    return STUDENT_FIELDS if kind == "students" else RESULT_FIELDS
