"""Who a message about a student goes to: the student, or a person around them, with their e-mail.

One function for every role (`recipient`), and its form for many students at once (`recipients`),
which reads each role in one query (drafts for 10,000 students must not ask 10,000 times). The
names and addresses are the people register's (services/people.py); a role nobody holds gives
None, and a person without an address gives `email` None (never an empty address).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

Role = Literal[
    "student",
    "daily_supervisor",
    "second_supervisor",
    "assessor",
    "literature_supervisor",
    "literature_assessor",
    "mentor",
]
ROLES: tuple[Role, ...] = (
    "student",
    "daily_supervisor",
    "second_supervisor",
    "assessor",
    "literature_supervisor",
    "literature_assessor",
    "mentor",
)


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None  # None: no address recorded


def recipient(ws: Workspace, student_id: int, role: Role, internship: str | None = None) -> Recipient | None:
    """The student (role "student") or the person in `role` around them, or None when nobody holds it.

    `internship` ("minor" or "major") says whose supervisors and assessor are meant; without it,
    the internship that is current: the one started most recently whose marks are not registered,
    else the one planned to start next, else the last one."""
    return recipients(ws, [student_id], role, internship).get(student_id)


def recipients(
    ws: Workspace, student_ids: Iterable[int], role: Role, internship: str | None = None
) -> dict[int, Recipient | None]:
    """`recipient` for many students at once: student id -> Recipient (or None)."""
    if role not in ROLES:
        raise DomainError(f"'{role}' is not a role; choose one of: {', '.join(ROLES)}.", "role")
    if internship not in (None, "minor", "major"):
        raise DomainError(f"An internship is minor or major, not '{internship}'.", "internship")
    wanted = list(dict.fromkeys(student_ids))
    found: dict[int, Recipient | None] = dict.fromkeys(wanted)
    with ws.read() as s:
        for start in range(0, len(wanted), 900):  # bound parameters per statement stay small
            chunk = wanted[start : start + 900]
            found.update(_read(s, chunk, role, internship, ws.as_of()))
    return found


def _person_of(email: str | None) -> str | None:
    return email.strip() if email and email.strip() else None


def _read(s: object, ids: list[int], role: Role, internship: str | None, today: date) -> dict[int, Recipient]:
    from sqlalchemy.orm import Session

    assert isinstance(s, Session)
    P = m.Person
    if role == "student":
        S = m.Student
        return {
            sid: Recipient(f"{first} {last}", _person_of(email))
            for sid, first, last, email in s.execute(
                select(S.id, S.first_name, S.last_name, S.email).where(S.id.in_(ids))
            )
        }
    if role == "mentor":
        mentors = s.execute(
            select(m.Mentor.student_id, m.Mentor.name, m.Mentor.email, P.name, P.email)
            .outerjoin(P, m.Mentor.person_id == P.id)
            .where(m.Mentor.student_id.in_(ids))
        )
        return {
            sid: Recipient(pname or name, _person_of(pmail if pname else email))
            for sid, name, email, pname, pmail in mentors
            if (pname or name)
        }
    if role in ("literature_supervisor", "literature_assessor"):
        L = m.LiteratureStudy
        column = L.supervisor_id if role == "literature_supervisor" else L.assessor_id
        text = L.supervisor if role == "literature_supervisor" else L.assessor
        found = s.execute(
            select(L.student_id, text, P.name, P.email).outerjoin(P, column == P.id).where(L.student_id.in_(ids))
        )
        return {
            sid: Recipient(pname or name, _person_of(pmail)) for sid, name, pname, pmail in found if (pname or name)
        }
    I = m.Internship  # noqa: E741
    column, text = {
        "daily_supervisor": (I.daily_supervisor_id, I.daily_supervisor),
        "second_supervisor": (I.second_supervisor_id, I.second_supervisor),
        "assessor": (I.assessor_id, I.assessor),
    }[role]
    query = (
        select(I.student_id, I.kind, I.start_date, I.marks_registered_on, text, P.name, P.email)
        .outerjoin(P, column == P.id)
        .where(I.student_id.in_(ids))
    )
    if internship is not None:
        query = query.where(I.kind == internship)
    by_student: dict[int, list[tuple[str, date | None, date | None, Recipient | None]]] = {}
    for sid, kind, start, registered, name, pname, pmail in s.execute(query):
        who = Recipient(pname or name, _person_of(pmail)) if (pname or name) else None
        by_student.setdefault(sid, []).append((kind, start, registered, who))
    out: dict[int, Recipient] = {}
    for sid, held in by_student.items():
        chosen = held[0] if len(held) == 1 else _current(held, today)
        if chosen[3] is not None:
            out[sid] = chosen[3]
    return out


def _current(
    rows: list[tuple[str, date | None, date | None, Recipient | None]], today: date
) -> tuple[str, date | None, date | None, Recipient | None]:
    """The internship a reminder is about: started and not finished, else the next to start, else the last."""
    running = [r for r in rows if r[1] is not None and r[1] <= today and r[2] is None]
    if running:
        return max(running, key=lambda r: r[1] or today)
    upcoming = [r for r in rows if r[1] is not None and r[1] > today]
    if upcoming:
        return min(upcoming, key=lambda r: r[1] or today)
    return max(rows, key=lambda r: (r[1] or date.min, r[0] == "major"))
