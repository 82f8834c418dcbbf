"""Optional columns of a student list: the e-mail addresses of the people around each student
(issue 14, item 1). An address belongs to the person chosen in that role (the people register's,
everywhere they are chosen), so a row can give it only where someone is chosen; it is checked like
a student's address, and one person given two different addresses in one file is refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordinator_app.services.imports.cells import as_text, check_cell
from coordinator_app.services.imports.plan import Rejection
from coordinator_app.store import models as m

# field -> (where the person is chosen, internship kind, role column, how the role is said)
ROLES: dict[str, tuple[str, str | None, str, str]] = {
    "mentor_email": ("mentor", None, "person_id", "mentor"),
    "minor_daily_supervisor_email": (
        "internship",
        "minor",
        "daily_supervisor_id",
        "minor internship's daily supervisor",
    ),
    "minor_second_supervisor_email": (
        "internship",
        "minor",
        "second_supervisor_id",
        "minor internship's second supervisor",
    ),
    "minor_assessor_email": ("internship", "minor", "assessor_id", "minor internship's assessor"),
    "major_daily_supervisor_email": (
        "internship",
        "major",
        "daily_supervisor_id",
        "major internship's daily supervisor",
    ),
    "major_second_supervisor_email": (
        "internship",
        "major",
        "second_supervisor_id",
        "major internship's second supervisor",
    ),
    "major_assessor_email": ("internship", "major", "assessor_id", "major internship's assessor"),
    "literature_supervisor_email": ("literature", None, "supervisor_id", "Literature Study supervisor"),
    "literature_assessor_email": ("literature", None, "assessor_id", "Literature Study assessor"),
}
EMAIL_FIELDS = tuple(ROLES)


def check_emails(
    problems: list[Rejection],
    row: int,
    raw: dict[str, Any],
    column: Callable[[str], str],
    email_check: Callable[[str], str],
) -> dict[str, str]:
    """The addresses a row gives, each checked as a student's is."""
    found: dict[str, str] = {}
    for name in EMAIL_FIELDS:
        text = as_text(raw.get(name))
        if text:
            value = check_cell(problems, row, column(name), email_check, text)
            if value:
                found[name] = value
    return found


def chosen_people(s: Session, student_ids: Iterable[int]) -> dict[tuple[int, str], tuple[int, str]]:
    """(student id, field) -> (person id, their address now) for every role someone holds."""
    ids = list(student_ids)
    out: dict[tuple[int, str], tuple[int, str]] = {}
    if not ids:
        return out
    P, Intern, Lit = m.Person, m.Internship, m.LiteratureStudy
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for sid, pid, email in s.execute(
            select(m.Mentor.student_id, P.id, P.email)
            .join(P, m.Mentor.person_id == P.id)
            .where(m.Mentor.student_id.in_(chunk))
        ):
            out[(sid, "mentor_email")] = (pid, email or "")
        for name, (where, kind, role, _said) in ROLES.items():
            if where == "mentor":
                continue
            table = Intern if where == "internship" else Lit
            query = select(table.student_id, P.id, P.email).join(P, getattr(table, role) == P.id)
            query = query.where(table.student_id.in_(chunk))
            if kind is not None:
                query = query.where(Intern.kind == kind)
            for sid, pid, email in s.execute(query):
                out[(sid, name)] = (pid, email or "")
    return out


def plan_emails(
    row: int,
    student_id: int | None,
    given: dict[str, str],
    chosen: dict[tuple[int, str], tuple[int, str]],
    seen: dict[int, tuple[str, int]],
    column: Callable[[str], str],
) -> tuple[dict[str, tuple[Any, Any]], dict[str, int], list[Rejection]]:
    """For one row: the address changes (field -> (old, new)), the person each is for, and why not."""
    changes: dict[str, tuple[Any, Any]] = {}
    people: dict[str, int] = {}
    problems: list[Rejection] = []
    for name, email in given.items():
        said = ROLES[name][3]
        held = chosen.get((student_id, name)) if student_id is not None else None
        if held is None:
            problems.append(
                Rejection(row, column(name), f"nobody is the {said} yet; choose them in the student's record first.")
            )
            continue
        person, now = held
        other = seen.get(person)
        if other is not None and other[0].casefold() != email.casefold():
            problems.append(
                Rejection(row, column(name), f"the {said} has the address {other[0]} in row {other[1]} of this file.")
            )
            continue
        seen.setdefault(person, (email, row))
        people[name] = person
        if now != email:
            changes[name] = (now or None, email)
    return changes, people, problems
