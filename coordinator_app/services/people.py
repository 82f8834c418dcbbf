"""The people register: the people for the type-ahead and the register window, and adding,
changing, merging and deleting a person, one transaction and audit entry each. Every row that
chose a person shows their name and rank (`sync_person`; services/registers.py says why); a
change of rank re-checks the assessor-rank rule where they assess (`recheck_rank`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.programme import InternshipRules, LiteratureStudyRules
from coordinator_app.domain.ranks import RANKS
from coordinator_app.domain.registers import PERSON_FIELDS, may_assess, validate_fields
from coordinator_app.domain.values import FieldValue
from coordinator_app.services.registers import duplicate_entry, entry_label, set_fields
from coordinator_app.services.verdicts import mark_touched
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

I, L, M = m.Internship, m.LiteratureStudy, m.Mentor  # noqa: E741 (the tables, by their initials)
# Every column that points at a person, with the text columns that copy the person's name and rank.
PERSON_COLUMNS: tuple[
    tuple[type[m.Internship] | type[m.LiteratureStudy] | type[m.Mentor], str, str, str | None], ...
] = (
    (I, "daily_supervisor_id", "daily_supervisor", "daily_supervisor_rank"),
    (I, "second_supervisor_id", "second_supervisor", "second_supervisor_rank"),
    (I, "assessor_id", "assessor", "assessor_rank"),
    (L, "supervisor_id", "supervisor", None),
    (L, "assessor_id", "assessor", "assessor_rank"),
    (M, "person_id", "name", None),
)
ROLE_NAMES = {
    (I, "daily_supervisor_id"): "daily supervisor",
    (I, "second_supervisor_id"): "second supervisor",
    (I, "assessor_id"): "Amsterdam UMC assessor",
    (L, "supervisor_id"): "Literature Study supervisor",
    (L, "assessor_id"): "Literature Study assessor",
    (M, "person_id"): "mentor",
}


@dataclass(frozen=True)
class PersonEntry:
    id: int
    name: str
    rank: str | None
    organisation: str
    email: str
    notes: str
    roles: int = 0

    @property
    def label(self) -> str:
        rank = RANKS.get(self.rank or "", "")
        return " · ".join(p for p in (self.name, rank, self.organisation) if p)


def people(ws: Workspace) -> list[PersonEntry]:
    """Every person, by name, with how many roles they have."""
    with ws.read() as s:
        roles: dict[int, int] = {}
        for table, column, _name, _rank in PERSON_COLUMNS:
            col = getattr(table, column)
            for pid, n in s.execute(select(col, func.count()).where(col.is_not(None)).group_by(col)):
                roles[pid] = roles.get(pid, 0) + n
        return [
            PersonEntry(p.id, p.name, p.rank, p.organisation, p.email, p.notes, roles.get(p.id, 0))
            for p in s.scalars(select(m.Person).order_by(m.Person.name, m.Person.organisation))
        ]


def _person(s: Session, person_id: int) -> m.Person:
    row = s.get(m.Person, person_id)
    if row is None:
        raise NotFound("That person is no longer in the register.", "person")
    return row


def add_person(ws: Workspace, **fields: Any) -> int:
    """A new person; refused when one with the same name and organisation is there already."""
    clean = validate_fields(PERSON_FIELDS, fields, "a person")
    if "name" not in clean:
        raise DomainError("Give the person's name.", "name")
    with ws.write() as s:
        return create_person(ws, s, clean)


def create_person(ws: Workspace, s: Session, clean: dict[str, Any]) -> int:
    same = duplicate_entry(s, m.Person, clean["name"], clean.get("organisation", ""))
    if same is not None:
        raise DomainError(
            f"{entry_label(same.name, same.organisation)} is in the register already; choose them instead.", "name"
        )
    row = m.Person(**{"organisation": "", "email": "", "notes": ""} | clean)
    s.add(row)
    s.flush()
    ws.audit(s, "add person", "person", row.id, None, "name", None, entry_label(row.name, row.organisation))
    return row.id


@dataclass(frozen=True)
class RankCheck:
    """An open internship or Literature Study where the person is the Amsterdam UMC assessor, and
    what the assessor-rank rule says now their rank changed."""

    student_id: int
    student: str
    what: str
    allowed: bool
    sentence: str


@dataclass(frozen=True)
class PersonChange:
    old: dict[str, FieldValue]
    rechecked: tuple[RankCheck, ...] = ()


def update_person(ws: Workspace, person_id: int, **fields: Any) -> PersonChange:
    """Change a person everywhere they are chosen. A change of rank re-checks each open internship
    and Literature Study they assess (returned, and noted in those students' history)."""
    clean = validate_fields(PERSON_FIELDS, fields, "a person")
    with ws.write() as s:
        row = _person(s, person_id)
        old = set_fields(ws, s, row, clean, "change person", "person")
        if {"name", "organisation"} & set(old):
            same = duplicate_entry(s, m.Person, row.name, row.organisation, other_than=row.id)
            if same is not None:
                raise DomainError(
                    f"{entry_label(same.name, same.organisation)} is in the register already; merge the two instead.",
                    "name",
                )
        sync_person(s, row)
        # The old rank is Person.rank as it was read: text or none, by construction.
        rechecked = recheck_rank(ws, s, row, cast(str | None, old["rank"])) if "rank" in old else ()
        return PersonChange(old, rechecked)


def sync_person(s: Session, row: m.Person) -> None:
    """Every row that chose this person shows their name (and rank; a mentor also organisation and e-mail)."""
    s.flush()
    for table, column, name_column, rank_column in PERSON_COLUMNS:
        # Their students' stored verdicts read the rank (services/verdicts.py): judged again at the commit.
        mark_touched(s, s.scalars(select(table.student_id).where(getattr(table, column) == row.id)))
        values: dict[str, Any] = {name_column: row.name}
        if rank_column:
            values[rank_column] = row.rank
        if table is M:
            values |= {"organisation": row.organisation, "email": row.email}
        s.execute(
            update(table)
            .where(getattr(table, column) == row.id)
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )


def recheck_rank(ws: Workspace, s: Session, row: m.Person, old_rank: str | None) -> tuple[RankCheck, ...]:
    """The open internships and Literature Studies this person assesses, judged by the rank rule again."""
    S = m.Student
    found: list[RankCheck] = []
    queries = (
        (I, select(S, I.kind, I.id).join(I, I.student_id == S.id).where(I.assessor_id == row.id)),
        (L, select(S, L.id, L.id).join(L, L.student_id == S.id).where(L.assessor_id == row.id)),
    )
    for table, query in queries:
        for student, kind, entity_id in s.execute(
            query.where(S.status == "active", table.marks_registered_on.is_(None))
        ):
            programme = ws.programme_of(student)
            if table is I:
                rules: InternshipRules | LiteratureStudyRules | None = programme.internships
                what = f"{kind} internship"
            else:
                rules = programme.literature_study
                what = "Literature Study"
            if rules is None:
                continue
            verdict = may_assess(row.rank, rules.assessor_min_rank)
            ws.audit(
                s,
                "assessor's rank changed",
                "internship" if table is I else "literature_study",
                entity_id,
                student.id,
                f"{what} assessor rank",
                old_rank,
                row.rank,
            )
            found.append(
                RankCheck(
                    student.id,
                    f"{student.student_number} {student.first_name} {student.last_name}",
                    what,
                    verdict.allowed,
                    verdict.sentence,
                )
            )
    return tuple(found)


def where_used_person(s: Session, person_id: int) -> list[str]:
    S = m.Student
    used = []
    for table, column, _name, _rank in PERSON_COLUMNS:
        role = ROLE_NAMES[(table, column)]
        extra = (table.kind,) if table is I else ()
        for row in s.execute(
            select(S.student_number, S.first_name, S.last_name, *extra)
            .join(table, table.student_id == S.id)
            .where(getattr(table, column) == person_id)
            .order_by(S.student_number)
        ):
            kind = f"{row[3]} internship " if extra else ""
            used.append(f"{kind}{role} of {row[0]} {row[1]} {row[2]}")
    return used


@dataclass(frozen=True)
class DeletedPerson:
    fields: dict[str, FieldValue]


def delete_person(ws: Workspace, person_id: int) -> DeletedPerson:
    """Delete a person nobody has chosen in any role; returns them, for Undo."""
    with ws.write() as s:
        row = _person(s, person_id)
        used = where_used_person(s, person_id)
        if used:
            shown = "; ".join(used[:5]) + (f"; and {len(used) - 5} more" if len(used) > 5 else "")
            raise DomainError(
                f"{entry_label(row.name, row.organisation)} cannot be deleted: chosen as {shown}. Choose someone "
                "else there first, or merge the two entries.",
                "person",
            )
        fields = {f: getattr(row, f) for f in PERSON_FIELDS}
        ws.audit(s, "delete person", "person", row.id, None, "name", entry_label(row.name, row.organisation), None)
        s.delete(row)
        return DeletedPerson(fields)


def restore_person(ws: Workspace, deleted: DeletedPerson) -> int:
    with ws.write() as s:
        return create_person(ws, s, dict(deleted.fields))


@dataclass(frozen=True)
class MergedPerson:
    kept: int
    duplicate: dict[str, FieldValue]
    kept_before: dict[str, FieldValue]
    moved: tuple[tuple[str, str, tuple[int, ...]], ...]  # (table, column, row ids)


def merge_people(ws: Workspace, keep_id: int, duplicate_id: int) -> MergedPerson:
    """One person from two duplicates: every role of the duplicate moves to the one kept; an empty
    rank or e-mail of the kept one takes the duplicate's."""
    if keep_id == duplicate_id:
        raise DomainError("Choose two different people to merge.", "person")
    with ws.write() as s:
        keep, dup = _person(s, keep_id), _person(s, duplicate_id)
        before = {f: getattr(keep, f) for f in PERSON_FIELDS}
        duplicate = {f: getattr(dup, f) for f in PERSON_FIELDS}
        moved = []
        for table, column, _name, _rank in PERSON_COLUMNS:
            col = getattr(table, column)
            ids = tuple(s.scalars(select(table.id).where(col == dup.id)))
            if ids:
                moved.append((table.__tablename__, column, ids))
                s.execute(
                    update(table)
                    .where(col == dup.id)
                    .values({column: keep.id})
                    .execution_options(synchronize_session=False)
                )
        for field in ("rank", "email", "notes"):
            if not getattr(keep, field) and getattr(dup, field):
                setattr(keep, field, getattr(dup, field))
        ws.audit(
            s,
            "merge people",
            "person",
            keep.id,
            None,
            "merged",
            entry_label(dup.name, dup.organisation),
            entry_label(keep.name, keep.organisation),
        )
        s.delete(dup)
        sync_person(s, keep)
        return MergedPerson(keep.id, duplicate, before, tuple(moved))


_TABLES = {t.__tablename__: t for t in (I, L, M)}


def unmerge_people(ws: Workspace, merged: MergedPerson) -> int:
    """Undo of a merge: the duplicate comes back (new id) in every role they had; returns their id."""
    with ws.write() as s:
        keep = _person(s, merged.kept)
        for field, value in merged.kept_before.items():
            setattr(keep, field, value)
        row = m.Person(**merged.duplicate)
        s.add(row)
        s.flush()
        for table_name, column, ids in merged.moved:
            table = _TABLES[table_name]
            s.execute(
                update(table)
                .where(table.id.in_(ids))
                .values({column: row.id})
                .execution_options(synchronize_session=False)
            )
        ws.audit(
            s,
            "unmerge people",
            "person",
            row.id,
            None,
            "merged",
            entry_label(keep.name, keep.organisation),
            entry_label(row.name, row.organisation),
        )
        sync_person(s, keep)
        sync_person(s, row)
        return row.id


def find_people(s: Session, name: str) -> list[m.Person]:
    """The entries with this name (case and spacing ignored), for resolving what was typed."""
    wanted = " ".join(name.split()).casefold()
    return [
        p
        for p in s.scalars(select(m.Person).where(func.lower(m.Person.name) == func.lower(name)))
        if " ".join(p.name.split()).casefold() == wanted
    ]
