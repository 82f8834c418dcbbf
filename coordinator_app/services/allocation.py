"""Specialization preferences, "Allocate" (preview, apply, one undo step) and the waiting lists.

The rule is in domain/allocation.py; the programme's tie-break is data (`[specialization_allocation]`
in its definition). Only students without a specialization are allocated: those placed by hand
keep their place and count against the capacity. A place that frees later (a student leaves the
specialization, stops or is removed) goes to the first on that specialization's waiting list, with
an audit entry (`fill_freed_places`, called by services/students.py).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.allocation import Allocation, Applicant, allocate, validate_preferences
from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.programme import TIE_BREAKS, Programme
from coordinator_app.services.lookup import cohort_row, existing_student, find_programme, programme_row
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

S, W, P = m.Student, m.WaitingListEntry, m.SpecializationPreference


def _programme_with_places(programme: Programme) -> None:
    if not programme.specializations:
        raise DomainError(f"{programme.name} has no specializations to choose.", "specialization")


# -- preferences -------------------------------------------------------------------------------------------
def preferences_of(ws: Workspace, student_id: int) -> tuple[str, ...]:
    with ws.read() as s:
        return _preferences(s, student_id)


def _preferences(s: Session, student_id: int) -> tuple[str, ...]:
    return tuple(s.scalars(select(P.specialization).where(P.student_id == student_id).order_by(P.choice)))


def set_preferences(ws: Workspace, student_id: int, preferences: Sequence[str]) -> tuple[str, ...]:
    """A student's ranking of the specializations (most wanted first); returns the one before, for Undo."""
    with ws.write() as s:
        student = existing_student(s, student_id)
        programme = ws.programme_of(student)
        _programme_with_places(programme)
        ranked = validate_preferences(preferences, [sp.key for sp in programme.specializations])
        before = _preferences(s, student.id)
        if before == ranked:
            return before
        s.execute(delete(P).where(P.student_id == student.id))
        s.flush()
        for choice, key in enumerate(ranked, start=1):
            s.add(P(student_id=student.id, choice=choice, specialization=key))
        ws.audit(s, "set preferences", "student", student.id, student.id, "preferences", _said(before), _said(ranked))
        return before


def _said(keys: Sequence[str]) -> str | None:
    return ", ".join(keys) if keys else None


# -- allocation --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PreviewLine:
    student_id: int
    student_number: str
    name: str
    preferences: tuple[str, ...]
    placed: str | None
    explanation: str


@dataclass(frozen=True)
class AllocationPreview:
    programme: str
    cohort: int
    rule: str
    seed: int
    free: dict[str, int]  # places free before the allocation, per specialization
    capacity: dict[str, int]
    names: dict[str, str]
    lines: tuple[PreviewLine, ...]
    waiting: dict[str, tuple[int, ...]]

    @property
    def rule_text(self) -> str:
        return TIE_BREAKS.get(self.rule, self.rule)

    def placed_in(self, key: str) -> int:
        return sum(1 for line in self.lines if line.placed == key)


def _scope(ws: Workspace, s: Session, programme_text: str, year: int) -> tuple[Programme, m.Cohort]:
    programme = find_programme(ws.programmes, programme_text)
    _programme_with_places(programme)
    cohort = cohort_row(s, programme_row(s, programme.code).id, year)
    return programme, cohort


def _taken(s: Session, cohort_id: int) -> dict[str, int]:
    return {
        key: n
        for key, n in s.execute(
            select(S.specialization, func.count())
            .where(S.cohort_id == cohort_id, S.specialization.is_not(None), S.status != "stopped")
            .group_by(S.specialization)
        )
        if key is not None
    }


def _scores(s: Session, ids: list[int]) -> dict[int, float]:
    """The mean of each student's best result per compulsory course (No Shows and registrations left out)."""
    R, C = m.CourseResult, m.Course
    best: dict[tuple[int, int], float] = {}
    for sid, course, grade in s.execute(
        select(R.student_id, R.course_id, R.grade)
        .join(C, R.course_id == C.id)
        .where(C.component == "compulsory", R.grade.is_not(None), R.student_id.in_(ids))
    ):
        if grade is not None:
            best[(sid, course)] = max(best.get((sid, course), 0.0), grade)
    sums: dict[int, list[float]] = {}
    for (sid, _course), grade in best.items():
        sums.setdefault(sid, []).append(grade)
    return {sid: round(sum(g) / len(g), 2) for sid, g in sums.items()}


def _compute(s: Session, programme: Programme, cohort: m.Cohort, seed: int) -> tuple[AllocationPreview, Allocation]:
    students = s.execute(
        select(S.id, S.student_number, S.first_name, S.last_name)
        .where(S.cohort_id == cohort.id, S.specialization.is_(None), S.status == "active")
        .order_by(S.student_number)
    ).all()
    ids = [row.id for row in students]
    prefs: dict[int, list[str]] = {}
    for start in range(0, len(ids), 900):
        for sid, key in s.execute(
            select(P.student_id, P.specialization).where(P.student_id.in_(ids[start : start + 900])).order_by(P.choice)
        ):
            prefs.setdefault(sid, []).append(key)
    rule = programme.allocation.tie_break if programme.allocation else "lottery"
    scores = _scores(s, ids) if rule == "compulsory_results" and ids else {}
    names = {sp.key: sp.name for sp in programme.specializations}
    capacity = {sp.key: sp.capacity for sp in programme.specializations}
    taken = _taken(s, cohort.id)
    free = {key: max(0, cap - taken.get(key, 0)) for key, cap in capacity.items()}
    applicants = [
        Applicant(row.id, f"{row.first_name} {row.last_name}", tuple(prefs.get(row.id, ())), scores.get(row.id))
        for row in students
    ]
    result = allocate(applicants, free, names, rule, seed)
    lines = tuple(
        PreviewLine(
            row.id,
            row.student_number,
            f"{row.first_name} {row.last_name}",
            tuple(prefs.get(row.id, ())),
            result.placed.get(row.id),
            result.explanations[row.id],
        )
        for row in students
    )
    preview = AllocationPreview(
        programme.code, cohort.start_year, rule, seed, free, capacity, names, lines, result.waiting
    )
    return preview, result


def preview_allocation(ws: Workspace, programme: str, cohort: int, seed: int | None = None) -> AllocationPreview:
    """What "Allocate" would do for the cohort, without writing anything (a new lottery seed unless given)."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    with ws.read() as s:
        found, cohort_row_ = _scope(ws, s, programme, cohort)
        return _compute(s, found, cohort_row_, seed)[0]


def apply_allocation(ws: Workspace, preview: AllocationPreview) -> int:
    """Do what `preview` showed, in one transaction, with the seed recorded; refused when the cohort
    changed since the preview was made. Returns the run's id (for `undo_allocation`)."""
    with ws.write() as s:
        programme, cohort = _scope(ws, s, preview.programme, preview.cohort)
        again, result = _compute(s, programme, cohort, preview.seed)
        if again.lines != preview.lines or again.free != preview.free:
            raise DomainError(
                "The cohort changed since this preview was made (a specialization or preference was changed); "
                "preview the allocation again.",
                "allocation",
            )
        before = _state(s, cohort.id, [line.student_id for line in preview.lines])
        before["placed"] = {str(line.student_id): line.placed for line in preview.lines if line.placed}
        placed_ids = [line.student_id for line in preview.lines if line.placed is not None]
        students = {st.id: st for st in s.scalars(select(S).where(S.id.in_(placed_ids)))} if placed_ids else {}
        for line in preview.lines:
            if line.placed is not None:
                student = students[line.student_id]
                student.specialization = line.placed
                ws.audit(
                    s, "allocate specialization", "student", student.id, student.id, "specialization", None, line.placed
                )
        s.execute(delete(W).where(W.cohort_id == cohort.id))
        for key, ids in result.waiting.items():
            for position, sid in enumerate(ids, start=1):
                s.add(W(student_id=sid, cohort_id=cohort.id, specialization=key, position=position, reason=""))
        run = m.AllocationRun(
            cohort_id=cohort.id,
            at=datetime.now(UTC).replace(tzinfo=None),
            os_user=ws.user,
            rule=preview.rule,
            seed=preview.seed,
            explanations=json.dumps({str(line.student_id): line.explanation for line in preview.lines}),
            before=json.dumps(before),
        )
        s.add(run)
        s.flush()
        placed = sum(1 for line in preview.lines if line.placed)
        ws.audit(
            s, "allocate specializations", "allocation", run.id, None, "seed", None, f"{preview.seed} ({placed} placed)"
        )
        _refresh(ws, s, [line.student_id for line in preview.lines if line.placed])
        return run.id


def _state(s: Session, cohort_id: int, ids: list[int]) -> dict[str, object]:
    waiting = [
        [w.student_id, w.specialization, w.position, w.reason]
        for w in s.scalars(select(W).where(W.cohort_id == cohort_id).order_by(W.id))
    ]
    return {"students": ids, "waiting": waiting}


def _refresh(ws: Workspace, s: Session, ids: list[int]) -> None:
    """The EC of students whose specialization changed, worked out for all of them at once."""
    from coordinator_app.services.cohort_data import refresh_ec_bulk

    s.flush()
    for start in range(0, len(ids), 500):
        refresh_ec_bulk(s, ids[start : start + 500], ws.programmes, ws.as_of())


def undo_allocation(ws: Workspace, run_id: int) -> None:
    """Take an allocation back: the students it placed have no specialization again and the waiting
    lists are as before. Refused when one of them was moved by hand since."""
    with ws.write() as s:
        run = s.get(m.AllocationRun, run_id)
        if run is None or run.undone_at is not None:
            raise NotFound("That allocation was already taken back.", "allocation")
        before = json.loads(run.before)
        for key, placed in before["placed"].items():
            sid = int(key)
            student = s.get(S, sid)
            if student is None:
                continue  # removed since: their place is freed when they are restored
            if student.specialization != placed:
                raise DomainError(
                    f"{student.student_number} {student.first_name} {student.last_name} was moved to another "
                    "specialization after the allocation; the allocation cannot be taken back any more.",
                    "allocation",
                )
            ws.audit(s, "undo allocation", "student", sid, sid, "specialization", student.specialization, None)
            student.specialization = None
        s.execute(delete(W).where(W.cohort_id == run.cohort_id))
        for sid, key, position, reason in before["waiting"]:
            s.add(W(student_id=sid, cohort_id=run.cohort_id, specialization=key, position=position, reason=reason))
        run.undone_at = datetime.now(UTC).replace(tzinfo=None)
        ws.audit(s, "undo allocation", "allocation", run.id, None, "seed", str(run.seed), None)
        _refresh(ws, s, before["students"])


def last_run(ws: Workspace, programme: str, cohort: int) -> int | None:
    """The most recent allocation of the cohort not taken back, if any."""
    with ws.read() as s:
        _found, cohort_row_ = _scope(ws, s, programme, cohort)
        return s.scalar(
            select(m.AllocationRun.id)
            .where(m.AllocationRun.cohort_id == cohort_row_.id, m.AllocationRun.undone_at.is_(None))
            .order_by(m.AllocationRun.id.desc())
            .limit(1)
        )


def explanation(ws: Workspace, student_id: int) -> str | None:
    """Why the student got what they got in their cohort's latest allocation."""
    with ws.read() as s:
        student = existing_student(s, student_id)
        for run in s.scalars(
            select(m.AllocationRun)
            .where(m.AllocationRun.cohort_id == student.cohort_id, m.AllocationRun.undone_at.is_(None))
            .order_by(m.AllocationRun.id.desc())
        ):
            text = json.loads(run.explanations).get(str(student_id))
            if text:
                return f"{text} (allocated {run.at:%d-%m-%Y}, lottery seed {run.seed})"
    return None


@dataclass(frozen=True)
class CohortToAllocate:
    year: int
    students: int  # active
    unplaced: int  # active, without a specialization: the ones Allocate would place


def cohorts_to_allocate(ws: Workspace, programme: str) -> list[CohortToAllocate]:
    """The programme's cohorts, newest first, with how many active students have no place yet."""
    with ws.read() as s:
        found = find_programme(ws.programmes, programme)
        _programme_with_places(found)
        rows = s.execute(
            select(m.Cohort.start_year, func.count(S.id), func.count(S.id).filter(S.specialization.is_(None)))
            .join(S, S.cohort_id == m.Cohort.id)
            .where(m.Cohort.programme_id == programme_row(s, found.code).id, S.status == "active")
            .group_by(m.Cohort.start_year)
            .order_by(m.Cohort.start_year.desc())
        )
        return [CohortToAllocate(year, total, unplaced) for year, total, unplaced in rows]


def specialization_names(ws: Workspace, programme: str) -> dict[str, str]:
    return {sp.key: sp.name for sp in find_programme(ws.programmes, programme).specializations}


# -- waiting lists -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    position: int
    student_id: int
    student: str
    has: str | None


def waiting_lists(ws: Workspace, programme: str, cohort: int) -> dict[str, list[Waiting]]:
    with ws.read() as s:
        found, cohort_row_ = _scope(ws, s, programme, cohort)
        lists: dict[str, list[Waiting]] = {sp.key: [] for sp in found.specializations}
        for w, number, first, last, has in s.execute(
            select(W, S.student_number, S.first_name, S.last_name, S.specialization)
            .join(S, W.student_id == S.id)
            .where(W.cohort_id == cohort_row_.id)
            .order_by(W.specialization, W.position)
        ):
            lists.setdefault(w.specialization, []).append(
                Waiting(len(lists[w.specialization]) + 1, w.student_id, f"{number} {first} {last}", has)
            )
        return lists


def fill_freed_places(ws: Workspace, s: Session, cohort_id: int, programme: Programme) -> list[int]:
    """Move the first waiting students into places that are free now (each move may free a place
    elsewhere: repeated until nothing moves). Returns the students moved."""
    moved: list[int] = []
    for _round in range(1000):
        s.flush()
        taken = _taken(s, cohort_id)
        step = False
        for sp in programme.specializations:
            if taken.get(sp.key, 0) >= sp.capacity:
                continue
            for entry in s.scalars(
                select(W).where(W.cohort_id == cohort_id, W.specialization == sp.key).order_by(W.position)
            ):
                student = s.get(S, entry.student_id)
                if student is None or student.status != "active":
                    continue  # removed or stopped: keeps their place in the queue should they come back
                before = student.specialization
                student.specialization = sp.key
                ws.audit(
                    s,
                    "moved up from the waiting list",
                    "student",
                    student.id,
                    student.id,
                    "specialization",
                    before,
                    sp.key,
                )
                leave_lower_lists(s, student.id, sp.key)
                moved.append(student.id)
                step = True
                break
            if step:
                break
        if not step:
            break
    _refresh(ws, s, moved)
    return moved


def leave_lower_lists(s: Session, student_id: int, got: str) -> None:
    """Placed in `got`: off its waiting list and off those of specializations ranked below it."""
    ranked = _preferences(s, student_id)
    keep = set(ranked[: ranked.index(got)]) if got in ranked else set()
    for entry in s.scalars(select(W).where(W.student_id == student_id)):
        if entry.specialization not in keep:
            s.delete(entry)
