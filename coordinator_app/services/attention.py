"""The attention list: every overdue and soon-due item across the selected cohorts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ScalarSelect, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from coordinator_app.domain.attention import AttentionItem, Urgency, sort_key, urgency
from coordinator_app.domain.deadlines import MAX_DAYS_BEFORE
from coordinator_app.domain.graduation import Readiness, graduation_date, submission_deadline
from coordinator_app.domain.internships import voids_approval
from coordinator_app.services import verdicts
from coordinator_app.services.scoped_query import Scoped, active
from coordinator_app.services.verdicts import STORED_COLUMNS, Stored, V, keep, verdicts_for
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnyResult, AnyRow

LOOK_BACK_DAYS = 31  # a graduation deadline missed up to a month ago still needs attention

# Which tab of the student record shows each component.
TAB_OF = {
    "minor_internship": "internships",
    "major_internship": "internships",
    "literature_study": "literature",
    "academic_core": "academic_core",
    "graduation": "graduation",
}
# Which part of that tab: the Internships tab has a panel per internship.
PART_OF = {"minor_internship": "minor", "major_internship": "major"}


@dataclass(frozen=True)
class _Look:
    """What one attention list looks at: whose items, from which day, how far ahead."""

    ws: Workspace
    as_of: date
    within: int
    programme_code: str | None
    cohort: int | None
    worked_out: list[int] = field(default_factory=list)  # verdicts not stored (or not fitting): kept after

    @property
    def limit(self) -> date:
        return self.as_of + timedelta(days=self.within)

    def run(self, s: Session, query: Scoped, **values: object) -> AnyResult:
        """`query` for the active students of the programme and cohort looked at."""
        return query.run(s, self.programme_code, self.cohort, values)

    def item(self, row: AnyRow, due: date, component_key: str, what: str, kind: str) -> AttentionItem:
        """`kind`: what the item is within its component (a portfolio item's kind, "approval", ...)."""
        sid, number, first, last, prog, year = row[:6]
        component = "Graduation" if component_key == "graduation" else _component_name(self.ws, prog, component_key)
        return AttentionItem(
            due,
            sid,
            number,
            f"{first} {last}",
            prog,
            year,
            component,
            what,
            urgency(due, None, self.as_of, self.within),
            TAB_OF.get(component_key, "overview"),
            PART_OF.get(component_key, ""),
            f"{component_key}:{kind}",
        )


def _component_name(ws: Workspace, programme: str, key: str) -> str:
    try:
        return ws.programmes[programme].component(key).name
    except KeyError:
        return key.replace("_", " ").capitalize()


def attention_items(
    ws: Workspace,
    as_of: date | None = None,
    within: int = 14,
    programme_code: str | None = None,
    cohort: int | None = None,
    readiness: Mapping[int, Readiness] | None = None,
) -> list[AttentionItem]:
    """Overdue and due-within-`within`-days items, sorted by due date, then student number.

    `readiness`: graduation readiness already evaluated on `as_of` by the caller (the export
    evaluates every student anyway), by student id; students missing from it are evaluated here."""
    items = list(unsorted_attention_items(ws, as_of, within, programme_code, cohort, readiness))
    items.sort(key=sort_key)
    return items


def unsorted_attention_items(
    ws: Workspace,
    as_of: date | None = None,
    within: int = 14,
    programme_code: str | None = None,
    cohort: int | None = None,
    readiness: Mapping[int, Readiness] | None = None,
) -> Iterator[AttentionItem]:
    """The items of `attention_items` kind by kind, unsorted, so a caller that writes them elsewhere
    (the export sorts them on disk) never holds the whole list: 30,000 items at 100,000 students."""
    look = _Look(ws, as_of or ws.as_of(), within, programme_code, cohort)
    with ws.read() as s:
        yield from _portfolio(look, s)
        yield from _approvals(look, s)
        yield from _mentor_meetings(look, s)
        yield from _graduation(look, s, readiness or {})
        yield from _flags(look, s, readiness or {})
    keep(ws, look.worked_out, look.as_of, unless_fewer_than=verdicts.KEEP_FROM)


def _flags(look: _Look, s: Session, known: Mapping[int, Readiness]) -> list[AttentionItem]:
    """IMIM admission items, approvals without the assessor's rank, results not recorded, students
    past their nominal years, graduation months passed: each flag that needs action, from its day."""
    from coordinator_app.services.flags import flagged_students

    return [
        AttentionItem(
            f.flag.due,
            f.student_id,
            f.student_number,
            f.student_name,
            f.programme,
            f.cohort,
            f.flag.component,
            f.flag.what,
            urgency(f.flag.due, None, look.as_of, look.within),
            f.flag.tab,
            f.flag.part,
            f"{f.flag.tab}:{f.flag.part}:{f.flag.kind}",
        )
        for f in flagged_students(
            look.ws, s, look.as_of, look.programme_code, look.cohort, readiness=known, worked_out=look.worked_out
        )
        if f.flag.attention and f.flag.due is not None and f.flag.due <= look.limit
    ]


def graduation_months(as_of: date, within: int) -> tuple[int, int]:
    """First and last planned graduation month (as year * 100 + month) whose submission deadline
    can fall in the attention window (from a month ago to `within` days ahead): a deadline lies on
    or before the graduation date and at most MAX_DAYS_BEFORE days before it, whatever the schedule says."""
    limit = as_of + timedelta(days=within)
    earliest, latest = as_of - timedelta(days=LOOK_BACK_DAYS), limit + timedelta(days=MAX_DAYS_BEFORE)
    return earliest.year * 100 + earliest.month, latest.year * 100 + latest.month


P, Intern, L = m.PortfolioItem, m.Internship, m.LiteratureStudy
_OPEN_ITEMS = Scoped(
    lambda: (
        active(P.due_date, P.component, P.name, P.kind)
        .join(P, P.student_id == m.Student.id)
        .where(P.received_date.is_(None), P.due_date <= bindparam("limit"))
    )
)
_INTERNSHIP_APPROVALS = Scoped(
    lambda: (
        active(Intern.kind, Intern.start_date, Intern.approval_status, Intern.travel_code)
        .join(Intern, Intern.student_id == m.Student.id)
        .where(
            Intern.start_date.is_not(None),
            Intern.start_date <= bindparam("limit"),
            Intern.start_date >= bindparam("recent"),
            or_(Intern.approval_status != "approved", Intern.travel_code.in_(bindparam("voiding", expanding=True))),
        )
    )
)
_LITERATURE_APPROVALS = Scoped(
    lambda: (
        active(L.start_date, L.approval_status)
        .join(L, L.student_id == m.Student.id)
        .where(
            L.start_date.is_not(None),
            L.start_date <= bindparam("limit"),
            L.start_date >= bindparam("recent"),
            L.approval_status != "approved",
        )
    )
)


def _meetings_held() -> ScalarSelect[int]:
    return (
        select(func.count())
        .select_from(m.MentorMeeting)
        .where(m.MentorMeeting.student_id == m.Student.id, m.MentorMeeting.meeting_date <= bindparam("as_of"))
        .scalar_subquery()
    )


_FINAL_MEETINGS = Scoped(
    lambda: (
        active(P.due_date, _meetings_held())
        .join(
            P,
            and_(P.student_id == m.Student.id, P.component == "academic_core", P.kind == "final_portfolio"),
        )
        .where(P.received_date.is_(None), P.due_date <= bindparam("limit"))
    )
)
_PLANNED = m.GraduationPlan.planned_year * 100 + m.GraduationPlan.planned_month
_GRADUATING = Scoped(
    lambda: (
        active(m.GraduationPlan.planned_year, m.GraduationPlan.planned_month, m.Student.programme_id, *STORED_COLUMNS)
        .join(m.GraduationPlan, m.GraduationPlan.student_id == m.Student.id)
        .outerjoin(V, V.c.student_id == m.Student.id)
        .where(bindparam("last") >= _PLANNED, bindparam("first") <= _PLANNED)
    )
)
_SCHEDULE = select(
    m.GraduationDeadline.programme_id,
    m.GraduationDeadline.year,
    m.GraduationDeadline.month,
    m.GraduationDeadline.deadline,
)


def _portfolio(look: _Look, s: Session) -> Iterator[AttentionItem]:
    """The most numerous kind, made as they are read."""
    return (look.item(r, r[6], r[7], r[8], r[9]) for r in look.run(s, _OPEN_ITEMS, limit=look.limit))


def _approvals(look: _Look, s: Session) -> list[AttentionItem]:
    """Approval by the Examination Board is needed before a planned start (internships, Literature Study),
    and an approval voided by the travel advice (the programme's invalid_travel_codes) needs it again."""
    out = []
    ws, limit = look.ws, look.limit
    recent = look.as_of - timedelta(days=365)
    voiding = sorted(
        {code for p in ws.programmes.values() if p.internships for code in p.internships.invalid_travel_codes}
    )
    for r in look.run(s, _INTERNSHIP_APPROVALS, limit=limit, recent=recent, voiding=voiding):
        kind, start, status, code = r[6:10]
        rules = ws.programmes[r[4]].internships
        if status == "approved":
            if rules is None or not voids_approval(code, rules.invalid_travel_codes):
                continue  # another programme's code: valid here
            what = f"approval void: travel advice {code}"
        else:
            what = f"Examination Board approval before the start ({status})"
        out.append(look.item(r, start, f"{kind}_internship", what, "approval"))
    for r in look.run(s, _LITERATURE_APPROVALS, limit=limit, recent=recent):
        out.append(
            look.item(r, r[6], "literature_study", f"Examination Board approval before the start ({r[7]})", "approval")
        )
    return out


def _mentor_meetings(look: _Look, s: Session) -> list[AttentionItem]:
    """Fewer mentor meetings than required while the final portfolio meeting is coming up."""
    out = []
    for r in look.run(s, _FINAL_MEETINGS, limit=look.limit, as_of=look.as_of):
        rules = look.ws.programmes[r[4]].academic_core
        if rules and r[7] < rules.min_mentor_meetings:
            out.append(
                look.item(
                    r,
                    r[6],
                    "academic_core",
                    f"mentor meetings: {r[7]} of {rules.min_mentor_meetings} held",
                    "mentor_meetings",
                )
            )
    return out


def _graduation(look: _Look, s: Session, known: Mapping[int, Readiness]) -> list[AttentionItem]:
    """Students planned to graduate whose submission deadline is near and who are not ready."""
    ws, as_of, limit = look.ws, look.as_of, look.limit
    schedule = {(pid, year, month): day for pid, year, month, day in s.connection().execute(_SCHEDULE)}
    first, last = graduation_months(as_of, look.within)
    due: list[tuple[AnyRow, date]] = []
    for r in look.run(s, _GRADUATING, first=first, last=last):
        year, month, programme_id = r[6:9]
        deadline = submission_deadline(
            year, month, ws.programmes[r[4]].graduation, schedule.get((programme_id, year, month))
        )
        # Once the graduation date has passed, the "graduation month passed" flag takes over (services/flags.py).
        if as_of - timedelta(days=LOOK_BACK_DAYS) <= deadline <= limit and graduation_date(year, month) >= as_of:
            due.append((r, deadline))
    # The stored verdicts (services/verdicts.py); one missing or not fitting is worked out now.
    verdicts, worked_out = verdicts_for(
        s, ws.programmes, [(r[0], r[4], Stored(*r[9:13])) for r, _ in due if r[0] not in known], as_of
    )
    look.worked_out.extend(worked_out)
    out = []
    for r, deadline in due:
        year, month = r[6:8]
        ready = known[r[0]] if r[0] in known else verdicts[r[0]]
        if not ready.ready:
            shown = "; ".join(ready.blockers[:3]) + (
                f" (+{len(ready.blockers) - 3} more)" if len(ready.blockers) > 3 else ""
            )
            out.append(
                look.item(r, deadline, "graduation", f"graduation {year}-{month:02d} not ready: {shown}", "not_ready")
            )
    return out


def counts(items: list[AttentionItem]) -> dict[Urgency, int]:
    result = {Urgency.OVERDUE: 0, Urgency.DUE_SOON: 0}
    for item in items:
        if item.urgency in result:
            result[item.urgency] += 1
    return result


def overdue_per_student(items: Iterable[AttentionItem]) -> dict[int, int]:
    """How many overdue items each student has on the attention list, by student id. The student
    list's Overdue column and its "Overdue" filter count these, so both say what this list says."""
    return dict(Counter(item.student_id for item in items if item.urgency is Urgency.OVERDUE))
