"""The host register: the hosts for the type-ahead and the register window, and adding, changing,
merging and deleting a host, one transaction and audit entry each. Every internship placed at a
host shows its values (`sync_host`; services/registers.py says why)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.registers import HOST_FIELDS, validate_fields
from coordinator_app.domain.values import FieldValue
from coordinator_app.services.registers import duplicate_entry, entry_label, set_fields
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

I = m.Internship  # noqa: E741 (the table, by its initial)


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


def _host(s: Session, host_id: int) -> m.HostOrganisation:
    row = s.get(m.HostOrganisation, host_id)
    if row is None:
        raise NotFound("That host is no longer in the register.", "host")
    return row


def add_host(ws: Workspace, **fields: Any) -> int:
    """A new host; refused when one with the same name and department is there already."""
    clean = validate_fields(HOST_FIELDS, fields, "a host")
    if "name" not in clean:
        raise DomainError("Give the organisation's name.", "name")
    with ws.write() as s:
        return create_host(ws, s, clean)


def create_host(ws: Workspace, s: Session, clean: dict[str, Any]) -> int:
    same = duplicate_entry(s, m.HostOrganisation, clean["name"], clean.get("department", ""))
    if same is not None:
        raise DomainError(
            f"{entry_label(same.name, same.department)} is in the register already; choose it instead.", "name"
        )
    row = m.HostOrganisation(**{"department": "", "city": "", "country": "Netherlands", "notes": ""} | clean)
    s.add(row)
    s.flush()
    ws.audit(s, "add host", "host", row.id, None, "name", None, entry_label(row.name, row.department))
    return row.id


def update_host(ws: Workspace, host_id: int, **fields: Any) -> dict[str, FieldValue]:
    """Change a host; every internship placed there follows. Returns the old values, for Undo."""
    clean = validate_fields(HOST_FIELDS, fields, "a host")
    with ws.write() as s:
        row = _host(s, host_id)
        old = set_fields(ws, s, row, clean, "change host", "host")
        if {"name", "department"} & set(old):
            same = duplicate_entry(s, m.HostOrganisation, row.name, row.department, other_than=row.id)
            if same is not None:
                raise DomainError(
                    f"{entry_label(same.name, same.department)} is in the register already; merge the two instead.",
                    "name",
                )
        sync_host(s, row)
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
    fields: dict[str, FieldValue]


def delete_host(ws: Workspace, host_id: int) -> DeletedHost:
    """Delete a host no internship is placed at; returns it, for Undo."""
    with ws.write() as s:
        row = _host(s, host_id)
        used = where_used_host(s, host_id)
        if used:
            raise DomainError(_in_use(entry_label(row.name, row.department), "the host of", used), "host")
        fields = {f: getattr(row, f) for f in HOST_FIELDS}
        ws.audit(s, "delete host", "host", row.id, None, "name", entry_label(row.name, row.department), None)
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
    duplicate: dict[str, FieldValue]
    kept_before: dict[str, FieldValue]
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
            entry_label(dup.name, dup.department),
            entry_label(keep.name, keep.department),
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
            entry_label(keep.name, keep.department),
            entry_label(row.name, row.department),
        )
        sync_host(s, keep)
        sync_host(s, row)
        return row.id
