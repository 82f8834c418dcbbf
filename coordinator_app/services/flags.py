"""The flags of many students at once (domain/flags.py), for the attention list and `check`.

A student's record evaluates every rule on one snapshot. Across a whole database that costs
~0.5 ms a student, so here each kind of flag reads only the rows that can raise it (a few
columns, one query each) and hands them to the same domain function the record uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from sqlalchemy import bindparam, or_
from sqlalchemy.orm import Session

from coordinator_app.domain.flags import (
    Flag,
    OpenRegistration,
    assessor_rank_flag,
    graduation_month_passed_flag,
    imim_flags,
    missing_result_flags,
    past_nominal_end_flag,
    same_person_flag,
)
from coordinator_app.domain.graduation import Readiness, graduation_date
from coordinator_app.services.scoped_query import Scoped, active
from coordinator_app.services.verdicts import STORED_COLUMNS, Stored, V, verdicts_for
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnyResult, AnyRow


@dataclass(frozen=True)
class Flagged:
    student_id: int
    student_number: str
    student_name: str
    programme: str
    cohort: int
    flag: Flag


S, Intern, L, R, C, G = m.Student, m.Internship, m.LiteratureStudy, m.CourseResult, m.Course, m.GraduationPlan


class _Where(TypedDict):
    programme_code: str | None
    cohort: int | None


def _run(s: Session, query: Scoped, where: _Where, **values: object) -> AnyResult:
    return query.run(s, where["programme_code"], where["cohort"], values)


_IMIM_FACTS = Scoped(
    lambda: active(
        S.year1_university,
        S.year2_university,
        S.english_test,
        S.english_overall,
        S.english_lowest_section,
        S.participation_fee_paid,
    ).where(m.Programme.code == bindparam("code"))
)
_UNRANKED_INTERNSHIPS = Scoped(
    lambda: (
        active(Intern.kind, Intern.approval_status, Intern.assessor_rank, Intern.start_date)
        .join(Intern, Intern.student_id == S.id)
        .where(Intern.approval_status == "approved", or_(Intern.assessor_rank.is_(None), Intern.assessor_rank == ""))
    )
)
_UNRANKED_LITERATURE = Scoped(
    lambda: (
        active(L.approval_status, L.assessor_rank, L.start_date)
        .join(L, L.student_id == S.id)
        .where(L.approval_status == "approved", or_(L.assessor_rank.is_(None), L.assessor_rank == ""))
    )
)
_SUPERVISOR_AND_ASSESSOR = Scoped(
    lambda: (
        active(L.supervisor, L.assessor, L.start_date)
        .join(L, L.student_id == S.id)
        .where(L.supervisor != "", L.assessor != "")
    )
)
_OPEN_REGISTRATIONS = Scoped(
    lambda: (
        active(C.name, R.attempt, R.exam_date)
        .join(R, R.student_id == S.id)
        .join(C, R.course_id == C.id)
        .where(R.grade.is_(None), R.no_show.is_(False), R.exam_date < bindparam("as_of"))
    )
)
# Only cohorts whose nominal years are over can be flagged; the rule decides the day. A student
# with a graduation month planned is flagged for the record only (no action, no broken rule).
_NO_MONTH_PLANNED = Scoped(
    lambda: (
        active()
        .outerjoin(G, G.student_id == S.id)
        .where(m.Programme.code == bindparam("code"), m.Cohort.start_year <= bindparam("last_cohort"), G.id.is_(None))
    )
)
_MONTH_PASSED = Scoped(
    lambda: (
        active(G.planned_year, G.planned_month, *STORED_COLUMNS)
        .join(G, G.student_id == S.id)
        .outerjoin(V, V.c.student_id == S.id)
        .where(G.planned_year * 100 + G.planned_month <= bindparam("month"))
    )
)


def _flagged(row: AnyRow, flag: Flag | None) -> Iterator[Flagged]:
    if flag is not None:
        yield Flagged(row[0], row[1], f"{row[2]} {row[3]}", row[4], row[5], flag)


def flagged_students(
    ws: Workspace,
    s: Session,
    as_of: date,
    programme_code: str | None = None,
    cohort: int | None = None,
    violations_only: bool = False,
    readiness: Mapping[int, Readiness] | None = None,
    worked_out: list[int] | None = None,
) -> list[Flagged]:
    """Every flag of the active students selected. `violations_only` (for `check`) skips the
    kinds of flag that never break a rule; `readiness` as in services/attention; the students whose
    verdict was not stored and had to be worked out are added to `worked_out`."""
    where = _Where(programme_code=programme_code, cohort=cohort)
    found = [*_imim(ws, s, where), *_assessor_ranks(ws, s, where), *_same_person(ws, s, where)]
    if not violations_only:
        found += [
            *_missing_results(s, as_of, where),
            *_past_nominal_end(ws, s, as_of, where),
            *_graduation_month_passed(ws, s, as_of, where, readiness or {}, worked_out),
        ]
    return [f for f in found if f.flag.violation or not violations_only]


def _imim(ws: Workspace, s: Session, where: _Where) -> Iterator[Flagged]:
    for code, programme in ws.programmes.items():
        rules = programme.imim
        if rules is None or where["programme_code"] not in (None, code):
            continue
        for row in _run(s, _IMIM_FACTS, where, code=code):
            for flag in imim_flags(rules, row[5], *row[6:12]):
                yield from _flagged(row, flag)


def _assessor_ranks(ws: Workspace, s: Session, where: _Where) -> Iterator[Flagged]:
    """Approved internships and Literature Studies whose assessor's rank nobody recorded."""
    for row in _run(s, _UNRANKED_INTERNSHIPS, where):
        rules = ws.programmes[row[4]].internships
        if rules is not None and row[6] in rules.kinds:
            yield from _flagged(
                row,
                assessor_rank_flag(
                    rules.kinds[row[6]].name,
                    "internships",
                    row[7],
                    row[8],
                    rules.assessor_min_rank,
                    row[9],
                    part=row[6],
                ),
            )
    for row in _run(s, _UNRANKED_LITERATURE, where):
        literature = ws.programmes[row[4]].literature_study
        if literature is not None:
            name = ws.programmes[row[4]].component(literature.component).name
            yield from _flagged(
                row, assessor_rank_flag(name, "literature", row[6], row[7], literature.assessor_min_rank, row[8])
            )


def _same_person(ws: Workspace, s: Session, where: _Where) -> Iterator[Flagged]:
    for row in _run(s, _SUPERVISOR_AND_ASSESSOR, where):
        rules = ws.programmes[row[4]].literature_study
        if rules is not None:
            name = ws.programmes[row[4]].component(rules.component).name
            yield from _flagged(row, same_person_flag(name, "literature", row[6], row[7], row[8]))


def _missing_results(s: Session, as_of: date, where: _Where) -> Iterator[Flagged]:
    for row in _run(s, _OPEN_REGISTRATIONS, where, as_of=as_of):
        for flag in missing_result_flags([OpenRegistration(*row[6:9])], as_of):
            yield from _flagged(row, flag)


def _past_nominal_end(ws: Workspace, s: Session, as_of: date, where: _Where) -> Iterator[Flagged]:
    for code, programme in ws.programmes.items():
        if where["programme_code"] not in (None, code):
            continue
        for row in _run(s, _NO_MONTH_PLANNED, where, code=code, last_cohort=as_of.year - programme.duration_years):
            yield from _flagged(row, past_nominal_end_flag(row[5], programme, "active", None, as_of))


def _graduation_month_passed(
    ws: Workspace,
    s: Session,
    as_of: date,
    where: _Where,
    known: Mapping[int, Readiness],
    worked_out: list[int] | None,
) -> Iterator[Flagged]:
    rows = [
        r
        for r in _run(s, _MONTH_PASSED, where, month=as_of.year * 100 + as_of.month)
        if graduation_date(r[6], r[7]) < as_of
    ]  # only these can be flagged: no readiness for the rest
    stored, todo = verdicts_for(
        s, ws.programmes, [(r[0], r[4], Stored(*r[8:12])) for r in rows if r[0] not in known], as_of
    )
    verdicts = {**known, **stored}
    if worked_out is not None:
        worked_out.extend(todo)
    for row in rows:
        yield from _flagged(row, graduation_month_passed_flag((row[6], row[7]), verdicts[row[0]], "active", as_of))
