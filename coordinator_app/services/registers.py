"""The host and people registers: what the two share (services/hosts.py and services/people.py
hold the actions on each).

The register is the truth about a host or a person. Internships, Literature Studies and mentors
point at entries by id; their text columns (host, department, UMC, country; names, ranks, mentor
e-mail) are the entry's values, copied by `sync_host` / `sync_person` whenever an entry changes, so
the list, the attention list, `check` and the export read one row. Nothing else writes those
copies for a linked row (services/register_links.py links them).
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.registers import same_entry_key
from coordinator_app.domain.values import FieldValue
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

Entry = TypeVar("Entry", m.HostOrganisation, m.Person)


def entry_label(name: str, organisation: str) -> str:
    """How a message names an entry: 'Erasmus MC (Cardiology)', 'J. Jansen (VUmc)'."""
    return f"{name} ({organisation})" if organisation else name


def organisation_of(row: m.HostOrganisation | m.Person) -> str:
    """What tells two entries of one name apart: a host's department, a person's organisation."""
    return row.department if isinstance(row, m.HostOrganisation) else row.organisation


def duplicate_entry(
    s: Session, table: type[Entry], name: str, organisation: str, other_than: int | None = None
) -> Entry | None:
    """The entry already in the register with this name and organisation (a host's department),
    case and spacing ignored; `other_than` is the entry being changed."""
    wanted = same_entry_key(name, organisation)
    for row in s.scalars(select(table).where(func.lower(table.name) == func.lower(name))):
        if row.id != other_than and same_entry_key(row.name, organisation_of(row)) == wanted:
            return row
    return None


def set_fields(
    ws: Workspace, s: Session, row: m.HostOrganisation | m.Person, clean: dict[str, Any], action: str, entity: str
) -> dict[str, FieldValue]:
    """Set the fields that differ, one audit entry each; returns their old values, for Undo."""
    old: dict[str, FieldValue] = {}
    for field, value in clean.items():
        current = getattr(row, field)
        if current != value:
            old[field] = current
            setattr(row, field, value)
            ws.audit(s, action, entity, row.id, None, field, current, value)
    return old
