"""The host and people registers: add, change, merge and delete entries, one transaction and audit
entry each; reads for the type-ahead and the register window.

The register is the truth about a host or a person. Internships, Literature Studies and mentors
point at entries by id; their text columns (host, department, UMC, country; names, ranks, mentor
e-mail) are the entry's values, copied by `sync_host` / `sync_person` whenever an entry changes, so
the list, the attention list, `check` and the export read one row. Nothing else writes those
copies for a linked row (services/register_links.py links them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.ranks import RANKS
from coordinator_app.domain.registers import HOST_FIELDS, PERSON_FIELDS, may_assess, same_entry_key, validate_fields
from coordinator_app.services.verdicts import mark_touched
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

I, L, M = m.Internship, m.LiteratureStudy, m.Mentor  # noqa: E741 (the tables, by their initials)
# Every column that points at a person, with the text columns that copy the person's name and rank.
PERSON_COLUMNS: tuple[tuple[Any, str, str, str | None], ...] = (
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


# -- reads ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HostEntry:
    id: int
    name: str
    department: str
    city: str
    country: str
    umc: str | None
    notes: str
    placements: int = 0

    @property
    def label(self) -> str:
        """How the type-ahead shows it: 'Erasmus MC — Cardiology, Rotterdam'."""
        where = ", ".join(p for p in (self.department, self.city) if p)
        return f"{self.name} — {where}" if where else self.name


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


def hosts(ws: Workspace) -> list[HostEntry]:
    """Every host, by name and department, with how many internships were placed there."""
    with ws.read() as s:
        counts: dict[int, int] = {
            host: n
            for host, n in s.execute(select(I.host_id, func.count()).where(I.host_id.is_not(None)).group_by(I.host_id))
            if host is not None
        }
        return [
            HostEntry(h.id, h.name, h.department, h.city, h.country, h.umc, h.notes, counts.get(h.id, 0))
            for h in s.scalars(
                select(m.HostOrganisation).order_by(m.HostOrganisation.name, m.HostOrganisation.department)
            )
        ]


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


@dataclass(frozen=True)
class Placement:
    year: int  # the internship's start year, else the cohort's
    student_id: int
    student: str
    kind: str
    topic: str


def placements(ws: Workspace, host_id: int) -> list[Placement]:
    """The students placed at a host, newest year first: where to look for the next student's place."""
    S = m.Student
    with ws.read() as s:
        rows = s.execute(
            select(
                I.start_date, m.Cohort.start_year, S.id, S.student_number, S.first_name, S.last_name, I.kind, I.topic
            )
            .join(S, I.student_id == S.id)
            .join(m.Cohort, S.cohort_id == m.Cohort.id)
            .where(I.host_id == host_id)
        ).all()
    found = [
        Placement(start.year if start else cohort, sid, f"{number} {first} {last}", kind, topic)
        for start, cohort, sid, number, first, last, kind, topic in rows
    ]
    return sorted(found, key=lambda p: (-p.year, p.student))


# -- hosts --------------------------------------------------------------------------------------------------
def _host(s: Session, host_id: int) -> m.HostOrganisation:
    row = s.get(m.HostOrganisation, host_id)
    if row is None:
        raise NotFound("That host is no longer in the register.", "host")
    return row


def _duplicate_host(s: Session, name: str, department: str, other_than: int | None = None) -> m.HostOrganisation | None:
    wanted = same_entry_key(name, department)
    for row in s.scalars(select(m.HostOrganisation).where(func.lower(m.HostOrganisation.name) == func.lower(name))):
        if row.id != other_than and same_entry_key(row.name, row.department) == wanted:
            return row
    return None


def _host_label(name: str, department: str) -> str:
    return f"{name} ({department})" if department else name


def add_host(ws: Workspace, **fields: Any) -> int:
    """A new host; refused when one with the same name and department is there already."""
    clean = validate_fields(HOST_FIELDS, fields, "a host")  # type: ignore[arg-type]
    if "name" not in clean:
        raise DomainError("Give the organisation's name.", "name")
    with ws.write() as s:
        return create_host(ws, s, clean)


def create_host(ws: Workspace, s: Session, clean: dict[str, Any]) -> int:
    same = _duplicate_host(s, clean["name"], clean.get("department", ""))
    if same is not None:
        raise DomainError(
            f"{_host_label(same.name, same.department)} is in the register already; choose it instead.", "name"
        )
    row = m.HostOrganisation(**{"department": "", "city": "", "country": "Netherlands", "notes": ""} | clean)
    s.add(row)
    s.flush()
    ws.audit(s, "add host", "host", row.id, None, "name", None, _host_label(row.name, row.department))
    return row.id


def update_host(ws: Workspace, host_id: int, **fields: Any) -> dict[str, Any]:
    """Change a host; every internship placed there follows. Returns the old values, for Undo."""
    clean = validate_fields(HOST_FIELDS, fields, "a host")  # type: ignore[arg-type]
    with ws.write() as s:
        row = _host(s, host_id)
        old = _set(ws, s, row, clean, "change host", "host")
        if {"name", "department"} & set(old):
            same = _duplicate_host(s, row.name, row.department, other_than=row.id)
            if same is not None:
                raise DomainError(
                    f"{_host_label(same.name, same.department)} is in the register already; merge the two instead.",
                    "name",
                )
        sync_host(s, row)
        return old


def _set(ws: Workspace, s: Session, row: Any, clean: dict[str, Any], action: str, entity: str) -> dict[str, Any]:
    old: dict[str, Any] = {}
    for field, value in clean.items():
        current = getattr(row, field)
        if current != value:
            old[field] = current
            setattr(row, field, value)
            ws.audit(s, action, entity, row.id, None, field, current, value)
    return old


def sync_host(s: Session, row: m.HostOrganisation) -> None:
    """Every internship at this host shows its name, department, UMC answer and country."""
    s.flush()
    s.execute(
        update(I)
        .where(I.host_id == row.id)
        .values(host=row.name, department=row.department, is_umc=row.umc is not None, country=row.country)
        .execution_options(synchronize_session="fetch")
    )


def where_used_host(s: Session, host_id: int) -> list[str]:
    S = m.Student
    return [
        f"{number} {first} {last} ({kind} internship)"
        for number, first, last, kind in s.execute(
            select(S.student_number, S.first_name, S.last_name, I.kind)
            .join(S, I.student_id == S.id)
            .where(I.host_id == host_id)
            .order_by(S.student_number)
        )
    ]


@dataclass(frozen=True)
class DeletedHost:
    fields: dict[str, Any]


def delete_host(ws: Workspace, host_id: int) -> DeletedHost:
    """Delete a host no internship is placed at; returns it, for Undo."""
    with ws.write() as s:
        row = _host(s, host_id)
        used = where_used_host(s, host_id)
        if used:
            raise DomainError(_in_use(_host_label(row.name, row.department), "the host of", used), "host")
        fields = {f: getattr(row, f) for f in HOST_FIELDS}
        ws.audit(s, "delete host", "host", row.id, None, "name", _host_label(row.name, row.department), None)
        s.delete(row)
        return DeletedHost(fields)


def restore_host(ws: Workspace, deleted: DeletedHost) -> int:
    with ws.write() as s:
        return create_host(ws, s, dict(deleted.fields))


def _in_use(label: str, role: str, where: list[str]) -> str:
    shown = "; ".join(where[:5]) + (f"; and {len(where) - 5} more" if len(where) > 5 else "")
    return f"{label} cannot be deleted: {role} {len(where)} internship{'s' if len(where) != 1 else ''} ({shown}). Choose another entry there, or merge the two."


@dataclass(frozen=True)
class MergedHost:
    kept: int
    duplicate: dict[str, Any]
    kept_before: dict[str, Any]
    moved: tuple[int, ...]  # internships that pointed at the duplicate


def merge_hosts(ws: Workspace, keep_id: int, duplicate_id: int) -> MergedHost:
    """One host from two duplicates: every internship of the duplicate moves to the one kept (both
    histories under one entry); an empty field of the kept one takes the duplicate's value."""
    if keep_id == duplicate_id:
        raise DomainError("Choose two different hosts to merge.", "host")
    with ws.write() as s:
        keep, dup = _host(s, keep_id), _host(s, duplicate_id)
        before = {f: getattr(keep, f) for f in HOST_FIELDS}
        duplicate = {f: getattr(dup, f) for f in HOST_FIELDS}
        moved = tuple(s.scalars(select(I.id).where(I.host_id == dup.id)))
        s.execute(
            update(I).where(I.host_id == dup.id).values(host_id=keep.id).execution_options(synchronize_session=False)
        )
        for field in ("city", "notes"):
            if not getattr(keep, field) and getattr(dup, field):
                setattr(keep, field, getattr(dup, field))
        if keep.umc is None and dup.umc is not None:
            keep.umc = dup.umc
        ws.audit(
            s,
            "merge hosts",
            "host",
            keep.id,
            None,
            "merged",
            _host_label(dup.name, dup.department),
            _host_label(keep.name, keep.department),
        )
        s.delete(dup)
        sync_host(s, keep)
        return MergedHost(keep.id, duplicate, before, moved)


def unmerge_hosts(ws: Workspace, merged: MergedHost) -> int:
    """Undo of a merge: the duplicate comes back (new id) with its internships; returns its id."""
    with ws.write() as s:
        keep = _host(s, merged.kept)
        for field, value in merged.kept_before.items():
            setattr(keep, field, value)
        row = m.HostOrganisation(**merged.duplicate)
        s.add(row)
        s.flush()
        if merged.moved:
            s.execute(
                update(I)
                .where(I.id.in_(merged.moved))
                .values(host_id=row.id)
                .execution_options(synchronize_session=False)
            )
        ws.audit(
            s,
            "unmerge hosts",
            "host",
            row.id,
            None,
            "merged",
            _host_label(keep.name, keep.department),
            _host_label(row.name, row.department),
        )
        sync_host(s, keep)
        sync_host(s, row)
        return row.id


# -- people -------------------------------------------------------------------------------------------------
def _person(s: Session, person_id: int) -> m.Person:
    row = s.get(m.Person, person_id)
    if row is None:
        raise NotFound("That person is no longer in the register.", "person")
    return row


def duplicate_person(s: Session, name: str, organisation: str, other_than: int | None = None) -> m.Person | None:
    wanted = same_entry_key(name, organisation)
    for row in s.scalars(select(m.Person).where(func.lower(m.Person.name) == func.lower(name))):
        if row.id != other_than and same_entry_key(row.name, row.organisation) == wanted:
            return row
    return None


def person_label(name: str, organisation: str) -> str:
    return f"{name} ({organisation})" if organisation else name


def add_person(ws: Workspace, **fields: Any) -> int:
    """A new person; refused when one with the same name and organisation is there already."""
    clean = validate_fields(PERSON_FIELDS, fields, "a person")  # type: ignore[arg-type]
    if "name" not in clean:
        raise DomainError("Give the person's name.", "name")
    with ws.write() as s:
        return create_person(ws, s, clean)


def create_person(ws: Workspace, s: Session, clean: dict[str, Any]) -> int:
    same = duplicate_person(s, clean["name"], clean.get("organisation", ""))
    if same is not None:
        raise DomainError(
            f"{person_label(same.name, same.organisation)} is in the register already; choose them instead.", "name"
        )
    row = m.Person(**{"organisation": "", "email": "", "notes": ""} | clean)
    s.add(row)
    s.flush()
    ws.audit(s, "add person", "person", row.id, None, "name", None, person_label(row.name, row.organisation))
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
    old: dict[str, Any]
    rechecked: tuple[RankCheck, ...] = ()


def update_person(ws: Workspace, person_id: int, **fields: Any) -> PersonChange:
    """Change a person everywhere they are chosen. A change of rank re-checks each open internship
    and Literature Study they assess (returned, and noted in those students' history)."""
    clean = validate_fields(PERSON_FIELDS, fields, "a person")  # type: ignore[arg-type]
    with ws.write() as s:
        row = _person(s, person_id)
        old = _set(ws, s, row, clean, "change person", "person")
        if {"name", "organisation"} & set(old):
            same = duplicate_person(s, row.name, row.organisation, other_than=row.id)
            if same is not None:
                raise DomainError(
                    f"{person_label(same.name, same.organisation)} is in the register already; merge the two instead.",
                    "name",
                )
        sync_person(s, row)
        rechecked = recheck_rank(ws, s, row, old["rank"]) if "rank" in old else ()
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
                rules = programme.internships
                what = f"{kind} internship"
            else:
                rules = programme.literature_study  # type: ignore[assignment]
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
    fields: dict[str, Any]


def delete_person(ws: Workspace, person_id: int) -> DeletedPerson:
    """Delete a person nobody has chosen in any role; returns them, for Undo."""
    with ws.write() as s:
        row = _person(s, person_id)
        used = where_used_person(s, person_id)
        if used:
            shown = "; ".join(used[:5]) + (f"; and {len(used) - 5} more" if len(used) > 5 else "")
            raise DomainError(
                f"{person_label(row.name, row.organisation)} cannot be deleted: chosen as {shown}. Choose someone "
                "else there first, or merge the two entries.",
                "person",
            )
        fields = {f: getattr(row, f) for f in PERSON_FIELDS}
        ws.audit(s, "delete person", "person", row.id, None, "name", person_label(row.name, row.organisation), None)
        s.delete(row)
        return DeletedPerson(fields)


def restore_person(ws: Workspace, deleted: DeletedPerson) -> int:
    with ws.write() as s:
        return create_person(ws, s, dict(deleted.fields))


@dataclass(frozen=True)
class MergedPerson:
    kept: int
    duplicate: dict[str, Any]
    kept_before: dict[str, Any]
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
            person_label(dup.name, dup.organisation),
            person_label(keep.name, keep.organisation),
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
            person_label(keep.name, keep.organisation),
            person_label(row.name, row.organisation),
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
