"""Read many students' records in a few bulk queries and evaluate them with the domain rules.

The export and the import both need every figure of thousands of students. Loading one
student at a time (services/snapshot.py) costs ~8 queries per student; here a chunk of
students costs 8 queries in all (performance.md s.4: read rows, not ORM objects), and the
result goes through the same `domain.student.evaluate` so no rule is written twice.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, bindparam, func, literal_column, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from coordinator_app.domain.flags import OpenRegistration
from coordinator_app.domain.grades import Grade, grade_from
from coordinator_app.domain.internships import Period
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.progress import OptionalCourse
from coordinator_app.domain.student import (
    Evaluation,
    InternshipSnapshot,
    ItemSnapshot,
    LiteratureSnapshot,
    StudentSnapshot,
    evaluate,
)
from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnyResult, AnySelect

Record = Any  # one row of a chunk's query: a named tuple of the selected columns
_RECORD_TYPES: dict[tuple[str, ...], Any] = {}

CHUNK = 1000  # students per round of queries: keeps memory flat and IN lists well under SQLite's limit

S = m.Student
STUDENT_COLUMNS = (
    S.id,
    S.student_number,
    S.first_name,
    S.last_name,
    S.email,
    S.status,
    S.specialization,
    S.tuition_paid,
    S.enrolled,
    S.ec_earned,
    S.year1_university,
    S.year2_university,
    S.english_test,
    S.english_overall,
    S.english_lowest_section,
    S.participation_fee_paid,
    m.Programme.code.label("programme"),
    m.Cohort.start_year.label("cohort"),
)


def select_students(
    session: Session,
    programme_code: str | None = None,
    cohort: int | None = None,
    student_ids: Sequence[int] | None = None,
) -> tuple[array[int], set[str]]:
    """Ids of the students to work on, in the order a coordinator reads them (programme, cohort,
    student number), and the programmes they follow. The ids are a compact array: 0.8 MB for
    100,000 students where a list of row tuples took ~20 MB for the whole export."""
    query = (
        select(S.id, m.Programme.code)
        .join(m.Programme, S.programme_id == m.Programme.id)
        .join(m.Cohort, S.cohort_id == m.Cohort.id)
        .order_by(m.Programme.code, m.Cohort.start_year, S.student_number)
    )
    if programme_code:
        query = query.where(m.Programme.code == programme_code)
    if cohort:
        query = query.where(m.Cohort.start_year == cohort)
    wanted = None if student_ids is None else set(student_ids)
    ids: array[int] = array("q")
    programmes: set[str] = set()
    # yield_per: the rows come from the cursor a thousand at a time, not all 100,000 first (~18 MB).
    for sid, code in session.execute(query.execution_options(yield_per=1000)):
        if wanted is None or sid in wanted:
            ids.append(sid)
            programmes.add(code)
    return ids, programmes


def nobody_in(programme_code: str | None, cohort: int | None) -> str:
    """'There are no students in the 1999-2000 cohort of PM': the same words for every command."""
    if cohort:
        return f"There are no students in the {cohort}-{cohort + 1} cohort{f' of {programme_code}' if programme_code else ''}"
    return f"There are no {programme_code} students in this database"


@dataclass
class Chunk:
    """The raw rows of a group of students, grouped by student id (each list in display order)."""

    students: list[Record]
    results: dict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))
    optional: dict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))
    internships: dict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))  # internship table rows
    interruptions: dict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))  # by internship id
    literature: dict[int, Record] = field(default_factory=dict)  # literature_study rows
    items: dict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))
    mentor: dict[int, Record] = field(default_factory=dict)
    meetings: dict[int, list[Record]] = field(default_factory=lambda: defaultdict(list))
    plans: dict[int, Record] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)  # person id -> e-mail, for the people chosen


def _named(result: AnyResult) -> Iterator[Record]:
    """A query's rows as plain named tuples. Reading a field of an SQLAlchemy Row costs ~300 ns,
    of a named tuple ~20 ns, and the export reads about ten fields of every row it writes."""
    keys = tuple(result.keys())
    kind = _RECORD_TYPES.get(keys)
    if kind is None:
        kind = _RECORD_TYPES.setdefault(keys, namedtuple("Record", keys))
    return map(kind._make, result)


def _group(rows: Iterable[Record], into: dict[int, list[Record]]) -> None:
    for row in rows:
        into[row[0]].append(row)


_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
R, C, A, Intern, X, L, P, MM, G = (
    m.CourseResult,
    m.Course,
    m.OptionalCourseApproval,
    m.Internship,
    m.Interruption,
    m.LiteratureStudy,
    m.PortfolioItem,
    m.MentorMeeting,
    m.GraduationPlan,
)
# The chunk's queries, made once: building a statement costs more than running it for a few
# students (~1.5 ms of SQLAlchemy work per query when one student is read after an edit).
_STUDENTS_Q = (
    select(*STUDENT_COLUMNS)
    .join(m.Programme, S.programme_id == m.Programme.id)
    .join(m.Cohort, S.cohort_id == m.Cohort.id)
    .where(S.id.in_(_IDS))
)
_RESULTS_Q = (
    select(
        R.student_id,
        C.code,
        C.name,
        C.component,
        C.ec,
        R.attempt,
        R.exam_date,
        R.grade,
        R.no_show,
        R.registered_on,
        R.course_id,
    )
    .join(C, R.course_id == C.id)
    .where(R.student_id.in_(_IDS))
    .order_by(R.student_id, C.code, R.attempt)
)
_OPTIONAL_Q = (
    select(
        A.student_id,
        C.code,
        C.ec,
        A.status,
        A.external,
        A.credit_form_received,
        A.course_id,
        C.name,
        A.decided_on,
    )
    .join(C, A.course_id == C.id)
    .where(A.student_id.in_(_IDS))
    .order_by(A.student_id, C.code)
)
# Whole-table Core rows, not ORM objects: same attribute names, a third of the loading time.
_INTERNSHIPS_Q = (
    select(m.table(Intern)).where(Intern.student_id.in_(_IDS)).order_by(Intern.student_id, Intern.kind.desc())
)
# Interruptions are few; fetched for the group's internships in one query.
_INTERRUPTIONS_Q = (
    select(X.internship_id, X.start_date, X.end_date)
    .join(Intern, X.internship_id == Intern.id)
    .where(Intern.student_id.in_(_IDS))
    .order_by(X.internship_id, X.start_date)
)
_LITERATURE_Q = select(m.table(L)).where(L.student_id.in_(_IDS))
_ITEMS_Q = (
    select(P.student_id, P.component, P.kind, P.name, P.due_date, P.received_date, P.note)
    .where(P.student_id.in_(_IDS))
    .order_by(P.student_id, P.id)
)
_MENTORS_Q = select(m.Mentor.student_id, m.Mentor.name, m.Mentor.organisation, m.Mentor.email).where(
    m.Mentor.student_id.in_(_IDS)
)
_MEETINGS_Q = (
    select(MM.student_id, MM.meeting_date, MM.topic, MM.notes)
    .where(MM.student_id.in_(_IDS))
    .order_by(MM.student_id, MM.meeting_date)
)
_PLANS_Q = select(
    G.student_id,
    G.planned_year,
    G.planned_month,
    G.ceremony_year,
    G.ceremony_month,
    G.attends_ceremony,
    G.graduated_on,
).where(G.student_id.in_(_IDS))
CHUNK_QUERIES = (
    _STUDENTS_Q,
    _RESULTS_Q,
    _OPTIONAL_Q,
    _INTERNSHIPS_Q,
    _INTERRUPTIONS_Q,
    _LITERATURE_Q,
    _ITEMS_Q,
    _MENTORS_Q,
    _MEETINGS_Q,
    _PLANS_Q,
)
_EMAILS_Q = select(m.Person.id, m.Person.email).where(
    m.Person.id.in_(bindparam("people", expanding=True)), m.Person.email != literal_column("''")
)


def padded(values: list[int]) -> list[int]:
    """`values` (not empty) with the last one repeated up to a power of two (at least 64), for an IN list.
    The sqlite3 driver keeps up to 128 prepared statements per connection, one per SQL text, and an
    expanded IN list of each length is a text of its own (~100 KB prepared with a few hundred values):
    a list whose length varied from group to group made the export's memory grow group by group
    (docs/excel.md). Repeating a value changes nothing an IN matches."""
    size = 64
    while size < len(values):
        size *= 2
    return values + [values[-1]] * (size - len(values))


def load_chunk(session: Session, ids: Sequence[int], emails: bool = True) -> Chunk:
    """Ten queries for the whole group, whatever its size (one more when someone chosen around a student
    has an e-mail address to read; `emails=False`: not read, for the rules, which never read them). The ids are the caller's: these Core
    queries do not leave out removed students (store/sessions.py), the query that chose the ids did."""
    # Plain Core execution on the session's connection: the rows are the same, without the ORM
    # result layer's per-row work (about half the reading time). Pending changes are flushed
    # first, as session.execute would.
    if session.autoflush:
        session.flush()
    db = session.connection()
    given = {"ids": list(ids)}
    if len(given["ids"]) == 1 and db.dialect.name == "sqlite":
        run: Callable[[AnySelect], Iterator[Record]] = _one_student(db, given["ids"][0])
    else:
        run = lambda query: _named(db.execute(query, given))  # noqa: E731
    position = {sid: n for n, sid in enumerate(given["ids"])}
    students = list(run(_STUDENTS_Q))
    students.sort(key=lambda r: position[r.id])
    chunk = Chunk(students)
    _group(run(_RESULTS_Q), chunk.results)
    _group(run(_OPTIONAL_Q), chunk.optional)
    for row in run(_INTERNSHIPS_Q):
        chunk.internships[row.student_id].append(row)
    for row in run(_INTERRUPTIONS_Q):
        chunk.interruptions[row[0]].append(row)
    for row in run(_LITERATURE_Q):
        chunk.literature[row.student_id] = row
    chosen: set[Any] = set()
    if emails:
        chosen = {
            person
            for rows in chunk.internships.values()
            for row in rows
            for person in (row.daily_supervisor_id, row.second_supervisor_id, row.assessor_id)
        } | {person for row in chunk.literature.values() for person in (row.supervisor_id, row.assessor_id)}
        chosen.discard(None)
    if chosen and db.dialect.name == "sqlite" and len(given["ids"]) == 1:
        people = sorted(chosen)
        chunk.emails = dict(_plain(db, _EMAILS_Q, "people", len(people)).rows(_sqlite3_of(db), people))
    elif chosen:  # the people register's addresses of those chosen around these students
        chunk.emails = dict(db.execute(_EMAILS_Q, {"people": padded(sorted(chosen))}).all())
    _group(run(_ITEMS_Q), chunk.items)
    for row in run(_MENTORS_Q):
        chunk.mentor[row[0]] = row
    _group(run(_MEETINGS_Q), chunk.meetings)
    for row in run(_PLANS_Q):
        chunk.plans[row[0]] = row
    return chunk


@dataclass(frozen=True)
class _Plain:
    """One of the chunk's queries as SQLite text for a few ids, with how to turn its raw values into
    what SQLAlchemy would return (dates, yes/no: (position, processor) of the columns that have one)
    and the record type of its rows."""

    sql: str
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]
    kind: Any

    def rows(self, cursor: sqlite3.Connection, values: Sequence[int]) -> Iterator[Record]:
        convert, make = self.convert, self.kind._make
        for raw in cursor.execute(self.sql, values):
            if convert:
                raw = list(raw)
                for n, process in convert:
                    if raw[n] is not None:
                        raw[n] = process(raw[n])
            yield make(raw)


_PLAIN: dict[tuple[int, int], _Plain] = {}


def _plain(db: Connection, query: AnySelect, name: str = "ids", count: int = 1) -> _Plain:
    """`query` as SQLite text for `count` values of its list parameter `name` (made once)."""
    made = _PLAIN.get((id(query), count))
    if made is None:
        compiled = query.params({name: [0] * count}).compile(
            dialect=db.dialect, compile_kwargs={"render_postcompile": True}
        )
        sql = str(compiled)
        if sql.count("?") != count:  # the listed ids are the only values the text takes
            raise AssertionError(f"a query of the chunk takes {sql.count('?')} values, not {count}: {sql}")
        processors = (c.type._cached_result_processor(db.dialect, None) for c in query.selected_columns)
        convert = tuple((n, process) for n, process in enumerate(processors) if process is not None)
        keys = tuple(db.execute(query, {name: []}).keys())
        kind = _RECORD_TYPES.get(keys)
        if kind is None:
            kind = _RECORD_TYPES.setdefault(keys, namedtuple("Record", keys))
        made = _PLAIN[(id(query), count)] = _Plain(sql, convert, kind)
    return made


def _sqlite3_of(db: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `db`: only asked for on SQLite (the callers check the dialect),
    inside the open transaction, so it is there and it is sqlite3's by construction."""
    return cast(sqlite3.Connection, db.connection.driver_connection)


def _one_student(db: Connection, sid: int) -> Callable[[AnySelect], Iterator[Record]]:
    """The chunk's queries for one student (the verdict judged again after an edit), on SQLite: each
    sent as its text, compiled once, on the transaction's own sqlite3 connection. SQLAlchemy's work per
    statement (~50 us: the cache key, the result layer) was most of reading one student's ten queries;
    the values are converted by the same type processors, so the rows are those of the bulk path
    (tests/services/test_cohort_data.py compares them)."""
    cursor = _sqlite3_of(db)
    return lambda query: _plain(db, query).rows(cursor, (sid,))


def optional_course(
    code: str, ec: int, status: str, external: bool, credit_form_received: bool, grades: Iterable[Grade]
) -> OptionalCourse:
    """An optional course's approval line as the EC rules read it (it counts once approved)."""
    return OptionalCourse(code, ec, status == "approved", external, credit_form_received, tuple(grades))


def snapshot_of(student: Record, chunk: Chunk) -> StudentSnapshot:
    """The same StudentSnapshot services/snapshot.py builds, from the chunk's rows."""
    sid = student.id
    results: dict[str, list[Grade]] = defaultdict(list)
    by_course: dict[int, list[Grade]] = defaultdict(list)
    last_registered: date | None = None
    open_registrations: list[OpenRegistration] = []
    for r in chunk.results.get(sid, ()):
        grade = grade_from(r.no_show, r.grade)
        if grade is None:
            open_registrations.append(OpenRegistration(r.name, r.attempt, r.exam_date))
            continue
        results[r.code].append(grade)
        by_course[r.course_id].append(grade)
        if r.registered_on and (last_registered is None or r.registered_on > last_registered):
            last_registered = r.registered_on
    optional = tuple(
        optional_course(a.code, a.ec, a.status, a.external, a.credit_form_received, by_course.get(a.course_id, ()))
        for a in chunk.optional.get(sid, ())
    )
    items: dict[str, list[ItemSnapshot]] = defaultdict(list)
    for it in chunk.items.get(sid, ()):
        items[it.component].append(ItemSnapshot(it.kind, it.name, it.due_date, it.received_date))
    internships = {}
    for row in chunk.internships.get(sid, ()):
        internships[row.kind] = InternshipSnapshot(
            kind=row.kind,
            start=row.start_date,
            part_time_percent=row.part_time_percent,
            interruptions=tuple(Period(x.start_date, x.end_date) for x in chunk.interruptions.get(row.id, ())),
            is_umc=row.is_umc,
            country=row.country,
            travel_code=row.travel_code,
            approval_status=row.approval_status,
            assessor_rank=row.assessor_rank,
            practical=row.practical_mark,
            supervisor_report=row.supervisor_report_mark,
            assessor_report=row.assessor_report_mark,
            presentation=row.presentation_mark,
            marks_registered_on=row.marks_registered_on,
            portfolio=tuple(items.get(f"{row.kind}_internship", ())),
        )
    literature = None
    lit = chunk.literature.get(sid)
    if lit is not None:
        literature = LiteratureSnapshot(
            start=lit.start_date,
            approval_status=lit.approval_status,
            assessor_rank=lit.assessor_rank,
            outline=lit.outline_mark,
            supervisor_report=lit.supervisor_report_mark,
            assessor_report=lit.assessor_report_mark,
            presentation=lit.presentation_mark,
            marks_registered_on=lit.marks_registered_on,
            portfolio=tuple(items.get("literature_study", ())),
            supervisor=lit.supervisor or "",
            assessor=lit.assessor or "",
        )
    plan = chunk.plans.get(sid)
    return StudentSnapshot(
        cohort_year=student.cohort,
        status=student.status,
        specialization=student.specialization,
        tuition_paid=student.tuition_paid,
        enrolled=student.enrolled,
        results=dict(results),
        last_grade_registered=last_registered,
        optional_courses=optional,
        internships=internships,
        literature=literature,
        mentor_meetings=tuple(r.meeting_date for r in chunk.meetings.get(sid, ())),
        academic_core_items=tuple(items.get("academic_core", ())),
        graduation=(plan.planned_year, plan.planned_month) if plan else None,
        year1_university=student.year1_university,
        year2_university=student.year2_university,
        english_test=student.english_test,
        english_overall=student.english_overall,
        english_lowest_section=student.english_lowest_section,
        participation_fee_paid=student.participation_fee_paid,
        open_registrations=tuple(open_registrations),
    )


def evaluated_chunks(
    session: Session, ids: Sequence[int], programmes: dict[str, Programme], as_of: date, size: int = CHUNK
) -> Iterator[tuple[Chunk, list[Evaluation]]]:
    """Each group of students with the rules' verdict on each (same order as chunk.students)."""
    for start in range(0, len(ids), size):
        chunk = load_chunk(session, list(ids[start : start + size]))
        yield chunk, [evaluate(programmes[s.programme], snapshot_of(s, chunk), as_of) for s in chunk.students]
        del chunk  # let it go before the next group is read: one group in memory at a time


def longest_text_values(session: Session) -> dict[str, int]:
    """Length of the longest value per text column ("table.column"), one aggregate query per
    table: a streamed sheet's column widths come before its rows."""
    sizes: dict[str, int] = {}
    for table, names in (
        (m.Student, ("student_number", "first_name", "last_name", "email", "specialization")),
        (m.Internship, ("host", "department", "topic", "country", "daily_supervisor", "second_supervisor", "assessor")),
        (m.LiteratureStudy, ("subject", "supervisor", "assessor")),
        (m.PortfolioItem, ("name", "note")),
        (m.Mentor, ("name", "organisation", "email")),
        (m.MentorMeeting, ("topic", "notes")),
        (m.Person, ("email",)),
    ):
        row = session.execute(select(*[func.max(func.length(getattr(table, n))) for n in names])).one()
        for name, size in zip(names, row):
            sizes[f"{table.__tablename__}.{name}"] = int(size or 0)
    return sizes


def refresh_ec_bulk(session: Session, ids: Sequence[int], programmes: dict[str, Programme], as_of: date) -> int:
    """Bring the cached EC totals of many students up to date in one pass; returns how many changed."""
    session.flush()
    changed = []
    for chunk, evaluations in evaluated_chunks(session, list(ids), programmes, as_of):
        for student, ev in zip(chunk.students, evaluations):
            if student.ec_earned != ev.ec_total:
                changed.append({"sid": student.id, "ec": ev.ec_total})
    if changed:
        students = m.table(m.Student)
        session.execute(
            update(students).where(students.c.id == bindparam("sid")).values(ec_earned=bindparam("ec")), changed
        )
    return len(changed)
