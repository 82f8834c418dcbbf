"""The flags of many students at once (domain/flags.py), for the attention list and `check`.

A student's record evaluates every rule on one snapshot. Across a whole database that costs
~0.5 ms a student, so here each kind of flag reads only the rows that can raise it (a few
columns, one query each) and hands them to the same domain function the record uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from sqlalchemy import or_, select
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
from coordinator_app.services.cohort_data import evaluated_chunks
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnyRow, AnySelect


@dataclass(frozen=True)
class Flagged:
    student_id: int
    student_number: str
    student_name: str
    programme: str
    cohort: int
    flag: Flag


S = m.Student


class _Where(TypedDict):
    programme_code: str | None
    cohort: int | None


def _who(*columns: Any, programme_code: str | None, cohort: int | None) -> AnySelect:
    """Active students (what the attention list and `check` look at) with the given columns."""
    query = (
        select(S.id, S.student_number, S.first_name, S.last_name, m.Programme.code, m.Cohort.start_year, *columns)
        .join(m.Programme, S.programme_id == m.Programme.id)
        .join(m.Cohort, S.cohort_id == m.Cohort.id)
        .where(S.status == "active")
    )
    if programme_code:
        query = query.where(m.Programme.code == programme_code)
    if cohort:
        query = query.where(m.Cohort.start_year == cohort)
    return query


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
) -> list[Flagged]:
    """Every flag of the active students selected. `violations_only` (for `check`) skips the
    kinds of flag that never break a rule; `readiness` as in services/attention."""
    where = _Where(programme_code=programme_code, cohort=cohort)
    found = [*_imim(ws, s, where), *_assessor_ranks(ws, s, where), *_same_person(ws, s, where)]
    if not violations_only:
        found += [
            *_missing_results(s, as_of, where),
            *_past_nominal_end(ws, s, as_of, where),
            *_graduation_month_passed(ws, s, as_of, where, readiness or {}),
        ]
    return [f for f in found if f.flag.violation or not violations_only]


def _imim(ws: Workspace, s: Session, where: _Where) -> Iterator[Flagged]:
    for code, programme in ws.programmes.items():
        rules = programme.imim
        if rules is None or where["programme_code"] not in (None, code):
            continue
        query = _who(
            S.year1_university,
            S.year2_university,
            S.english_test,
            S.english_overall,
            S.english_lowest_section,
            S.participation_fee_paid,
            **where,
        ).where(m.Programme.code == code)
        for row in s.execute(query):
            for flag in imim_flags(rules, row[5], *row[6:12]):
                yield from _flagged(row, flag)


def _assessor_ranks(ws: Workspace, s: Session, where: _Where) -> Iterator[Flagged]:
    """Approved internships and Literature Studies whose assessor's rank nobody recorded."""
    Intern, L = m.Internship, m.LiteratureStudy
    unknown = or_(Intern.assessor_rank.is_(None), Intern.assessor_rank == "")
    for row in s.execute(
        _who(Intern.kind, Intern.approval_status, Intern.assessor_rank, Intern.start_date, **where)
        .join(Intern, Intern.student_id == S.id)
        .where(Intern.approval_status == "approved", unknown)
    ):
        rules = ws.programmes[row[4]].internships
        if rules is not None and row[6] in rules.kinds:
            yield from _flagged(
                row,
                assessor_rank_flag(
                    rules.kinds[row[6]].name, "internships", row[7], row[8], rules.assessor_min_rank, row[9]
                ),
            )
    unknown = or_(L.assessor_rank.is_(None), L.assessor_rank == "")
    for row in s.execute(
        _who(L.approval_status, L.assessor_rank, L.start_date, **where)
        .join(L, L.student_id == S.id)
        .where(L.approval_status == "approved", unknown)
    ):
        literature = ws.programmes[row[4]].literature_study
        if literature is not None:
            name = ws.programmes[row[4]].component(literature.component).name
            yield from _flagged(
                row, assessor_rank_flag(name, "literature", row[6], row[7], literature.assessor_min_rank, row[8])
            )


def _same_person(ws: Workspace, s: Session, where: _Where) -> Iterator[Flagged]:
    L = m.LiteratureStudy
    for row in s.execute(
        _who(L.supervisor, L.assessor, L.start_date, **where)
        .join(L, L.student_id == S.id)
        .where(L.supervisor != "", L.assessor != "")
    ):
        rules = ws.programmes[row[4]].literature_study
        if rules is not None:
            name = ws.programmes[row[4]].component(rules.component).name
            yield from _flagged(row, same_person_flag(name, "literature", row[6], row[7], row[8]))


def _missing_results(s: Session, as_of: date, where: _Where) -> Iterator[Flagged]:
    R, C = m.CourseResult, m.Course
    query = (
        _who(C.name, R.attempt, R.exam_date, **where)
        .join(R, R.student_id == S.id)
        .join(C, R.course_id == C.id)
        .where(R.grade.is_(None), R.no_show.is_(False), R.exam_date < as_of)
    )
    for row in s.execute(query):
        for flag in missing_result_flags([OpenRegistration(*row[6:9])], as_of):
            yield from _flagged(row, flag)


def _past_nominal_end(ws: Workspace, s: Session, as_of: date, where: _Where) -> Iterator[Flagged]:
    G = m.GraduationPlan
    for code, programme in ws.programmes.items():
        if where["programme_code"] not in (None, code):
            continue
        # Only cohorts whose nominal years are over can be flagged; the rule decides the day. A student
        # with a graduation month planned is flagged for the record only (no action, no broken rule).
        query = (
            _who(**where)
            .outerjoin(G, G.student_id == S.id)
            .where(
                m.Programme.code == code, m.Cohort.start_year <= as_of.year - programme.duration_years, G.id.is_(None)
            )
        )
        for row in s.execute(query):
            yield from _flagged(row, past_nominal_end_flag(row[5], programme, "active", None, as_of))


def _graduation_month_passed(
    ws: Workspace, s: Session, as_of: date, where: _Where, known: Mapping[int, Readiness]
) -> Iterator[Flagged]:
    G = m.GraduationPlan
    planned = G.planned_year * 100 + G.planned_month
    rows = [
        r
        for r in s.execute(
            _who(G.planned_year, G.planned_month, **where)
            .join(G, G.student_id == S.id)
            .where(planned <= as_of.year * 100 + as_of.month)
        )
        if graduation_date(r[6], r[7]) < as_of
    ]  # only these can be flagged: no readiness for the rest
    verdicts = dict(known)
    todo = [r[0] for r in rows if r[0] not in verdicts]
    for chunk, evaluations in evaluated_chunks(s, todo, ws.programmes, as_of):
        for student, evaluation in zip(chunk.students, evaluations):
            verdicts[student.id] = evaluation.readiness
    for row in rows:
        yield from _flagged(row, graduation_month_passed_flag((row[6], row[7]), verdicts[row[0]], "active", as_of))
