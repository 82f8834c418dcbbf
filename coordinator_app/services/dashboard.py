"""The cohort dashboard's figures, for the window's Dashboard tab and the workbook's Dashboard sheet.

For the students of a programme and cohort (or all of them, or a selection), on a day:
1. EC earned by the active students, in bands (domain/cohort.py `ec_bands`);
2. where every student is (domain/cohort.py `where_student_is`);
3. specialization places taken per cohort, of each one's places (domain/cohort.py `holds_a_place`);
4. portfolio items overdue (open, due before the day) of active students, by kind;
5. graduations planned per month ahead, this month and the eleven after it (active students).

Fast at 100,000 students because the database only groups: students by status, EC and planned
month; places by cohort, specialization and status; overdue items by kind. The domain then judges
each group (a few hundred), not each student. Only where the part a student began last decides
their place are that group's students read one by one. Each bar keeps a `Selection`: what its
students have in common, so a click on it finds them again (`students_of`) for the student list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from sqlalchemy import BindParameter, ColumnElement, SQLColumnExpression, and_, bindparam, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from coordinator_app.domain.attention import Urgency, urgency
from coordinator_app.domain.cohort import (
    LITERATURE,
    MAJOR,
    MINOR,
    PLACES,
    counts_as_active,
    ec_band_label,
    ec_band_of,
    ec_bands,
    holds_a_place,
    months_ahead,
    place_by_parts,
    place_by_status,
)
from coordinator_app.domain.graduation import MONTHS
from coordinator_app.domain.programme import Programme
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnySelect

SelectT = TypeVar("SelectT", bound="AnySelect")
EC, WHERE, PLACES_TAKEN, OVERDUE, GRADUATIONS = "ec", "where", "places", "overdue", "graduations"
S, PLAN, ITEM = m.Student, m.GraduationPlan, m.PortfolioItem


@dataclass(frozen=True)
class Selection:
    """What the students of one bar have in common. Every field given must hold (a status among
    `statuses`, ...); `groups` are (status, graduation planned) pairs any of which may hold, and
    `ids` are students read one by one, added to the rest."""

    statuses: tuple[str, ...] = ()
    ec: tuple[int, ...] = ()
    month: tuple[int, int] | None = None
    cohort: int | None = None
    specialization: str | None = None
    item: str | None = None  # the kind of an overdue portfolio item
    groups: tuple[tuple[str, bool], ...] = ()
    ids: tuple[int, ...] = ()
    undated: tuple[tuple[str, bool], ...] = ()  # and the students of these groups without a start date


@dataclass(frozen=True)
class Bar:
    label: str
    count: int  # items for the overdue figure (a student may owe two), students elsewhere
    selection: Selection = field(compare=False, repr=False)
    limit: int | None = None  # the places a specialization has


@dataclass(frozen=True)
class Figure:
    key: str  # EC, WHERE, PLACES_TAKEN, OVERDUE, GRADUATIONS
    title: str
    unit: str  # what a bar counts: "students" or "items"
    bars: tuple[Bar, ...]
    note: str = ""  # said when there is nothing to show

    @property
    def total(self) -> int:
        return sum(b.count for b in self.bars)


@dataclass(frozen=True)
class Scope:
    programme: str | None = None
    cohort: int | None = None
    student_ids: tuple[int, ...] | None = None

    @property
    def label(self) -> str:
        what = f"{self.programme or 'All programmes'}, " + (
            f"cohort {self.cohort}-{self.cohort + 1}" if self.cohort else "all cohorts"
        )
        return what if self.student_ids is None else f"{len(self.student_ids):,} students chosen ({what})"


@dataclass(frozen=True)
class CohortFigures:
    scope: Scope
    as_of: date
    students: int
    figures: tuple[Figure, ...]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def _scoped(query: SelectT, scope: Scope) -> SelectT:
    """`query` (about students) narrowed to the scope's students. These are Core queries (no ORM rows
    to build: ~0.3 s less at 100,000 students), so they leave the removed students out themselves.
    Programme and cohort are looked up once, not joined to every student: the scan then reads only
    the student index the dashboard has (`ix_student_dashboard`, migration 0009)."""
    query = query.where(S.removed_at.is_(None))
    if scope.programme:
        query = query.where(S.programme_id.in_(select(m.Programme.id).where(m.Programme.code == scope.programme)))
    if scope.cohort:
        query = query.where(S.cohort_id.in_(select(m.Cohort.id).where(m.Cohort.start_year == scope.cohort)))
    if scope.student_ids is not None:
        # The ids written into the SQL, not one parameter each: a selection of 40,000 students
        # would pass SQLite's limit of 32,766 parameters. They are integers, nothing to escape.
        ids: BindParameter[list[int]] = bindparam(
            "scope_ids", [int(i) for i in scope.student_ids], expanding=True, literal_execute=True
        )
        query = query.where(S.id.in_(ids))
    return query


def _students(*columns: SQLColumnExpression[object]) -> AnySelect:
    return select(*columns).select_from(S).outerjoin(PLAN, PLAN.student_id == S.id)


def _groups_clause(groups: Sequence[tuple[str, bool]]) -> ColumnElement[bool]:
    if not groups:
        return false()
    return or_(
        *(
            and_(S.status == status, PLAN.id.is_not(None) if planned else PLAN.id.is_(None))
            for status, planned in groups
        )
    )


class Group(NamedTuple):
    """How many students of one programme share a status, EC total and planned graduation month."""

    code: str
    status: str
    ec: int
    year: int | None  # the planned graduation month: none when not planned
    month: int | None
    n: int


def figures_in(s: Session, programmes: dict[str, Programme], as_of: date, scope: Scope = Scope()) -> CohortFigures:
    """The five figures, read in the session given (the export reads them in its own transaction)."""
    codes = dict(s.connection().execute(select(m.Programme.id, m.Programme.code)).all())
    rows = [
        Group(codes[programme], *rest)
        for programme, *rest in s.connection().execute(
            _scoped(
                _students(
                    S.programme_id, S.status, S.ec_earned, PLAN.planned_year, PLAN.planned_month, func.count()
                ).group_by(S.programme_id, S.status, S.ec_earned, PLAN.planned_year, PLAN.planned_month),
                scope,
            )
        )
    ]
    present = sorted({code for code, *_ in rows} | ({scope.programme} if scope.programme else set()))
    chosen = [programmes[c] for c in present if c in programmes]
    figures = (
        _ec(rows, chosen),
        _where(s, rows, chosen, as_of, scope),
        _places(s, programmes, scope),
        _overdue(s, as_of, scope),
        _graduations(rows, as_of),
    )
    return CohortFigures(scope, as_of, sum(r[-1] for r in rows), figures)


def _ec(rows: Sequence[Group], programmes: list[Programme]) -> Figure:
    bands = ec_bands(max((p.total_ec for p in programmes), default=120))
    counts = [0] * len(bands)
    values: list[set[int]] = [set() for _ in bands]
    statuses = set()
    for _code, status, ec, _year, _month, n in rows:
        if counts_as_active(status):
            band = ec_band_of(ec or 0, bands)
            counts[band] += n
            values[band].add(ec or 0)
            statuses.add(status)
    bars = tuple(
        Bar(
            f"{ec_band_label(b)} EC",
            counts[i],
            Selection(statuses=tuple(sorted(statuses)), ec=tuple(sorted(values[i]))),
        )
        for i, b in enumerate(bands)
    )
    return Figure(EC, "EC earned (active students)", "students", bars, "" if any(counts) else "No active students.")


def _where(s: Session, rows: Sequence[Group], programmes: list[Programme], as_of: date, scope: Scope) -> Figure:
    counts: dict[str, int] = defaultdict(int)
    groups: dict[str, set[tuple[str, bool]]] = defaultdict(set)
    by_parts: set[tuple[str, bool]] = set()
    for _code, status, _ec, year, _month, n in rows:
        planned = year is not None
        place = place_by_status(status, planned)
        if place is None:
            by_parts.add((status, planned))
        else:
            counts[place] += n
            groups[place].add((status, planned))
    ids: dict[str, list[int]] = defaultdict(list)
    undated_place = place_by_parts({}, as_of)
    undated = 0
    if by_parts:
        with_dates = s.connection().execute(
            _scoped(_parts(S.id).where(_groups_clause(sorted(by_parts)), _DATED), scope)
        )
        for sid, minor_start, major_start, lit_start in with_dates:
            ids[place_by_parts({MINOR: minor_start, MAJOR: major_start, LITERATURE: lit_start}, as_of)].append(sid)
        # The rest have no start date at all (half of them at 100,000): one verdict for all, their
        # ids read only when their bar is clicked.
        undated = sum(n for _c, status, _e, year, _m, n in rows if (status, year is not None) in by_parts)
        undated -= sum(len(v) for v in ids.values())
    shown = _places_of(programmes)
    bars = tuple(
        Bar(
            place,
            counts[place] + len(ids[place]) + (undated if place == undated_place else 0),
            Selection(
                groups=tuple(sorted(groups[place])),
                ids=tuple(ids[place]),
                undated=tuple(sorted(by_parts)) if place == undated_place and undated else (),
            ),
        )
        for place in shown
    )
    return Figure(WHERE, "Where students are", "students", bars, "" if rows else "No students.")


_MINOR, _MAJOR = aliased(m.Internship), aliased(m.Internship)
_LIT = m.LiteratureStudy
_DATED = or_(_MINOR.start_date.is_not(None), _MAJOR.start_date.is_not(None), _LIT.start_date.is_not(None))


def _parts(*columns: SQLColumnExpression[object]) -> AnySelect:
    """Students with the start dates of their minor and major internship and Literature Study."""
    return (
        _students(*columns, _MINOR.start_date, _MAJOR.start_date, _LIT.start_date)
        .outerjoin(_MINOR, and_(_MINOR.student_id == S.id, _MINOR.kind == "minor"))
        .outerjoin(_MAJOR, and_(_MAJOR.student_id == S.id, _MAJOR.kind == "major"))
        .outerjoin(_LIT, _LIT.student_id == S.id)
    )


def _places_of(programmes: list[Programme]) -> tuple[str, ...]:
    """The places the programmes have: no internships or Literature Study for IMIM alone."""
    lacking = set()
    if not any(p.internships for p in programmes):
        lacking |= {MINOR, MAJOR}
    if not any(p.literature_study for p in programmes):
        lacking.add(LITERATURE)
    return tuple(p for p in PLACES if p not in lacking)


def _places(s: Session, programmes: dict[str, Programme], scope: Scope) -> Figure:
    """Places taken of each specialization, per cohort (a specialization has its places per cohort)."""
    taken: dict[tuple[str, int, str], int] = defaultdict(int)
    holding: set[str] = set()
    for code, year, key, status, n in s.connection().execute(
        _scoped(
            _students(m.Programme.code, m.Cohort.start_year, S.specialization, S.status, func.count())
            .join(m.Programme, S.programme_id == m.Programme.id)
            .join(m.Cohort, S.cohort_id == m.Cohort.id)
            .where(S.specialization.is_not(None))
            .group_by(m.Programme.code, m.Cohort.start_year, S.specialization, S.status),
            scope,
        )
    ):
        if holds_a_place(status):
            taken[(code, year, key)] += n
            holding.add(status)
    wanted = {c: p for c, p in sorted(programmes.items()) if p.specializations and scope.programme in (None, c)}
    bars = []
    for year in sorted({year for _c, year, _k in taken}, reverse=True):
        for code, definition in wanted.items():
            for spec in definition.specializations:
                label = spec.name if scope.cohort else f"{spec.name} {year}-{year + 1}"
                selection = Selection(statuses=tuple(sorted(holding)), cohort=year, specialization=spec.key)
                bars.append(Bar(label, taken.get((code, year, spec.key), 0), selection, spec.capacity))
    if not wanted:
        note = f"{scope.programme or 'These programmes'} has no specializations."
    else:
        note = "" if bars else "No student has chosen a specialization yet."
    return Figure(PLACES_TAKEN, "Specialization places taken", "students", tuple(bars), note)


def _overdue(s: Session, as_of: date, scope: Scope) -> Figure:
    """Open portfolio items past their due date, of active students, by kind. The database narrows to
    open items due before the day (the partial index, as the attention list reads them); the domain
    says overdue."""
    counts: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    statuses: set[str] = set()
    for kind, name, due, status, n in s.connection().execute(
        _scoped(
            select(ITEM.kind, ITEM.name, ITEM.due_date, S.status, func.count())
            .join(S, S.id == ITEM.student_id)
            .where(ITEM.received_date.is_(None), ITEM.due_date < as_of)
            .group_by(ITEM.kind, ITEM.name, ITEM.due_date, S.status),
            scope,
        )
    ):
        if counts_as_active(status) and urgency(due, None, as_of, 0) is Urgency.OVERDUE:
            counts[kind] += n
            names.setdefault(kind, name)
            statuses.add(status)
    order = sorted(counts, key=lambda k: (-counts[k], names[k]))
    bars = tuple(Bar(names[k], counts[k], Selection(statuses=tuple(sorted(statuses)), item=k)) for k in order)
    return Figure(OVERDUE, "Portfolio items overdue, by kind", "items", bars, "" if bars else "Nothing overdue.")


def _graduations(rows: Sequence[Group], as_of: date) -> Figure:
    ahead = months_ahead(as_of)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    statuses: set[str] = set()
    for _code, status, _ec, year, month, n in rows:
        # Year and month are the plan's (outer-joined): both there or neither.
        if year is not None and month is not None and counts_as_active(status):
            counts[(year, month)] += n
            statuses.add(status)
    bars = tuple(
        Bar(
            f"{MONTHS[mo - 1][:3]} {y}",
            counts.get((y, mo), 0),
            Selection(statuses=tuple(sorted(statuses)), month=(y, mo)),
        )
        for y, mo in ahead
    )
    note = "" if any(b.count for b in bars) else "No graduation planned in the next 12 months."
    return Figure(GRADUATIONS, "Graduations planned per month (active students)", "students", bars, note)


def cohort_figures(ws: Workspace, scope: Scope = Scope(), as_of: date | None = None) -> CohortFigures:
    with ws.read() as s:
        return figures_in(s, ws.programmes, as_of or ws.as_of(), scope)


def students_of(ws: Workspace, figures: CohortFigures, bar: Bar) -> list[int]:
    """The students a bar stands for (a click on it shows them in the student list)."""
    chosen = bar.selection
    if bar.count == 0:
        return []
    found = set(chosen.ids)
    if chosen.undated:
        query = _scoped(_parts(S.id).where(_groups_clause(chosen.undated), ~_DATED), figures.scope)
        with ws.read() as s:
            found |= {row[0] for row in s.connection().execute(query)}
    if not (chosen.statuses or chosen.groups):
        return sorted(found)
    query = _scoped(_students(S.id).distinct(), figures.scope)
    if chosen.statuses:
        query = query.where(S.status.in_(chosen.statuses))
    if chosen.ec:
        query = query.where(S.ec_earned.in_(chosen.ec))
    if chosen.month is not None:
        query = query.where(PLAN.planned_year == chosen.month[0], PLAN.planned_month == chosen.month[1])
    if chosen.cohort is not None:
        query = query.where(S.cohort_id.in_(select(m.Cohort.id).where(m.Cohort.start_year == chosen.cohort)))
    if chosen.specialization is not None:
        query = query.where(S.specialization == chosen.specialization)
    if chosen.item is not None:
        query = query.join(ITEM, ITEM.student_id == S.id).where(
            ITEM.kind == chosen.item, ITEM.received_date.is_(None), ITEM.due_date < figures.as_of
        )
    if chosen.groups:
        query = query.where(_groups_clause(chosen.groups))
    with ws.read() as s:
        found |= set(s.connection().scalars(query))
    return sorted(found)
