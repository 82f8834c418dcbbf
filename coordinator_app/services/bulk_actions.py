"""The bulk actions of the student and attention lists (services/bulk.py runs them).

Each judges one student with the same rules the record's edit uses (a received date in the future,
an approval without a decision date or voided by the travel advice, a graduation month before the
cohort started, a mentor for a programme without Academic Core) and changes them with an audit
entry each, through the same service code the record uses where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.domain.approvals import APPROVAL_STATUSES, check_decision_date, is_decision
from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.graduation import month_name
from coordinator_app.domain.internships import voids_approval
from coordinator_app.domain.people import validate_email
from coordinator_app.domain.values import FieldValue
from coordinator_app.services.academic_core import clear_mentor_in, set_mentor_in
from coordinator_app.services.graduation import clear_plan_in, plan_in
from coordinator_app.services.internships import apply_changes
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

Judged = tuple[str, str, str, bool]  # before, after, refused reason ("" if not), already so


def _day(value: date | None) -> str:
    return f"{value:%d-%m-%Y}" if value else ""


@dataclass(frozen=True)
class MarkReceived:
    """One portfolio item ("minor_internship", "list_of_agreements") received on one date."""

    component: str
    kind: str
    name: str  # "List of Agreements (A)"
    component_name: str  # "Minor internship"
    received: date
    as_of: date

    def __post_init__(self) -> None:
        if self.received > self.as_of:
            raise DomainError(f"The received date {self.received:%d-%m-%Y} is in the future.", "received_date")

    def describe(self) -> str:
        return f"mark {self.name} ({self.component_name.lower()}) received on {self.received:%d-%m-%Y}"

    def load(self, s: Session, ids: list[int]) -> dict[int, m.PortfolioItem]:
        P = m.PortfolioItem
        query = select(P).where(P.student_id.in_(ids), P.component == self.component, P.kind == self.kind)
        return {item.student_id: item for item in s.scalars(query)}

    def judge(self, ws: Workspace, student: m.Student, item: m.PortfolioItem | None) -> Judged:
        if item is None:
            programme = ws.programme_of(student)
            if self.component == "academic_core" and programme.academic_core is None:
                return "", "", f"{programme.code} has no Academic Core", False
            return "", "", f"no {self.name} ({self.component_name.lower()} not planned)", False
        if item.received_date is not None:
            before = f"received {_day(item.received_date)}"
            return before, before, "", True  # kept: an earlier date is not overwritten in bulk
        return "not received", f"received {_day(self.received)}", "", False

    def change(self, ws: Workspace, s: Session, student: m.Student, item: m.PortfolioItem | None) -> None:
        assert item is not None  # judged first: a student without the item is refused, never changed
        item.received_date = self.received
        ws.audit(
            s,
            "mark received",
            "portfolio_item",
            item.id,
            student.id,
            f"{item.component} {item.kind}",
            None,
            self.received,
        )

    def take_back(
        self, ws: Workspace, s: Session, student: m.Student, _before: None, item: m.PortfolioItem | None
    ) -> None:
        if item is None:
            raise DomainError(f"{student.student_number}: the {self.name} is gone; not undone.", None)
        previous, item.received_date = item.received_date, None
        ws.audit(
            s, "clear received", "portfolio_item", item.id, student.id, f"{item.component} {item.kind}", previous, None
        )


APPROVAL_OF = {"minor": "minor internship", "major": "major internship", "literature": "Literature Study"}


@dataclass(frozen=True)
class SetApproval:
    """The Examination Board's decision (or request) for one internship or the Literature Study."""

    what: str  # "minor", "major" or "literature"
    status: str
    decided_on: date | None

    def __post_init__(self) -> None:
        if self.what not in APPROVAL_OF:
            raise DomainError(f"Approval of what: {', '.join(APPROVAL_OF)}; not '{self.what}'.", "what")
        if self.status not in APPROVAL_STATUSES:
            raise DomainError(f"Approval must be one of: {', '.join(APPROVAL_STATUSES)}.", "approval_status")
        check_decision_date(self.status, self.decided_on, "approval_date")

    def describe(self) -> str:
        on = f" on {self.decided_on:%d-%m-%Y}" if self.decided_on and is_decision(self.status) else ""
        return f"set the {APPROVAL_OF[self.what]}'s approval to {self.status}{on}"

    def _model(self) -> type[m.Internship] | type[m.LiteratureStudy]:
        return m.LiteratureStudy if self.what == "literature" else m.Internship

    def load(self, s: Session, ids: list[int]) -> dict[int, m.Internship | m.LiteratureStudy]:
        if self.what == "literature":
            return {
                r.student_id: r
                for r in s.scalars(select(m.LiteratureStudy).where(m.LiteratureStudy.student_id.in_(ids)))
            }
        query = select(m.Internship).where(m.Internship.student_id.in_(ids), m.Internship.kind == self.what)
        return {r.student_id: r for r in s.scalars(query)}

    def _after(self) -> str:
        return self.status + (f" {_day(self.decided_on)}" if is_decision(self.status) else "")

    def judge(self, ws: Workspace, student: m.Student, row: m.Internship | m.LiteratureStudy | None) -> Judged:
        programme = ws.programme_of(student)
        if self.what == "literature" and programme.literature_study is None:
            return "", "", f"{programme.code} has no Literature Study", False
        if self.what != "literature" and programme.internships is None:
            return "", "", f"{programme.code} has no internships", False
        if row is None:
            return "", "", f"the {APPROVAL_OF[self.what]} is not planned", False
        before = row.approval_status + (f" {_day(row.approval_date)}" if is_decision(row.approval_status) else "")
        rules = programme.internships
        if (
            self.status == "approved"
            and self.what != "literature"
            and isinstance(row, m.Internship)  # always, when it is not the Literature Study (load)
            and rules is not None
            and voids_approval(row.travel_code, rules.invalid_travel_codes)
        ):
            return before, "", f"travel advice {row.travel_code} voids an approval", False
        same = row.approval_status == self.status and (
            not is_decision(self.status) or row.approval_date == self.decided_on
        )
        return before, self._after(), "", same

    def change(
        self, ws: Workspace, s: Session, student: m.Student, row: m.Internship | m.LiteratureStudy | None
    ) -> dict[str, FieldValue]:
        changes: dict[str, FieldValue] = {"approval_status": self.status}
        if is_decision(self.status):
            changes["approval_date"] = self.decided_on
        assert row is not None  # judged first: a student without it is refused, never changed
        return self._set(ws, s, student, row, changes)

    def _set(
        self,
        ws: Workspace,
        s: Session,
        student: m.Student,
        row: m.Internship | m.LiteratureStudy,
        changes: dict[str, FieldValue],
    ) -> dict[str, FieldValue]:
        if self.what == "literature":
            return apply_changes(ws, s, row, changes, "change literature study", "literature_study", student.id, "")
        return apply_changes(ws, s, row, changes, "change internship", "internship", student.id, f"{self.what} ")

    def take_back(
        self,
        ws: Workspace,
        s: Session,
        student: m.Student,
        before: dict[str, FieldValue],
        row: m.Internship | m.LiteratureStudy | None,
    ) -> None:
        if row is None:
            raise DomainError(f"{student.student_number}: the {APPROVAL_OF[self.what]} is gone; not undone.", None)
        # The date first: going back to "approved" needs its decision date already there.
        ordered = dict(sorted(before.items(), key=lambda kv: kv[0] != "approval_date"))
        self._set(ws, s, student, row, ordered)


@dataclass(frozen=True)
class PlanGraduation:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise DomainError(f"A month is 1-12, not {self.month}.", "month")

    def describe(self) -> str:
        return f"plan graduation in {month_name(self.year, self.month)}"

    def load(self, s: Session, ids: list[int]) -> dict[int, m.GraduationPlan]:
        query = select(m.GraduationPlan).where(m.GraduationPlan.student_id.in_(ids))
        return {p.student_id: p for p in s.scalars(query)}

    def judge(self, ws: Workspace, student: m.Student, plan: m.GraduationPlan | None) -> Judged:
        before = month_name(plan.planned_year, plan.planned_month) if plan else "not planned"
        after = month_name(self.year, self.month)
        if plan is not None and plan.graduated_on is not None:
            return before, "", f"graduated on {_day(plan.graduated_on)}", False
        if student.status != "active":
            return before, "", f"{student.status}, not active", False
        if self.year < student.cohort.start_year:
            return before, "", f"before the cohort started ({student.cohort.start_year})", False
        same = plan is not None and (plan.planned_year, plan.planned_month) == (self.year, self.month)
        return before, after, "", same

    def change(
        self, ws: Workspace, s: Session, student: m.Student, _plan: m.GraduationPlan | None
    ) -> tuple[int, int] | None:
        return plan_in(ws, s, student, self.year, self.month)

    def take_back(
        self,
        ws: Workspace,
        s: Session,
        student: m.Student,
        before: tuple[int, int] | None,
        _plan: m.GraduationPlan | None,
    ) -> None:
        if before is None:
            clear_plan_in(ws, s, student)
        else:
            plan_in(ws, s, student, *before)


@dataclass(frozen=True)
class AssignMentor:
    name: str
    organisation: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        if not " ".join(self.name.split()):
            raise DomainError("Give the mentor's name.", "mentor")
        validate_email(self.email)

    def describe(self) -> str:
        return f"make {' '.join(self.name.split())} the mentor"

    def load(self, s: Session, ids: list[int]) -> dict[int, m.Mentor]:
        return {r.student_id: r for r in s.scalars(select(m.Mentor).where(m.Mentor.student_id.in_(ids)))}

    def judge(self, ws: Workspace, student: m.Student, mentor: m.Mentor | None) -> Judged:
        programme = ws.programme_of(student)
        before = mentor.name if mentor else "no mentor"
        name = " ".join(self.name.split())
        if programme.academic_core is None:
            return before, "", f"{programme.code} has no Academic Core mentor", False
        same = mentor is not None and (mentor.name, mentor.organisation, mentor.email) == (
            name,
            " ".join(self.organisation.split()),
            self.email.strip(),
        )
        return before, name, "", same

    def change(self, ws: Workspace, s: Session, student: m.Student, _mentor: m.Mentor | None) -> dict[str, str] | None:
        # No address given: the register keeps the person's (an empty one would clear it everywhere).
        return set_mentor_in(ws, s, student, self.name, self.organisation, self.email.strip() or None)

    def take_back(
        self, ws: Workspace, s: Session, student: m.Student, before: dict[str, str] | None, _mentor: m.Mentor | None
    ) -> None:
        if before is None:
            clear_mentor_in(ws, s, student)
        else:
            set_mentor_in(ws, s, student, before["name"], before["organisation"], before["email"])
