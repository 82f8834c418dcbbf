"""Check a student list against the rules and the database: new, updated, unchanged or rejected."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import Programme
from coordinator_app.services.imports.cells import (
    Known,
    as_text,
    cached_check,
    cell_problems,
    check_cell,
    column_names,
    duplicate_rows,
    number_text,
    one_of,
)
from coordinator_app.services.imports.people import EMAIL_FIELDS, check_emails, chosen_people, plan_emails
from coordinator_app.services.imports.plan import CELL_PROBLEMS, ImportPlan, PlannedRow, Rejection, fingerprint
from coordinator_app.services.lookup import find_programme, parse_cohort, removed_numbers
from coordinator_app.services.students import student_validators
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

STUDENT_LIST_FIELDS = ("student_number", "first_name", "last_name", "email", "programme", "cohort", "specialization")
CHECKED_FIELDS = (*STUDENT_LIST_FIELDS, "infix", *EMAIL_FIELDS)


class _Existing(NamedTuple):
    """A student already in the database, as a student list is compared with it. (Plain tuples:
    SQLAlchemy's Row looks attributes up by name, ~0.6 us each, many per row of a 10,000-row file.)"""

    id: int
    student_number: str
    first_name: str
    last_name: str
    email: str
    specialization: str | None
    cohort_id: int
    code: str
    start_year: int


def _specialization_key(programme: Programme, text: str) -> str | None:
    wanted = text.strip().casefold()
    if not wanted:
        return None
    for spec in programme.specializations:
        if wanted in (spec.key.casefold(), spec.name.casefold()):
            return spec.key
    names = ", ".join(s.name for s in programme.specializations) or "none in this programme"
    raise DomainError(f"'{text}' is not a specialization of {programme.code} ({names}).", "specialization")


def plan_students(
    ws: Workspace,
    rows: list[tuple[int, dict[str, Any]]],
    headers: dict[str, str],
    source: str,
    programme: str | None = None,
    cohort: int | None = None,
) -> ImportPlan:
    """Check a student list row by row; nothing is written."""
    column = column_names(headers)
    checked, problems = _check_student_rows(ws, rows, column, programme, cohort)

    def against(session: Session) -> ImportPlan:
        return _match_students(ws, session, checked, problems, column, source)

    with ws.read() as s:
        plan = against(s)
    plan.recheck = against
    return plan


def _check_student_rows(
    ws: Workspace,
    rows: list[tuple[int, dict[str, Any]]],
    column: Callable[[str], str],
    programme: str | None,
    cohort: int | None,
) -> tuple[list[tuple[int, dict[str, Any]]], list[Rejection]]:
    """Each row's values as the rules accept them (no database needed), and the rejections."""
    default_programme = find_programme(ws.programmes, programme) if programme else None
    # The same checks as add_student (services/students.py); these four do not depend on the programme.
    validators = student_validators(default_programme or next(iter(ws.programmes.values())))
    number_check, first_check = validators["student_number"], validators["first_name"]
    last_check, email_check = validators["last_name"], validators["email"]
    names = {f: column(f) for f in (*STUDENT_LIST_FIELDS, "infix")}
    rejected: list[Rejection] = []
    numbers: list[tuple[int, str | None]] = []
    checked: list[tuple[int, dict[str, Any]]] = []
    known: Known = {}
    programme_named = lambda text: find_programme(ws.programmes, text)  # noqa: E731
    for row, raw in rows:
        if CELL_PROBLEMS in raw and (unusable := cell_problems(row, raw, column, CHECKED_FIELDS)):
            rejected.extend(unusable)
            continue
        problems: list[Rejection] = []
        number = check_cell(
            problems, row, names["student_number"], number_check, number_text(raw.get("student_number"))
        )
        numbers.append((row, number))
        prog_text = as_text(raw.get("programme"))
        prog = default_programme
        if prog_text:
            prog = cached_check(problems, row, names["programme"], known, programme_named, prog_text)
        first, last = as_text(raw.get("first_name")), as_text(raw.get("last_name"))
        infix = as_text(raw.get("infix"))
        if infix:
            last = f"{infix} {last}"
        values: dict[str, Any] = {
            "student_number": number,
            "programme": prog,
            "first_name": check_cell(problems, row, names["first_name"], first_check, first),
            "last_name": check_cell(problems, row, names["last_name"], last_check, last),
        }
        email = as_text(raw.get("email"))
        values["email"] = check_cell(problems, row, names["email"], email_check, email) if email else None
        cohort_text = as_text(raw.get("cohort"))
        values["cohort"] = (
            cached_check(problems, row, names["cohort"], known, parse_cohort, cohort_text) if cohort_text else cohort
        )
        spec_text = as_text(raw.get("specialization"))
        values["specialization"] = None
        if spec_text and prog is not None:
            values["specialization"] = check_cell(
                problems, row, names["specialization"], _specialization_key, prog, spec_text
            )
        values["_spec_text"] = spec_text if prog is None else ""  # checked once the student's programme is known
        values["people_emails"] = check_emails(problems, row, raw, column, email_check)
        rejected.extend(problems)
        if not problems:
            checked.append((row, values))

    duplicates = duplicate_rows(numbers)
    for row, others in duplicates.items():
        rejected.append(
            Rejection(
                row,
                names["student_number"],
                f"student number appears more than once in the file (also {others}); keep one row per student.",
            )
        )
    return [(row, v) for row, v in checked if row not in duplicates], rejected


def _match_students(
    ws: Workspace,
    s: Session,
    checked: list[tuple[int, dict[str, Any]]],
    problems: list[Rejection],
    column: Callable[[str], str],
    source: str,
) -> ImportPlan:
    """The checked rows against the database: new, updated or unchanged, or rejected."""
    plan = ImportPlan("students", source, rejected=list(problems), fingerprint=fingerprint(s))
    existing: dict[str, list[Any]] = defaultdict(list)
    S = m.Student
    wanted = {v["student_number"] for _, v in checked}
    if wanted:
        for r in s.execute(
            select(
                S.id,
                S.student_number,
                S.first_name,
                S.last_name,
                S.email,
                S.specialization,
                S.cohort_id,
                m.Programme.code,
                m.Cohort.start_year,
            )
            .join(m.Programme, S.programme_id == m.Programme.id)
            .join(m.Cohort, S.cohort_id == m.Cohort.id)
            .where(one_of(S.student_number, wanted))
        ):
            known_student = _Existing(*r)
            existing[known_student.student_number].append(known_student)
    removed = removed_numbers(s, wanted)
    # The people already chosen around the students whose rows give their e-mail addresses.
    with_emails = {v["student_number"] for _, v in checked if v["people_emails"]}
    chosen = chosen_people(s, [r.id for n in with_emails for r in existing.get(n, ())]) if with_emails else {}
    seen: dict[int, tuple[str, int]] = {}  # person -> (address, row): one address per person per file
    # Places taken per (programme, cohort, specialization), for the 20-place rule.
    taken: Counter[tuple[str, int, str]] = Counter()
    for code, year, spec, n in s.execute(
        select(m.Programme.code, m.Cohort.start_year, S.specialization, func.count())
        .join(m.Programme, S.programme_id == m.Programme.id)
        .join(m.Cohort, S.cohort_id == m.Cohort.id)
        .where(S.specialization.is_not(None), S.status != "stopped")
        .group_by(m.Programme.code, m.Cohort.start_year, S.specialization)
    ):
        if spec is not None:
            taken[(code, year, spec)] = n

    for row, v in checked:
        number = v["student_number"]
        prog: Programme | None = v["programme"]
        matches = existing.get(number, ())
        if prog is not None and matches:
            matches = [r for r in matches if r.code == prog.code]
        if len(matches) > 1:
            plan.rejected.append(
                Rejection(
                    row,
                    column("programme"),
                    f"student number {number} is in more than one programme; add a Programme column.",
                )
            )
            continue
        gone = [why for code, why in removed.get(number, ()) if prog is None or code == prog.code]
        if not matches and gone:
            plan.rejected.append(Rejection(row, column("student_number"), gone[0]))
            continue
        if not matches:
            if prog is None:
                plan.rejected.append(
                    Rejection(row, column("programme"), "a new student needs a programme (PM or IMIM).")
                )
                continue
            if v["cohort"] is None:
                plan.rejected.append(
                    Rejection(row, column("cohort"), "a new student needs a cohort (its start year, like 2025).")
                )
                continue
            if v["people_emails"]:
                plan.rejected.extend(plan_emails(row, None, v["people_emails"], chosen, seen, column)[2])
                continue
            spec = v["specialization"]
            if spec is not None and not _place_free(
                plan, taken, prog, v["cohort"], spec, row, column("specialization")
            ):
                continue
            values = {
                "student_number": number,
                "first_name": v["first_name"],
                "last_name": v["last_name"],
                "email": v["email"] or "",
                "cohort": v["cohort"],
                "specialization": spec,
                "programme": prog.code,
            }
            plan.add(PlannedRow(row, number, "new", values))
            continue
        current = matches[0]
        prog = ws.programmes[current.code]
        if v["cohort"] is not None and v["cohort"] != current.start_year:
            plan.rejected.append(
                Rejection(
                    row,
                    column("cohort"),
                    f"student {number} is in the {current.start_year}-{current.start_year + 1} "
                    f"cohort, the file says {v['cohort']}; change a cohort in the student's record.",
                )
            )
            continue
        spec = v["specialization"]
        if v["_spec_text"]:
            # No programme in the file: the specialization is checked against the student's own.
            try:
                spec = _specialization_key(prog, v["_spec_text"])
            except DomainError as exc:
                plan.rejected.append(Rejection(row, column("specialization"), exc.message))
                continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name, new in (
            ("first_name", v["first_name"]),
            ("last_name", v["last_name"]),
            ("email", v["email"]),
            ("specialization", spec),
        ):
            if new is None:  # an empty cell leaves the record as it is
                continue
            old = getattr(current, name)
            if old != new:
                changes[name] = (old, new)
        people: dict[str, int] = {}
        if v["people_emails"]:
            emails, people, refused = plan_emails(row, current.id, v["people_emails"], chosen, seen, column)
            if refused:
                plan.rejected.extend(refused)
                continue
            changes.update(emails)
        if "specialization" in changes:
            if not _place_free(
                plan, taken, prog, current.start_year, changes["specialization"][1], row, column("specialization")
            ):
                continue
        planned = {"people": people} if people else {}
        plan.add(PlannedRow(row, number, "updated" if changes else "unchanged", planned, changes, current.id))
    plan.rejected.sort(key=lambda r: (r.row, r.column))
    return plan


def _place_free(
    plan: ImportPlan, taken: Counter[tuple[str, int, str]], prog: Programme, year: int, spec: str, row: int, column: str
) -> bool:
    """At most `capacity` (20) students per specialization per cohort, counting the file's rows too."""
    definition = prog.specialization(spec)
    assert definition is not None
    key = (prog.code, year, spec)
    if taken[key] >= definition.capacity:
        plan.rejected.append(
            Rejection(
                row,
                column,
                f"{definition.name} is full in the {year}-{year + 1} cohort: "
                f"{taken[key]} of {definition.capacity} places are taken.",
            )
        )
        return False
    taken[key] += 1
    return True
