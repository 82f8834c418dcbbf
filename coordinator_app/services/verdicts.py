"""Each student's graduation verdict and EC total, kept beside the data so the attention list is a query.

Working out readiness means reading a student's whole record and running every rule: ~0.5 ms a
student, seconds for the thousands of graduation candidates of a large database, on every refresh
of the attention list. A verdict changes only when that student's data changes, so it is worked
out then and stored (table `readiness`, with `student.ec_earned`):

- every write through `Workspace.write` is followed: the rows a flush adds, changes or deletes
  that the verdict is read from (`FEEDS`) name their students, and before the commit those
  students are read again and judged (`settle`), in the same transaction as the edit: their EC
  totals come from the same evaluation;
- the edits made most often say instead that they made a verdict stale (`mark_stale`): a grade
  (which keeps the EC total right itself, services/ec_totals.py) and a field of the student that
  the EC total does not read. Their verdicts are forgotten at the commit, one DELETE, and worked out
  when next asked: judging a student at every such edit was most of its time (docs/performance.md,
  "Issue 12: one edit");
- the bulk writers say what they touched: the import `forget`s the verdicts of its students and a
  moved graduation deadline `mark_touched`s the students whose items it moved; verdicts nobody
  stored yet (a new demo, a new student from an import, a stale one) are worked out when first
  asked (`verdicts_for`) and kept (`keep`) once there are enough of them to be worth a write;
- a stored verdict says the days it holds on (a planned mentor meeting counts from its day) and
  which programme rules it came from (`rules_mark`): one that does not fit the day asked about or
  today's rules is worked out again, so a restored or older database needs nothing special;
- a restore copies the verdicts with the rows they were worked out from; a removal keeps both.

tests/services/test_verdicts.py edits at random through every path and compares each stored
verdict with a fresh evaluation.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from datetime import date
from typing import Protocol, TypedDict, cast

from sqlalchemy import Insert, bindparam, delete, event, select, update
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from coordinator_app import __version__
from coordinator_app.domain.graduation import Readiness
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.student import Evaluation, StudentSnapshot, evaluate, verdict_holds
from coordinator_app.services.cohort_data import CHUNK, CHUNK_QUERIES, Record, evaluated_chunks, load_chunk, snapshot_of
from coordinator_app.store import models as m
from coordinator_app.store.errors import DatabaseProblem
from coordinator_app.store.portable_sql import OneOf, json_list
from coordinator_app.store.quick_statements import QuickStatement
from coordinator_app.store.sessions import StoreSession


class KeepsDerived(Protocol):
    """What `keep` needs of a workspace (services/workspace.Workspace is one): typed by use, since the
    workspace imports this module to settle verdicts before each commit."""

    programmes: dict[str, Programme]

    def keep_derived(self) -> AbstractContextManager[Session]: ...


log = logging.getLogger(__name__)

TOUCHED = "verdicts: students touched"
STALE = "verdicts: students whose verdict is out of date"
INTERNSHIPS_TOUCHED = "verdicts: internships touched"
_SEPARATOR = "\n"
V = m.table(m.Readiness)


def _student_feeds() -> frozenset[str]:
    """The student's own columns the verdict reads: those the snapshot carries under the same name,
    and the programme and cohort (not the names, the e-mail, the notes or the cached EC)."""
    carried = {f.name for f in fields(StudentSnapshot)}
    return frozenset({c.key for c in m.table(m.Student).columns if c.key in carried} | {"programme_id", "cohort_id"})


def _feeds() -> dict[str, frozenset[str]]:
    """Table -> the columns the verdict is read from (services/cohort_data.CHUNK_QUERIES)."""
    read: dict[str, set[str]] = {}
    for query in CHUNK_QUERIES:
        for column in query.selected_columns:
            table = getattr(column, "table", None)
            if table is not None and column.key and table.name not in ("student", "programme", "cohort", "course"):
                read.setdefault(table.name, set()).add(column.key)
    read.pop("mentor", None)  # the mentor's name and e-mail are for the workbook, not for a rule
    return {"student": _student_feeds(), **{name: frozenset(cols) for name, cols in read.items()}}


FEEDS = _feeds()

# -- the programme rules a verdict was worked out with --------------------------------------------
_marks: dict[int, tuple[Programme, str]] = {}


def rules_mark(programme: Programme) -> str:
    """16 characters that change when the programme's rules (or this version of the app) do."""
    known = _marks.get(id(programme))
    if known is not None and known[0] is programme:
        return known[1]
    mark = hashlib.sha1(f"{__version__}\n{programme!r}".encode()).hexdigest()[:16]
    _marks[id(programme)] = (programme, mark)
    return mark


# -- following the writes of a transaction ----------------------------------------------------------
def _touched(session: Session) -> set[int]:
    return cast(set[int], session.info.setdefault(TOUCHED, set()))


def _changes_feed(obj: object, table: str) -> bool:
    """Whether the flush changed a column the verdict is read from. The attributes set since the last
    flush are the keys of the object's committed state (their old values): one set look-up each, where
    asking each column the rules read for its history cost ~11 % of a note's edit. An attribute set to
    the value it had counts too: the student is judged again, to the same verdict."""
    return not FEEDS[table].isdisjoint(instance_state(obj).committed_state)


@event.listens_for(StoreSession, "after_flush")
def _follow(session: Session, _flush: UOWTransaction) -> None:
    touched = _touched(session)
    for objects, changed in ((session.new, True), (session.deleted, True), (session.dirty, False)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table not in FEEDS or not (changed or _changes_feed(obj, table)):
                continue
            if table == "student":
                touched.add(obj.id)
            elif table == "interruption":
                session.info.setdefault(INTERNSHIPS_TOUCHED, set()).add(obj.internship_id)
            else:
                touched.add(obj.student_id)


def mark_touched(session: Session, student_ids: Iterable[int]) -> None:
    """Students whose data a statement outside the ORM changed: judged again before the commit."""
    _touched(session).update(student_ids)


def mark_stale(session: Session, student_ids: Iterable[int]) -> None:
    """Students whose verdict a statement outside the ORM made stale, while their EC total is right
    (the caller kept it so, or the change cannot move it): their verdicts are forgotten at the commit."""
    cast(set[int], session.info.setdefault(STALE, set())).update(student_ids)


def settle(session: Session, programmes: Mapping[str, Programme], as_of: date) -> None:
    """Before the commit of a write: judge again every student whose data it changed, and forget the
    verdicts it only made stale."""
    session.flush()
    internships = session.info.pop(INTERNSHIPS_TOUCHED, set())
    if internships:
        found = session.connection().execute(
            select(m.Internship.student_id).where(m.Internship.id.in_(sorted(internships)))
        )
        _touched(session).update(sid for (sid,) in found)
    touched = session.info.pop(TOUCHED, set())
    stale = session.info.pop(STALE, set())
    if touched:
        refresh(session, programmes, sorted(touched), as_of)
    stale.difference_update(touched)
    if stale:
        forget(session, sorted(stale))


# -- storing -------------------------------------------------------------------------------------
class VerdictRow(TypedDict):
    """One student's stored verdict (the student_verdict table's columns)."""

    student_id: int
    blockers: str
    holds_from: date | None
    holds_until: date | None
    rules: str


def _row(sid: int, programme: Programme, snap: StudentSnapshot, ev: Evaluation, as_of: date) -> VerdictRow:
    holds_from, holds_until = verdict_holds(programme, snap, as_of)
    return {
        "student_id": sid,
        "blockers": _SEPARATOR.join(ev.readiness.blockers),
        "holds_from": holds_from,
        "holds_until": holds_until,
        "rules": rules_mark(programme),
    }


_UPSERTS: dict[str, Insert] = {}


def _upsert(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT (student_id) DO UPDATE: one statement, made once per engine kind (both
    SQLite and PostgreSQL say it alike; the dialect's own insert() builds it)."""
    made = _UPSERTS.get(dialect)
    if made is None:
        columns = ("blockers", "holds_from", "holds_until", "rules")
        if dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            on_server = postgresql.insert(V)
            made = on_server.on_conflict_do_update(
                index_elements=[V.c.student_id], set_={c: on_server.excluded[c] for c in columns}
            )
        else:
            from sqlalchemy.dialects import sqlite

            in_file = sqlite.insert(V)
            made = in_file.on_conflict_do_update(
                index_elements=[V.c.student_id], set_={c: in_file.excluded[c] for c in columns}
            )
        _UPSERTS[dialect] = made
    return made


def store(session: Session, rows: Sequence[VerdictRow]) -> None:
    """Write these verdicts, each in place of the student's stored one."""
    if rows:
        db = session.connection()
        # One row (an edit) as one plain execute: executemany's path costs more than the statement.
        db.execute(_upsert(db.dialect.name), rows[0] if len(rows) == 1 else list(rows))


_FORGET_ONE = QuickStatement(delete(V).where(V.c.student_id == bindparam("sid")))
_FORGET_MANY = QuickStatement(delete(V).where(OneOf.given(V.c.student_id, "sids")))


def forget(session: Session, student_ids: Sequence[int]) -> None:
    """Drop the stored verdicts of these students (a bulk write changed their data): they are worked
    out again when next asked."""
    if len(student_ids) == 1:  # an edit's one student
        _FORGET_ONE.run(session, {"sid": student_ids[0]})
    elif student_ids:  # one statement, the ids as one parameter (store/portable_sql.OneOf)
        _FORGET_MANY.run(session, {"sids": json_list(student_ids)})


_SET_EC = (
    update(m.table(m.Student)).where(m.table(m.Student).c.id == bindparam("sid")).values(ec_earned=bindparam("ec"))
)


def _judged(
    session: Session, programmes: Mapping[str, Programme], student_ids: Sequence[int], as_of: date
) -> Iterator[tuple[Record, Evaluation, VerdictRow]]:
    """Each student read and judged: (its row of the chunk, its evaluation, its readiness row)."""
    for start in range(0, len(student_ids), CHUNK):
        chunk = load_chunk(session, student_ids[start : start + CHUNK], emails=False)  # the rules read no address
        for student in chunk.students:
            programme = programmes[student.programme]
            snap = snapshot_of(student, chunk)
            ev = evaluate(programme, snap, as_of)
            yield student, ev, _row(student.id, programme, snap, ev, as_of)


def refresh(
    session: Session, programmes: Mapping[str, Programme], student_ids: Sequence[int], as_of: date
) -> dict[int, Evaluation]:
    """Judge these students now, store their verdicts and EC totals; their evaluations by id."""
    session.flush()
    # Judged from the data as flushed: the commit need not judge them again, nor forget what is
    # stored now, unless a later change names them again.
    _touched(session).difference_update(student_ids)
    session.info.get(STALE, set()).difference_update(student_ids)
    evaluations: dict[int, Evaluation] = {}
    rows: list[VerdictRow] = []
    ec_changes: list[dict[str, int]] = []
    for student, ev, row in _judged(session, programmes, student_ids, as_of):
        evaluations[student.id] = ev
        rows.append(row)
        if student.ec_earned != ev.ec_total:
            ec_changes.append({"sid": student.id, "ec": ev.ec_total})
    if ec_changes:
        session.connection().execute(_SET_EC, ec_changes[0] if len(ec_changes) == 1 else ec_changes)
        for change in ec_changes:  # a student object the transaction holds shows the stored total
            held = session.identity_map.get(session.identity_key(m.Student, change["sid"]))
            if held is not None:
                set_committed_value(held, "ec_earned", change["ec"])
    store(session, rows)
    return evaluations


# Fewer verdicts than this worked out by the attention list are not stored: judging them again at
# its next refresh (~0.5 ms each) costs less than a write, which every window's attention list would
# make after every edit (each edit leaves one stale verdict).
KEEP_FROM = 50


def keep(ws: KeepsDerived, student_ids: Sequence[int], as_of: date, unless_fewer_than: int = 1) -> None:
    """Store the verdicts a read had to work out (`verdicts_for`), so the next read finds them; none
    when there are fewer than `unless_fewer_than`. They are worked out again inside the write, from
    the data as it is then. Best effort: a busy or read-only database only means the next read works
    them out again."""
    if len(student_ids) < max(unless_fewer_than, 1):
        return
    try:
        with ws.keep_derived() as s:
            store(s, [row for _s, _e, row in _judged(s, ws.programmes, student_ids, as_of)])
    except DatabaseProblem as exc:
        log.info("verdicts not stored (%s): worked out again on the next read", type(exc).__name__)


# -- reading ------------------------------------------------------------------------------------
STORED_COLUMNS = (V.c.blockers, V.c.holds_from, V.c.holds_until, V.c.rules)


@dataclass(frozen=True)
class Stored:
    """A stored verdict as a query returns it beside the student (None columns: none stored)."""

    blockers: str | None
    holds_from: date | None
    holds_until: date | None
    rules: str | None

    def fits(self, programme: Programme, as_of: date) -> bool:
        return (
            self.rules is not None
            and self.rules == rules_mark(programme)
            and (self.holds_from is None or self.holds_from <= as_of)
            and (self.holds_until is None or as_of < self.holds_until)
        )

    @property
    def readiness(self) -> Readiness:
        return Readiness(tuple(self.blockers.split(_SEPARATOR)) if self.blockers else ())


def verdicts_for(
    session: Session,
    programmes: Mapping[str, Programme],
    candidates: Iterable[tuple[int, str, Stored]],
    as_of: date,
) -> tuple[dict[int, Readiness], list[int]]:
    """The readiness of each candidate ((id, programme code, what is stored)) on `as_of`: the stored
    verdict where it fits, else worked out now. Also the ids worked out now (to `keep` afterwards)."""
    verdicts: dict[int, Readiness] = {}
    todo: list[int] = []
    for sid, code, stored in candidates:
        if stored.fits(programmes[code], as_of):
            verdicts[sid] = stored.readiness
        else:
            todo.append(sid)
    for chunk, evaluations in evaluated_chunks(session, todo, dict(programmes), as_of):
        for student, evaluation in zip(chunk.students, evaluations):
            verdicts[student.id] = evaluation.readiness
    return verdicts, todo
