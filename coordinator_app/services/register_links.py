"""Choosing register entries on an internship, a Literature Study or a mentor.

A field typed as text (the host's name, a supervisor's name) is resolved against the register: an
entry of that name is chosen (the one at the same organisation when several share the name), and
an unknown name is added to the register on the fly. `<role>_id` chooses an entry by id, as the
type-ahead does. What belongs to the entry (a host's department, UMC answer and country; a
person's rank and e-mail) changed on a linked row changes the entry, everywhere it is chosen.
While nobody is chosen, a rank or UMC answer is kept on the row alone, as before the register.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.registers import UMC_ASSESSORS, same_entry_key
from coordinator_app.domain.values import FieldValue
from coordinator_app.services.hosts import create_host, sync_host
from coordinator_app.services.people import RankCheck, create_person, find_people, recheck_rank, sync_person
from coordinator_app.services.registers import entry_label
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

INTERNSHIP_ROLES = ("daily_supervisor", "second_supervisor", "assessor")
LITERATURE_ROLES = ("supervisor", "assessor")


def optional_id(field: str) -> Callable[[str | float | None], int | None]:
    def check(value: str | float | None) -> int | None:
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise DomainError(f"'{value}' is not a register entry.", field) from exc

    return check


def resolve_person_added(
    ws: Workspace, s: Session, name: str, organisation: str, rank: str | None, field: str
) -> tuple[m.Person, bool]:
    """The register entry for a typed name: the only one of that name, the one at `organisation`
    when several share it, or a new entry (with `rank`); and whether the entry was added now (the
    edit's Undo takes it out again)."""
    found = find_people(s, name)
    if len(found) == 1:
        return found[0], False
    at = [p for p in found if same_entry_key(p.name, p.organisation) == same_entry_key(name, organisation)]
    if len(at) == 1:
        return at[0], False
    if found:
        shown = "; ".join(entry_label(p.name, p.organisation) for p in found[:5])
        raise DomainError(
            f"{len(found)} people in the register are called {name} ({shown}): choose one from the list.", field
        )
    person_id = create_person(ws, s, {"name": name, "organisation": organisation, "rank": rank})
    person = s.get(m.Person, person_id)
    assert person is not None
    return person, True


def drop_if_unused(ws: Workspace, s: Session, person_id: int) -> None:
    """Undo of an edit that added a person on the fly: the entry goes again unless someone chose them
    since (an undo leaves the register as it was)."""
    from coordinator_app.services.people import where_used_person

    s.flush()
    person = s.get(m.Person, person_id)
    if person is not None and not where_used_person(s, person_id):
        ws.audit(s, "delete person", "person", person.id, None, "name", person.name, None)
        s.delete(person)


def drop_host_if_unused(ws: Workspace, s: Session, host_id: int) -> None:
    """Undo of an edit that added a host on the fly: the entry goes again unless an internship chose
    it since (an undo leaves the register as it was)."""
    from coordinator_app.services.hosts import where_used_host

    s.flush()
    host = s.get(m.HostOrganisation, host_id)
    if host is not None and not where_used_host(s, host_id):
        ws.audit(s, "delete host", "host", host.id, None, "name", host.name, None)
        s.delete(host)


def _chosen_person(s: Session, person_id: int, field: str = "person") -> m.Person:
    """`field`: the form field the refusal is shown under (the one that chose the person)."""
    person = s.get(m.Person, person_id)
    if person is None:
        raise NotFound("That person is no longer in the register.", field)
    return person


def apply_people(
    ws: Workspace,
    s: Session,
    row: m.Internship | m.LiteratureStudy,
    clean: dict[str, Any],
    roles: tuple[str, ...],
    organisation: dict[str, str],
    audit: tuple[str, str, int, str],
) -> tuple[dict[str, FieldValue], tuple[RankCheck, ...]]:
    """Take the people fields out of `clean` and apply them to `row`; returns the old values (for
    Undo) and the re-checks a rank change made. `audit`: (action, entity, student id, label)."""
    action, entity, student_id, label = audit
    old: dict[str, FieldValue] = {}
    rechecked: list[RankCheck] = []
    for role in roles:
        id_key, rank_key = f"{role}_id", f"{role}_rank"
        has_rank = hasattr(row, rank_key)
        added_before = clean.pop(f"{role}_added", None)  # an undo: the entry its edit added on the fly
        added_now = False
        if id_key in clean or role in clean:
            before_id, before_name = getattr(row, id_key), getattr(row, role)
            person: m.Person | None
            if id_key in clean:
                clean.pop(role, None)
                chosen = clean.pop(id_key)
                person = None if chosen is None else _chosen_person(s, chosen, id_key)
            else:
                name = clean.pop(role)
                rank = clean.get(rank_key) if has_rank else None
                if has_rank and rank is None and before_id is None:
                    rank = getattr(row, rank_key)  # a rank recorded alone goes with the new entry
                person, added_now = (
                    resolve_person_added(ws, s, name, organisation[role], rank, role) if name else (None, False)
                )
            new_id = person.id if person else None
            if new_id != before_id or (person is None and before_name):
                old[role], old[id_key] = before_name, before_id
                if added_now and person is not None:
                    old[f"{role}_added"] = person.id
                if has_rank:
                    old.setdefault(rank_key, getattr(row, rank_key))
                    setattr(row, rank_key, person.rank if person else None)
                setattr(row, id_key, new_id)
                setattr(row, role, person.name if person else "")
                if isinstance(row, m.Mentor):
                    row.organisation = person.organisation if person else ""
                    row.email = person.email if person else ""
                ws.audit(
                    s,
                    action,
                    entity,
                    row.id,
                    student_id,
                    f"{label}{role}",
                    before_name or None,
                    getattr(row, role) or None,
                )
        if added_before is not None:
            drop_if_unused(ws, s, added_before)
        if has_rank and rank_key in clean:
            rank = clean.pop(rank_key)
            person_id = getattr(row, id_key)
            if person_id is not None:
                person = _chosen_person(s, person_id)
                if person.rank != rank:
                    old.setdefault(rank_key, person.rank)
                    before_rank = person.rank
                    person.rank = rank
                    ws.audit(s, "change person", "person", person.id, None, "rank", before_rank, rank)
                    sync_person(s, person)
                    rechecked.extend(recheck_rank(ws, s, person, before_rank))
            elif getattr(row, rank_key) != rank:
                old.setdefault(rank_key, getattr(row, rank_key))
                ws.audit(s, action, entity, row.id, student_id, f"{label}{rank_key}", getattr(row, rank_key), rank)
                setattr(row, rank_key, rank)
    return old, tuple(rechecked)


def set_person_email(ws: Workspace, s: Session, person_id: int | None, email: str, field: str) -> str | None:
    """The e-mail address of the person chosen in a role (everywhere they are chosen); returns the
    old address. Refused while nobody is chosen in that role."""
    if person_id is None:
        raise DomainError("Choose the person first; the e-mail address is theirs, in the people register.", field)
    person = _chosen_person(s, person_id)
    if person.email == email:
        return None
    before = person.email
    person.email = email
    ws.audit(s, "change person", "person", person.id, None, "email", before or None, email or None)
    sync_person(s, person)
    return before


def supervisor_organisations(row: m.Internship) -> dict[str, str]:
    """Who a typed name is looked for at (and added with): supervisors at the host, the assessor at Amsterdam UMC."""
    assessor = f"{UMC_ASSESSORS} ({row.assessor_location})" if row.assessor_location else UMC_ASSESSORS
    return {"daily_supervisor": row.host, "second_supervisor": row.host, "assessor": assessor}


HOST_OWN = ("department", "is_umc", "country")


def apply_host(
    ws: Workspace, s: Session, row: m.Internship, clean: dict[str, Any], audit: tuple[str, str, int, str]
) -> dict[str, FieldValue]:
    """Take the host fields out of `clean` and apply them: choose (or add) the host entry; a change
    of department, UMC answer or country of a chosen host changes the host in the register."""
    action, entity, student_id, label = audit
    old: dict[str, FieldValue] = {}
    added_before = clean.pop("host_added", None)  # an undo: the host its edit added on the fly
    added_now = False
    before = {"host_id": row.host_id, "host": row.host, "department": row.department}
    before_own: dict[str, FieldValue] = {"is_umc": row.is_umc, "country": row.country}
    host: m.HostOrganisation | None = None
    relink = False
    if "host_id" in clean:
        clean.pop("host", None)
        chosen = clean.pop("host_id")
        host = None if chosen is None else _chosen_host(s, chosen, "host_id")
        relink = True
    elif "host" in clean or ("department" in clean and row.host_id is not None):
        name = clean.pop("host", row.host)
        department = clean.pop("department", row.department)
        if name:
            host, added_now = _resolve_host(ws, s, name, department, row, clean)
        else:
            row.department = department
        relink = True
    if relink and ((host.id if host else None) != row.host_id or (host is None and row.host)):
        old.update(before)
        if added_now and host is not None:
            old["host_added"] = host.id
        row.host_id = host.id if host else None
        if host is not None:
            row.host, row.department = host.name, host.department
            row.is_umc, row.country = host.umc is not None, host.country
            old.update({k: v for k, v in before_own.items() if getattr(row, k) != v})
        else:
            row.host = ""
        ws.audit(s, action, entity, row.id, student_id, f"{label}host", before["host"], row.host)
    if added_before is not None:
        drop_host_if_unused(ws, s, added_before)
    if row.host_id is not None:
        host = _chosen_host(s, row.host_id)
        changed = False
        if "is_umc" in clean:
            wanted = bool(clean.pop("is_umc"))
            if (host.umc is not None) != wanted:
                old.setdefault("is_umc", host.umc is not None)
                ws.audit(s, "change host", "host", host.id, None, "umc", host.umc, "other" if wanted else None)
                host.umc = (host.umc or "other") if wanted else None
                changed = True
        if "country" in clean:
            country = clean.pop("country") or "Netherlands"
            if host.country != country:
                old.setdefault("country", host.country)
                ws.audit(s, "change host", "host", host.id, None, "country", host.country, country)
                host.country = country
                changed = True
        if changed:
            sync_host(s, host)
    return old


def _chosen_host(s: Session, host_id: int, field: str = "host") -> m.HostOrganisation:
    host = s.get(m.HostOrganisation, host_id)
    if host is None:
        raise NotFound("That host is no longer in the register.", field)
    return host


def _resolve_host(
    ws: Workspace, s: Session, name: str, department: str, row: m.Internship, clean: dict[str, Any]
) -> tuple[m.HostOrganisation, bool]:
    """The entry with this name and department; the only one of that name when no department is
    given; else a new entry (with the UMC answer and country of the internship). And whether it
    was added now."""
    from sqlalchemy import func, select

    found = [
        h
        for h in s.scalars(select(m.HostOrganisation).where(func.lower(m.HostOrganisation.name) == func.lower(name)))
        if " ".join(h.name.split()).casefold() == " ".join(name.split()).casefold()
    ]
    wanted = same_entry_key(name, department)
    exact = [h for h in found if same_entry_key(h.name, h.department) == wanted]
    if exact:
        return exact[0], False
    if not department and len(found) == 1:
        return found[0], False
    umc = clean.pop("is_umc", row.is_umc)
    country = clean.pop("country", row.country) or "Netherlands"
    host_id = create_host(
        ws, s, {"name": name, "department": department, "umc": "other" if umc else None, "country": country}
    )
    host = s.get(m.HostOrganisation, host_id)
    assert host is not None
    return host, True
