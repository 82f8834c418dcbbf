"""Helpers for the use-case tests: add students, count rows, read the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

# Every table a use-case can write to (programme/course are synced from the definitions).
WRITABLE = (
    "cohort",
    "student",
    "course_result",
    "optional_course_approval",
    "internship",
    "interruption",
    "literature_study",
    "portfolio_item",
    "mentor",
    "mentor_meeting",
    "graduation_plan",
    "graduation_deadline",
    "audit_entry",
    "course",
    "host_organisation",
    "person",
    "specialization_preference",
    "waiting_list_entry",
    "allocation_run",
    "attachment",
)


def add_pm(
    ws: Workspace,
    number: str = "2712345",
    cohort: int = 2024,
    specialization: str | None = None,
    first: str = "Anouk",
    last: str = "de Vries",
) -> int:
    return add_student(ws, NewStudent("PM", cohort, number, first, last, "", specialization))


def add_imim(ws: Workspace, number: str = "s3100001", cohort: int = 2024) -> int:
    return add_student(ws, NewStudent("IMIM", cohort, number, "Lars", "Eriksson"))


def table_counts(ws: Workspace) -> dict[str, int]:
    tables = m.Base.metadata.tables
    with ws.read() as s:
        return {name: s.scalar(select(func.count()).select_from(tables[name])) or 0 for name in WRITABLE}


def snapshot_db(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every writable table: proves that a refused action wrote nothing."""
    tables = m.Base.metadata.tables
    with ws.read() as s:
        return {
            name: [tuple(r) for r in s.execute(select(tables[name]).order_by(tables[name].c.id))] for name in WRITABLE
        }


def audit_rows(ws: Workspace, action: str | None = None) -> list[m.AuditEntry]:
    with ws.read() as s:
        query = select(m.AuditEntry).order_by(m.AuditEntry.id)
        if action:
            query = query.where(m.AuditEntry.action == action)
        rows = list(s.scalars(query))
        s.expunge_all()
        return rows


def items(ws: Workspace, student_id: int, component: str) -> dict[str, m.PortfolioItem]:
    with ws.read() as s:
        found = {
            i.kind: i
            for i in s.scalars(
                select(m.PortfolioItem).where(
                    m.PortfolioItem.student_id == student_id, m.PortfolioItem.component == component
                )
            )
        }
        s.expunge_all()
        return found


def student(ws: Workspace, student_id: int) -> m.Student:
    with ws.read() as s:
        row = s.get(m.Student, student_id)
        assert row is not None
        s.expunge_all()
        return row
