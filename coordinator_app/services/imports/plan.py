"""What an import will do, row by row: the plan a preview shows and apply writes.

An import is checked once (services/imports/students.py, results.py) into an ImportPlan; apply
(services/imports/apply.py) writes that plan as it is, or checks the rows again when the
database changed since the preview (the plan's fingerprint).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Table, func, select
from sqlalchemy.orm import Session

from coordinator_app.domain.errors import DomainError
from coordinator_app.store import models as m
from coordinator_app.store.quick_statements import QuickStatement

IMPORT_KINDS = ("students", "results")
# A raw row may carry this key: [(field, reason)] for cells the reader found unusable (an Excel
# error such as #N/A, text that is not valid Unicode). The row is rejected naming the cell.
CELL_PROBLEMS = "cell_problems"


@dataclass
class Columns:
    """A file's rows column by column, as a workbook comes back from the reading child: each
    row's number in the file, each known field's cell in every row, and the cells the reader
    found unusable ({row: [(field, reason)]}). Checking a column needs no dictionary per row."""

    numbers: list[int]
    cells: dict[str, list[Any]]
    problems: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def of_rows(cls, rows: list[tuple[int, dict[str, Any]]]) -> Columns:
        """The same rows given as (row number, {field: cell}) (a CSV, a test)."""
        fields = dict.fromkeys(f for _, raw in rows for f in raw if f != CELL_PROBLEMS)
        return cls(
            [n for n, _ in rows],
            {f: [raw.get(f) for _, raw in rows] for f in fields},
            {n: raw[CELL_PROBLEMS] for n, raw in rows if CELL_PROBLEMS in raw},
        )

    def __len__(self) -> int:
        return len(self.numbers)


@dataclass(frozen=True)
class Rejection:
    row: int  # row number as the coordinator sees it in the file (header row = 1)
    column: str  # the file's own column header (or the field name when the column is absent)
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason.rstrip('.')}"


@dataclass(slots=True)  # no __dict__ for each row of a 10,000-row file: quicker to make and to read
class PlannedRow:
    """One accepted row: what it will do."""

    row: int
    student_number: str
    status: str  # "new" | "updated" | "unchanged"
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)
    student_id: int | None = None
    result_id: int | None = None  # results: the attempt that is updated


@dataclass
class ImportPlan:
    kind: str
    source: str
    new: list[PlannedRow] = field(default_factory=list)
    updated: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    # The database as the rows were checked against it; apply checks again when it differs.
    fingerprint: tuple[int | None, ...] = ()
    recheck: Callable[[Session], ImportPlan] | None = field(default=None, repr=False, compare=False)
    context: Any = field(default=None, repr=False, compare=False)  # what was read, for apply

    def add(self, planned: PlannedRow) -> None:
        if planned.status not in ("new", "updated", "unchanged"):
            raise ValueError(f"unknown row status {planned.status!r}")
        getattr(self, planned.status).append(planned)

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.updated) + len(self.unchanged) + len(self.rejected_rows)

    @property
    def rejected_rows(self) -> set[int]:
        return {r.row for r in self.rejected}

    def summary(self) -> str:
        what = "students" if self.kind == "students" else "results"
        return (
            f"{len(self.new)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.rejected_rows)} rejected {what}"
        )


@dataclass(frozen=True)
class ImportResult:
    kind: str
    added: int
    updated: int
    unchanged: int
    skipped: int  # rejected rows left out (only with skip_rejected=True)
    rechecked: bool = False  # the database had changed since the preview: the rows were checked again

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
            + (f", {self.skipped} rejected rows skipped" if self.skipped else "")
            + (" (checked again: the database had changed since the preview)" if self.rechecked else "")
        )


class ImportRefused(DomainError):
    """Apply was asked for while rows are rejected, or the database changed since the preview.
    `problems` is the refusal without advice; `skippable` says that importing only the accepted
    rows would go through, so the CLI and the dialog can name their own way to ask for that."""

    def __init__(self, problems: str, skippable: bool = False) -> None:
        advice = " Correct the file, or import only the accepted rows." if skippable else ""
        super().__init__(problems + advice, "file")
        self.problems = problems
        self.skippable = skippable


def fingerprint(session: Session) -> tuple[int | None, ...]:
    """Cheap signs that the database changed: every coordinator action writes an audit entry,
    and rows added or removed change a table's count or highest id. (SQLite's data_version
    only compares within one connection; each transaction here has its own.)"""
    return tuple(_fingerprint_query().rows(session, {})[0])


def students_counted(signs: tuple[int | None, ...]) -> int:
    """The students (not removed) a fingerprint counted: its second figure (`_fingerprint_query`)."""
    return signs[1] or 0


@functools.cache
def _fingerprint_query() -> QuickStatement:
    """The fingerprint's one statement, made once and run on SQLite's own connection
    (store/quick_statements.py): neither built and keyed again at each preview and apply (~1 ms of
    SQLAlchemy's Python each time, against ~0.1 ms of SQLite's work) nor taken through its execution."""

    def biggest(column: ColumnElement[int], *where: ColumnElement[bool]) -> ScalarSelect[int]:
        return select(func.max(column)).where(*where).scalar_subquery()

    def rows(table: Table, *where: ColumnElement[bool]) -> ScalarSelect[int]:
        return select(func.count()).select_from(table).where(*where).scalar_subquery()

    # Core columns (a quicker compile than the ORM's), on the transaction's connection; removed
    # students left out as the ORM session leaves them out (store/sessions.py).
    A, S, R = m.table(m.AuditEntry), m.table(m.Student), m.table(m.CourseResult)
    present = S.c.removed_at.is_(None)
    return QuickStatement(
        select(
            biggest(A.c.id),
            rows(S, present),  # second: students_counted reads it
            biggest(S.c.id, present),
            rows(R),
            biggest(R.c.id),
            rows(m.table(m.Course)),
            rows(m.table(m.Cohort)),
            rows(m.table(m.OptionalCourseApproval)),
        )
    )
