"""Deadlines in the coordinator's calendar: an iCalendar (.ics) file, one all-day event per due item.

Every open portfolio item with a due date (internships, Literature Study, Academic Core) and the
deadline for final products of a planned graduation month, of the active students chosen. Each
event's UID is made of the programme, the student number and the item, so importing a newer
export into Outlook or Thunderbird updates the event (a moved due date moves) instead of adding
a second one; SEQUENCE grows with every export so that strict clients take the newer one.
Written with the `icalendar` package, to a temporary file renamed into place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.domain.graduation import month_name, submission_deadline
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

PRODID = "-//Coordinator App//Deadlines//EN"
UID_DOMAIN = "coordinator-app"
_SEQUENCE_FROM = datetime(2024, 1, 1, tzinfo=UTC)
CHUNK = 900


@dataclass(frozen=True)
class Deadline:
    due: date
    student_number: str
    student_name: str
    programme: str
    cohort: int
    component: str  # "Minor internship"
    what: str  # "List of Agreements (A)"
    uid: str

    @property
    def title(self) -> str:
        return f"{self.student_name} ({self.student_number}): {self.what} – {self.component}"


def _uid(programme: str, number: str, *parts: str) -> str:
    return "-".join((programme, number, *parts)).lower().replace(" ", "_") + f"@{UID_DOMAIN}"


def deadlines(
    ws: Workspace,
    student_ids: Sequence[int] | None = None,
    programme: str | None = None,
    cohort: int | None = None,
) -> list[Deadline]:
    """The due items of the active students chosen (by id, or by programme and cohort; None: all)."""
    S, P, G = m.Student, m.PortfolioItem, m.GraduationPlan
    base = (
        select(S.id, S.student_number, S.first_name, S.last_name, m.Programme.code, m.Cohort.start_year)
        .join(m.Programme, S.programme_id == m.Programme.id)
        .join(m.Cohort, S.cohort_id == m.Cohort.id)
        .where(S.status == "active")
    )
    if programme:
        base = base.where(m.Programme.code == programme)
    if cohort:
        base = base.where(m.Cohort.start_year == cohort)
    groups: list[list[int] | None] = [None]
    if student_ids is not None:
        ids = sorted(set(student_ids))
        groups = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    out: list[Deadline] = []
    with ws.read() as s:
        schedule = {(d.programme_id, d.year, d.month): d.deadline for d in s.scalars(select(m.GraduationDeadline))}
        for group in groups:
            chosen = base if group is None else base.where(S.id.in_(group))
            items = chosen.add_columns(P.due_date, P.component, P.kind, P.name).join(P, P.student_id == S.id)
            items = items.where(P.received_date.is_(None), P.due_date.is_not(None))
            for _sid, number, first, last, prog, year, due, component, kind, name in s.execute(items):
                out.append(
                    Deadline(
                        due,
                        number,
                        f"{first} {last}",
                        prog,
                        year,
                        _component_name(ws, prog, component),
                        name,
                        _uid(prog, number, component, kind),
                    )
                )
            plans = chosen.add_columns(G.planned_year, G.planned_month, S.programme_id).join(G, G.student_id == S.id)
            plans = plans.where(G.graduated_on.is_(None))
            for _sid, number, first, last, prog, year, g_year, g_month, programme_id in s.execute(plans):
                rules = ws.programmes[prog].graduation
                due = submission_deadline(g_year, g_month, rules, schedule.get((programme_id, g_year, g_month)))
                what = f"deadline for final products (graduation {month_name(g_year, g_month)})"
                out.append(
                    Deadline(
                        due, number, f"{first} {last}", prog, year, "Graduation", what, _uid(prog, number, "graduation")
                    )
                )
    out.sort(key=lambda d: (d.due, d.student_number, d.component, d.what))
    return out


def students_by_number(ws: Workspace, numbers: Sequence[str], programme: str | None = None) -> list[int]:
    """The ids of the students with these numbers; a number nobody has is named (NotFound)."""
    wanted = [n.strip() for n in numbers]
    query = select(m.Student.id, m.Student.student_number).where(m.Student.student_number.in_(wanted))
    if programme:
        query = query.join(m.Programme, m.Student.programme_id == m.Programme.id).where(m.Programme.code == programme)
    with ws.read() as s:
        found = {number: sid for sid, number in s.execute(query)}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise NotFound(f"No student has the number {', '.join(missing)}.", "student")
    return [found[n] for n in wanted]


def _component_name(ws: Workspace, programme: str, key: str) -> str:
    try:
        return ws.programmes[programme].component(key).name
    except KeyError:
        return key.replace("_", " ").capitalize()


def calendar(found: Sequence[Deadline], now: datetime | None = None) -> Calendar:
    """The deadlines as an iCalendar: one all-day event each."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    sequence = max(0, int((stamp - _SEQUENCE_FROM).total_seconds() // 60))
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Coordinator App deadlines")
    for d in found:
        event = Event()
        event.add("uid", d.uid)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", sequence)
        event.add("summary", d.title)
        event.add("dtstart", d.due)  # a date: an all-day event (VALUE=DATE)
        event.add("dtend", d.due + timedelta(days=1))
        event.add(
            "description",
            f"{d.what} ({d.component}) of {d.student_name}, {d.student_number}, "
            f"{d.programme} cohort {d.cohort}-{d.cohort + 1}. Due {d.due:%d-%m-%Y}.",
        )
        event.add("categories", [d.programme, d.component])
        event.add("transp", "TRANSPARENT")  # a deadline does not make the coordinator busy
        cal.add_component(event)
    return cal


def write_calendar(found: Sequence[Deadline], target: Path, now: datetime | None = None) -> int:
    """Write the deadlines to `target` (.ics) whole or not at all; returns how many events."""
    target = Path(target)
    if not found:
        raise DomainError("No deadlines to export: the students chosen have no open due items.", None)
    data = calendar(found, now).to_ical()
    try:
        handle, temporary = tempfile.mkstemp(prefix=".deadlines-", suffix=".ics", dir=target.parent)
    except OSError as exc:
        raise DomainError(f"The calendar could not be written to {target.parent} ({exc.strerror}).", None) from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise DomainError(f"The calendar could not be written to {target} ({exc.strerror}).", None) from exc
    return len(found)
