"""The attention list: every overdue and soon-due item across the selected cohorts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from coordinator_app.domain.attention import AttentionItem, Urgency, sort_key, urgency
from coordinator_app.domain.deadlines import MAX_DAYS_BEFORE
from coordinator_app.domain.graduation import Readiness, graduation_date, submission_deadline
from coordinator_app.domain.internships import voids_approval
from coordinator_app.services.cohort_data import evaluated_chunks
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

LOOK_BACK_DAYS = 31    # a graduation deadline missed up to a month ago still needs attention

# Which tab of the student record shows each component.
TAB_OF = {"minor_internship": "internships", "major_internship": "internships", "literature_study": "literature",
          "academic_core": "academic_core", "graduation": "graduation"}


def _student_filter(query, programme_code: str | None, cohort: int | None):  # type: ignore[no-untyped-def]
    query = query.where(m.Student.status == "active")
    if programme_code:
        query = query.where(m.Programme.code == programme_code)
    if cohort:
        query = query.where(m.Cohort.start_year == cohort)
    return query


def _component_name(ws: Workspace, programme: str, key: str) -> str:
    try:
        return ws.programmes[programme].component(key).name
    except KeyError:
        return key.replace("_", " ").capitalize()


def attention_items(ws: Workspace, as_of: date | None = None, within: int = 14, programme_code: str | None = None,
                    cohort: int | None = None, readiness: Mapping[int, Readiness] | None = None) -> list[AttentionItem]:
    """Overdue and due-within-`within`-days items, sorted by due date, then student number.

    `readiness`: graduation readiness already evaluated on `as_of` by the caller (the export
    evaluates every student anyway), by student id; students missing from it are evaluated here."""
    as_of = as_of or ws.as_of()
    limit = as_of + timedelta(days=within)
    items: list[AttentionItem] = []
    with ws.read() as s:
        items += _portfolio(ws, s, as_of, limit, within, programme_code, cohort)
        items += _approvals(ws, s, as_of, limit, within, programme_code, cohort)
        items += _mentor_meetings(ws, s, as_of, limit, within, programme_code, cohort)
        items += _graduation(ws, s, as_of, limit, within, programme_code, cohort, readiness or {})
        items += _flags(ws, s, as_of, limit, within, programme_code, cohort, readiness or {})
    items.sort(key=sort_key)
    return items


def _flags(ws, s: Session, as_of, limit, within, programme_code, cohort,  # type: ignore[no-untyped-def]
           known: Mapping[int, Readiness]) -> list[AttentionItem]:
    """IMIM admission items, approvals without the assessor's rank, results not recorded, students
    past their nominal years, graduation months passed: each flag that needs action, from its day."""
    from coordinator_app.services.flags import flagged_students

    return [AttentionItem(f.flag.due, f.student_id, f.student_number, f.student_name, f.programme, f.cohort,
                          f.flag.component, f.flag.what, urgency(f.flag.due, None, as_of, within), f.flag.tab)
            for f in flagged_students(ws, s, as_of, programme_code, cohort, readiness=known)
            if f.flag.attention and f.flag.due is not None and f.flag.due <= limit]


def graduation_months(as_of: date, within: int) -> tuple[int, int]:
    """First and last planned graduation month (as year * 100 + month) whose submission deadline
    can fall in the attention window (from a month ago to `within` days ahead): a deadline lies on
    or before the graduation date and at most MAX_DAYS_BEFORE days before it, whatever the schedule says."""
    limit = as_of + timedelta(days=within)
    earliest, latest = as_of - timedelta(days=LOOK_BACK_DAYS), limit + timedelta(days=MAX_DAYS_BEFORE)
    return earliest.year * 100 + earliest.month, latest.year * 100 + latest.month


def _base(*columns):  # type: ignore[no-untyped-def]
    return (select(m.Student.id, m.Student.student_number, m.Student.first_name, m.Student.last_name,
                   m.Programme.code, m.Cohort.start_year, *columns)
            .join(m.Programme, m.Student.programme_id == m.Programme.id)
            .join(m.Cohort, m.Student.cohort_id == m.Cohort.id))


def _item(ws: Workspace, row, due: date, component_key: str, what: str, as_of: date, within: int) -> AttentionItem:  # type: ignore[no-untyped-def]
    sid, number, first, last, prog, year = row[:6]
    return AttentionItem(due, sid, number, f"{first} {last}", prog, year, _component_name(ws, prog, component_key)
                         if component_key != "graduation" else "Graduation", what,
                         urgency(due, None, as_of, within), TAB_OF.get(component_key, "overview"))


def _portfolio(ws, s: Session, as_of, limit, within, programme_code, cohort) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    query = _base(m.PortfolioItem.due_date, m.PortfolioItem.component, m.PortfolioItem.name).join(
        m.PortfolioItem, m.PortfolioItem.student_id == m.Student.id).where(
        m.PortfolioItem.received_date.is_(None), m.PortfolioItem.due_date <= limit)
    return [_item(ws, r, r[6], r[7], r[8], as_of, within) for r in s.execute(_student_filter(query, programme_code, cohort))]


def _approvals(ws, s: Session, as_of, limit, within, programme_code, cohort) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    """Approval by the Examination Board is needed before a planned start (internships, Literature Study),
    and an approval voided by the travel advice (the programme's invalid_travel_codes) needs it again."""
    out = []
    recent = as_of - timedelta(days=365)
    voiding = sorted({code for p in ws.programmes.values() if p.internships for code in p.internships.invalid_travel_codes})
    query = _base(m.Internship.kind, m.Internship.start_date, m.Internship.approval_status, m.Internship.travel_code).join(
        m.Internship, m.Internship.student_id == m.Student.id).where(
        m.Internship.start_date.is_not(None), m.Internship.start_date <= limit, m.Internship.start_date >= recent,
        or_(m.Internship.approval_status != "approved", m.Internship.travel_code.in_(voiding)))
    for r in s.execute(_student_filter(query, programme_code, cohort)):
        kind, start, status, code = r[6:10]
        rules = ws.programmes[r[4]].internships
        if status == "approved":
            if rules is None or not voids_approval(code, rules.invalid_travel_codes):
                continue        # another programme's code: valid here
            what = f"approval void: travel advice {code}"
        else:
            what = f"Examination Board approval before the start ({status})"
        out.append(_item(ws, r, start, f"{kind}_internship", what, as_of, within))
    query = _base(m.LiteratureStudy.start_date, m.LiteratureStudy.approval_status).join(
        m.LiteratureStudy, m.LiteratureStudy.student_id == m.Student.id).where(
        m.LiteratureStudy.start_date.is_not(None), m.LiteratureStudy.start_date <= limit,
        m.LiteratureStudy.start_date >= recent, m.LiteratureStudy.approval_status != "approved")
    for r in s.execute(_student_filter(query, programme_code, cohort)):
        out.append(_item(ws, r, r[6], "literature_study", f"Examination Board approval before the start ({r[7]})", as_of, within))
    return out


def _mentor_meetings(ws, s: Session, as_of, limit, within, programme_code, cohort) -> list[AttentionItem]:  # type: ignore[no-untyped-def]
    """Fewer mentor meetings than required while the final portfolio meeting is coming up."""
    held = (select(func.count()).select_from(m.MentorMeeting)
            .where(m.MentorMeeting.student_id == m.Student.id, m.MentorMeeting.meeting_date <= as_of)
            .scalar_subquery())
    query = _base(m.PortfolioItem.due_date, held).join(m.PortfolioItem, and_(
        m.PortfolioItem.student_id == m.Student.id, m.PortfolioItem.component == "academic_core",
        m.PortfolioItem.kind == "final_portfolio")).where(
        m.PortfolioItem.received_date.is_(None), m.PortfolioItem.due_date <= limit)
    out = []
    for r in s.execute(_student_filter(query, programme_code, cohort)):
        rules = ws.programmes[r[4]].academic_core
        if rules and r[7] < rules.min_mentor_meetings:
            out.append(_item(ws, r, r[6], "academic_core",
                             f"mentor meetings: {r[7]} of {rules.min_mentor_meetings} held", as_of, within))
    return out


def _graduation(ws, s: Session, as_of, limit, within, programme_code, cohort,  # type: ignore[no-untyped-def]
                known: Mapping[int, Readiness]) -> list[AttentionItem]:
    """Students planned to graduate whose submission deadline is near and who are not ready."""
    schedule = {(d.programme_id, d.year, d.month): d.deadline for d in s.scalars(select(m.GraduationDeadline))}
    first, last = graduation_months(as_of, within)
    planned = m.GraduationPlan.planned_year * 100 + m.GraduationPlan.planned_month
    query = _base(m.GraduationPlan.planned_year, m.GraduationPlan.planned_month, m.Student.programme_id).join(
        m.GraduationPlan, m.GraduationPlan.student_id == m.Student.id).where(planned <= last, planned >= first)
    due: list[tuple[object, date]] = []
    for r in s.execute(_student_filter(query, programme_code, cohort)):
        year, month, programme_id = r[6:9]
        deadline = submission_deadline(year, month, ws.programmes[r[4]].graduation, schedule.get((programme_id, year, month)))
        # Once the graduation date has passed, the "graduation month passed" flag takes over (services/flags.py).
        if as_of - timedelta(days=LOOK_BACK_DAYS) <= deadline <= limit and graduation_date(year, month) >= as_of:
            due.append((r, deadline))
    # Evaluated a group at a time, keeping only the verdicts (not every student's snapshot).
    verdicts: dict[int, Readiness] = {}
    for chunk, evaluations in evaluated_chunks(s, [r[0] for r, _ in due if r[0] not in known], ws.programmes, as_of):
        for student, evaluation in zip(chunk.students, evaluations):
            verdicts[student.id] = evaluation.readiness
    out = []
    for r, deadline in due:
        year, month = r[6:8]
        ready = known[r[0]] if r[0] in known else verdicts[r[0]]
        if not ready.ready:
            shown = "; ".join(ready.blockers[:3]) + (f" (+{len(ready.blockers) - 3} more)" if len(ready.blockers) > 3 else "")
            out.append(_item(ws, r, deadline, "graduation", f"graduation {year}-{month:02d} not ready: {shown}", as_of, within))
    return out


def counts(items: list[AttentionItem]) -> dict[Urgency, int]:
    result = {Urgency.OVERDUE: 0, Urgency.DUE_SOON: 0}
    for item in items:
        if item.urgency in result:
            result[item.urgency] += 1
    return result
