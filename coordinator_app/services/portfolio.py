"""Mark portfolio items (List of Agreements, Survey Outline, first-year assignments, ...) received."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.people import validate_notes
from coordinator_app.services.lookup import existing_student
from coordinator_app.services.snapshot import refresh_ec
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m


def find_item(ws: Workspace, student_id: int, component: str, kind: str) -> int:
    with ws.read() as s:
        item_id = s.scalar(
            select(m.PortfolioItem.id).where(
                m.PortfolioItem.student_id == student_id,
                m.PortfolioItem.component == component,
                m.PortfolioItem.kind == kind,
            )
        )
    if item_id is None:
        raise NotFound(f"This student has no {kind.replace('_', ' ')} for the {component.replace('_', ' ')}.", "item")
    return item_id


def mark_received(ws: Workspace, item_id: int, received: date | None, note: str | None = None) -> date | None:
    """Set (or clear, with None) the date an item came in; returns the previous date for undo."""
    if note is not None:
        note = validate_notes(note, "note")
    with ws.write() as s:
        item = s.get(m.PortfolioItem, item_id)
        if item is None:
            raise NotFound("That portfolio item no longer exists.", "item")
        if received is not None and received > ws.as_of():
            raise DomainError(f"The received date {received:%d-%m-%Y} is in the future.", "received_date")
        student = existing_student(s, item.student_id)
        previous = item.received_date
        if previous != received:
            item.received_date = received
            ws.audit(
                s,
                "mark received" if received else "clear received",
                "portfolio_item",
                item.id,
                student.id,
                f"{item.component} {item.kind}",
                previous,
                received,
            )
        if note is not None and note != item.note:
            ws.audit(s, "portfolio note", "portfolio_item", item.id, student.id, f"{item.kind} note", item.note, note)
            item.note = note
        refresh_ec(s, student, ws.programme_of(student), ws.as_of())
        return previous
