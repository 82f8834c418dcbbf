"""A student's EC total kept right by a grade, without judging their whole record.

The EC total (`student.ec_earned`, which the list and the dashboard read) is the course components,
counted from the course results and the optional-course approvals, plus the whole parts (the
internships, the Literature Study, the Academic Core) that are complete (domain/progress.py). A grade
changes one course's attempts: the total moves only when that course turns from not passed to passed
or back, and then by the course's own EC where no cap can bite (`domain/progress.pass_ec_change`),
else by the difference of the course components before and after. What does not depend on course
results is the same on both sides. The results import moves totals the same way
(services/imports/apply.py).

Why not judge the student again (services/verdicts.refresh): that reads the whole record and runs
every rule, about three times a grade's own work (docs/performance.md, "Issue 12: one edit").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from coordinator_app.domain.grades import Grade, best_attempt_passes, grade_from
from coordinator_app.domain.programme import Programme
from coordinator_app.domain.progress import StudentProgressFacts, component_progress, pass_ec_change, total_ec
from coordinator_app.services.cohort_data import optional_course
from coordinator_app.store import models as m
from coordinator_app.store.quick_statements import QuickStatement, connection_of

Attempts = Sequence[tuple[float | None, bool]]  # one course's attempts in order: (grade, no show)

_R, _C, _A = m.table(m.CourseResult).c, m.table(m.Course).c, m.table(m.OptionalCourseApproval).c
_RESULTS = QuickStatement(
    select(_R.course_id, _C.code, _R.grade, _R.no_show)
    .join(m.table(m.Course), _R.course_id == _C.id)
    .where(_R.student_id == bindparam("sid"))
    .order_by(_R.course_id, _R.attempt)
)
_APPROVALS = QuickStatement(
    select(_A.course_id, _C.code, _C.ec, _A.status, _A.external, _A.credit_form_received)
    .join(m.table(m.Course), _A.course_id == _C.id)
    .where(_A.student_id == bindparam("sid"))
    .order_by(_C.code)
)


def grades_of(attempts: Iterable[tuple[float | None, bool]]) -> list[Grade]:
    """A course's grades in attempt order as the EC rules read them (an open registration has none)."""
    return [g for g in (grade_from(no_show, value) for value, no_show in attempts) if g is not None]


def total_after_grade(
    session: Session,
    student_id: int,
    total: int,
    programme: Programme,
    specialization: str | None,
    course_id: int,
    course_code: str,
    before: Attempts,
    after: Attempts,
) -> int:
    """The student's EC total once one course's attempts went from `before` to `after` (the data as
    written now): `total`, the stored one, unless the course's pass changed."""
    # A course counts for the EC when its best attempt is a pass.
    was, now = best_attempt_passes(before, programme.pass_mark), best_attempt_passes(after, programme.pass_mark)
    if was == now:
        return total
    change = pass_ec_change(programme, course_code, specialization)
    if change is not None:  # no cap can bite: the course's own EC, read nothing more
        return total + change if now else total - change
    db = connection_of(session)
    attempts: dict[int, list[tuple[float | None, bool]]] = defaultdict(list)
    code_of: dict[int, str] = {}
    for cid, code, grade, no_show in _RESULTS.rows(db, {"sid": student_id}):
        attempts[cid].append((grade, no_show))
        code_of[cid] = code
    approvals = _APPROVALS.rows(db, {"sid": student_id})

    def facts(results: dict[int, list[tuple[float | None, bool]]]) -> StudentProgressFacts:
        by_code = {code_of[cid]: grades_of(rows) for cid, rows in results.items()}
        optional = tuple(
            optional_course(code, ec, status, external, form, grades_of(results.get(cid, ())))
            for cid, code, ec, status, external, form in approvals
        )
        return StudentProgressFacts({c: g for c, g in sorted(by_code.items()) if g}, specialization, optional, {})

    earlier = {**attempts, course_id: list(before)}
    course_part = total_ec(component_progress(programme, facts(dict(attempts))))
    return total + course_part - total_ec(component_progress(programme, facts(earlier)))
