"""Arbitrary text in every cell of an imported student list or results list: each row is either
accepted with the value the rules give, or rejected naming its row and column; never another
exception, and a preview writes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import parse_grade
from coordinator_app.domain.people import parse_date, validate_student_number
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.importer import preview_import

# Text a coordinator's file could hold: digits, separators, letters, formula starters, blanks.
cell = st.text(alphabet=st.sampled_from(list("0123456789,.-/ +=@NSns\tabcXYZé;\"'")), max_size=12)

STUDENT_HEADERS = ["Student number", "First name", "Surname", "E-mail", "Programme", "Cohort", "Specialization"]
RESULT_HEADERS = ["Student number", "Grade", "Exam date", "Attempt"]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def _counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.engine.connect() as conn:
        return tuple(
            conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
            for t in ("student", "course_result", "audit_entry")  # type: ignore[return-value]
        )


@pytest.fixture
def import_workspace(make_workspace):  # type: ignore[no-untyped-def]
    ws = make_workspace("import-cells.sqlite")
    add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries"))
    return ws


def _accepted_or_named(preview, headers: list[str], rows: int) -> None:  # type: ignore[no-untyped-def]
    for rejection in preview.rejected:
        assert 2 <= rejection.row <= rows + 1
        assert rejection.column, rejection
        assert rejection.reason.strip(), rejection


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(st.lists(cell, min_size=7, max_size=7), min_size=1, max_size=4))
def test_student_list_cells(import_workspace: Workspace, tmp_path: Path, rows: list[list[str]]) -> None:
    path = tmp_path / "students.csv"
    _write_csv(path, STUDENT_HEADERS, rows)
    before = _counts(import_workspace)
    try:
        preview = preview_import(import_workspace, path, "students", programme="PM", cohort=2025)
    except DomainError as exc:  # a whole-file problem, said in one message
        assert str(exc).strip()
        return
    finally:
        assert _counts(import_workspace) == before  # a preview never writes
    _accepted_or_named(preview, STUDENT_HEADERS, len(rows))
    for planned in preview.new + preview.updated + preview.unchanged:
        # An accepted row carries a student number the rules accept, exactly as typed (trimmed).
        assert validate_student_number(planned.student_number) == planned.student_number


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(st.tuples(cell, cell, cell), min_size=1, max_size=4))
def test_results_list_cells(import_workspace: Workspace, tmp_path: Path, cells: list[tuple[str, str, str]]) -> None:
    # The student exists, so each row stands or falls by its grade, date and attempt cells.
    rows = [["2712345", grade, when, attempt] for grade, when, attempt in cells]
    path = tmp_path / "results.csv"
    _write_csv(path, RESULT_HEADERS, rows)
    before = _counts(import_workspace)
    try:
        preview = preview_import(import_workspace, path, "results", course="PM-PERS")
    except DomainError as exc:
        assert str(exc).strip()
        return
    finally:
        assert _counts(import_workspace) == before
    _accepted_or_named(preview, RESULT_HEADERS, len(rows))
    rejected = preview.plan.rejected_rows
    for n, (grade, when, _attempt) in enumerate(cells, start=2):
        if n in rejected:
            continue
        # An accepted row's grade and date are what the rules make of the cells.
        parse_grade(grade)
        if when.strip():
            parse_date(when)
