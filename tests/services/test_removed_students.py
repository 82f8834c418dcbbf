"""Removing a student keeps every record and leaves them out of everything else; restoring brings
them back as they were. Every place that reads students is asked: the list, the counts, the
attention list, `check`, the specialization places, the export, the imports, the record."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.attention import attention_items
from coordinator_app.services.checks import run_checks
from coordinator_app.services.courses import record_grade
from coordinator_app.services.deadlines import set_deadline
from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship
from coordinator_app.services.record_view import load_record
from coordinator_app.services.student_list import student_row, student_rows
from coordinator_app.services.students import (
    NewStudent,
    add_student,
    count_students,
    remove_student,
    removed_students,
    restore_student,
    update_student,
)
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm, audit_rows, items, table_counts

AS_OF = date(2025, 11, 24)


def _raw(ws: Workspace, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


@pytest.fixture
def anouk(workspace: Workspace) -> int:
    """A PM student with a grade, an internship starting without approval (an attention item and
    a `check` violation) and an overdue List of Agreements."""
    sid = add_pm(workspace, "2712345", specialization="medical_imaging")
    record_grade(workspace, sid, "PM-PERS", "7,5")
    update_internship(workspace, sid, "minor", start_date=date(2025, 11, 1), approval_status="requested")
    return sid


def test_a_removed_student_leaves_every_list_count_and_check(workspace: Workspace, anouk: int) -> None:
    other = add_pm(workspace, "2798765", first="Daan", last="Bakker")
    assert any(i.student_id == anouk for i in attention_items(workspace, AS_OF, 14))
    assert any("2712345" in v for v in run_checks(workspace).violations)
    before = table_counts(workspace)

    assert remove_student(workspace, anouk) == "2712345 Anouk de Vries"

    assert [r.id for r in student_rows(workspace)] == [other]
    assert student_row(workspace, anouk) is None
    assert count_students(workspace) == 1
    assert not any(i.student_id == anouk for i in attention_items(workspace, AS_OF, 14))
    report = run_checks(workspace)
    assert report.students == 1 and not any("2712345" in v for v in report.violations)
    # Nothing was deleted: results, internship and portfolio are kept for a restore.
    after = table_counts(workspace)
    assert {k: v for k, v in after.items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }
    assert _raw(workspace, f"SELECT removed_at IS NOT NULL FROM student WHERE id = {anouk}") == [(1,)]


def test_history_keeps_the_removal_and_the_restore(workspace: Workspace, anouk: int) -> None:
    remove_student(workspace, anouk)
    restore_student(workspace, anouk)
    trail = [
        (a.action, a.old_value, a.new_value)
        for a in audit_rows(workspace)
        if a.student_id == anouk and a.action.endswith("student")
    ]
    assert trail == [
        ("add student", None, "2712345"),
        ("remove student", "2712345 Anouk de Vries", None),
        ("restore student", None, "2712345 Anouk de Vries"),
    ]
    history = [line.action for line in load_record(workspace, anouk).history]
    assert history[:2] == ["restore student", "remove student"]


def test_restore_brings_everything_back_as_it_was(workspace: Workspace, anouk: int) -> None:
    row_before = student_row(workspace, anouk)
    attention_before = [i for i in attention_items(workspace, AS_OF, 14) if i.student_id == anouk]
    violations_before = run_checks(workspace).violations
    remove_student(workspace, anouk)
    assert restore_student(workspace, anouk) == "2712345 Anouk de Vries"
    assert student_row(workspace, anouk) == row_before
    assert [i for i in attention_items(workspace, AS_OF, 14) if i.student_id == anouk] == attention_before
    assert run_checks(workspace).violations == violations_before
    record = load_record(workspace, anouk)
    assert record.evaluation.ec_total == row_before.ec_earned == 6  # the 7.5 still counts


def test_a_removed_students_record_cannot_be_opened_or_edited(workspace: Workspace, anouk: int, unchanged) -> None:  # type: ignore[no-untyped-def]
    remove_student(workspace, anouk)
    with unchanged():
        with pytest.raises(
            NotFound,
            match=r"2712345 Anouk de Vries \(removed \d\d-\d\d-\d{4}\) was removed; restore "
            r"them first \(File > Removed students\)",
        ):
            load_record(workspace, anouk)
        with pytest.raises(NotFound, match="was removed"):
            update_student(workspace, anouk, first_name="Anna")
        with pytest.raises(NotFound, match="was removed"):
            record_grade(workspace, anouk, "PM-DSB", "8")
        with pytest.raises(NotFound, match="was removed"):
            remove_student(workspace, anouk)
        with pytest.raises(NotFound, match="Student 999 does not exist"):
            remove_student(workspace, 999)
        with pytest.raises(DomainError, match="Student 999 does not exist"):
            restore_student(workspace, 999)


def test_restoring_a_student_who_is_not_removed_is_refused(workspace: Workspace, anouk: int, unchanged) -> None:  # type: ignore[no-untyped-def]
    with unchanged(), pytest.raises(DomainError, match="2712345 Anouk de Vries is not removed"):
        restore_student(workspace, anouk)


def test_a_removed_student_frees_their_specialization_place_and_restore_needs_it_back(
    workspace: Workspace, unchanged
) -> None:  # type: ignore[no-untyped-def]
    ids = [add_pm(workspace, f"27000{n:02d}", specialization="medical_imaging") for n in range(20)]
    with pytest.raises(DomainError, match="Medical Imaging is full"):
        add_pm(workspace, "2700099", specialization="medical_imaging")
    remove_student(workspace, ids[0])
    newcomer = add_pm(workspace, "2700099", specialization="medical_imaging")  # the place is free
    with (
        unchanged(),
        pytest.raises(
            DomainError,
            match="2700000 Anouk de Vries cannot come back yet: Medical Imaging is full: 20 of 20 places are taken",
        ),
    ):
        restore_student(workspace, ids[0])
    update_student(workspace, newcomer, specialization=None)
    restore_student(workspace, ids[0])
    assert run_checks(workspace).violations == []
    # A student who had stopped holds no place: they come back even into a full specialization.
    update_student(workspace, ids[1], status="stopped")
    remove_student(workspace, ids[1])
    update_student(workspace, newcomer, specialization="medical_imaging")
    restore_student(workspace, ids[1])
    assert run_checks(workspace).violations == []


def test_a_removed_students_number_is_not_given_to_someone_new(workspace: Workspace, anouk: int, unchanged) -> None:  # type: ignore[no-untyped-def]
    other = add_pm(workspace, "2798765", first="Daan", last="Bakker")
    remove_student(workspace, anouk)
    with unchanged():
        with pytest.raises(
            DomainError,
            match=r"Student number 2712345 belongs to 2712345 Anouk de Vries \(removed "
            r"\d\d-\d\d-\d{4}\): restore them \(File > Removed students\) instead",
        ):
            add_student(workspace, NewStudent("PM", 2025, "2712345", "Anouk", "de Vries"))
        with pytest.raises(DomainError, match="belongs to 2712345 Anouk de Vries"):
            update_student(workspace, other, student_number="2712345")
    # Another programme's 2712345 is another person.
    add_student(workspace, NewStudent("IMIM", 2025, "2712345", "Lars", "Eriksson"))


def test_removed_students_are_listed_newest_first_with_who_removed_them(workspace: Workspace, anouk: int) -> None:
    other = add_pm(workspace, "2798765", first="Daan", last="Bakker")
    assert removed_students(workspace) == []
    remove_student(workspace, anouk)
    remove_student(workspace, other)
    listed = removed_students(workspace)
    assert [(r.student_number, r.name, r.programme, r.cohort, r.status, r.removed_by) for r in listed] == [
        ("2798765", "Daan Bakker", "PM", 2024, "active", workspace.user),
        ("2712345", "Anouk de Vries", "PM", 2024, "active", workspace.user),
    ]
    assert listed[0].removed_at >= listed[1].removed_at
    restore_student(workspace, other)
    assert [r.id for r in removed_students(workspace)] == [anouk]


def test_restore_moves_the_academic_core_due_dates_to_a_deadline_changed_meanwhile(workspace: Workspace) -> None:
    sid = add_pm(workspace, "2712345")
    plan_graduation(workspace, sid, 2026, 6)
    assert items(workspace, sid, "academic_core")["final_portfolio"].due_date == date(2026, 6, 2)
    remove_student(workspace, sid)
    change = set_deadline(workspace, "PM", 2026, 6, date(2026, 6, 12))
    assert change.students_moved == 0  # a removed student is not planned anywhere
    assert items(workspace, sid, "academic_core")["final_portfolio"].due_date == date(2026, 6, 2)
    restore_student(workspace, sid)
    assert items(workspace, sid, "academic_core")["final_portfolio"].due_date == date(2026, 6, 12)


def test_the_export_leaves_removed_students_out(workspace: Workspace, anouk: int, tmp_path: Path) -> None:
    from coordinator_app.spreadsheets.export import export_to

    add_pm(workspace, "2798765", first="Daan", last="Bakker")
    remove_student(workspace, anouk)
    target = export_to(workspace, tmp_path / "cohort.xlsx", programme="PM", cohort=2024, as_of=AS_OF)
    book = openpyxl.load_workbook(target, read_only=True)
    numbers = {str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row}
    assert "2798765" in numbers and "2712345" not in numbers


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_a_student_list_import_says_a_number_belongs_to_a_removed_student(
    workspace: Workspace, anouk: int, tmp_path: Path
) -> None:
    from coordinator_app.spreadsheets.importer import apply_import, preview_import

    remove_student(workspace, anouk)
    path = _xlsx(
        tmp_path / "list.xlsx",
        [
            ["Student number", "First name", "Surname", "Programme", "Cohort"],
            ["2712345", "Anouk", "de Vries", "PM", 2024],
            ["2755555", "Noor", "Visser", "PM", 2024],
        ],
    )
    preview = preview_import(workspace, path)
    assert [r.student_number for r in preview.new] == ["2755555"]
    assert [(r.row, r.reason) for r in preview.rejected] == [
        (
            2,
            f"student 2712345 Anouk de Vries (removed {AS_OF_TODAY()}) was removed; restore them first "
            "(File > Removed students, or coordinator-app removed --restore 2712345), or leave this row out.",
        )
    ]
    result = apply_import(workspace, preview, skip_rejected=True)
    assert result.added == 1
    assert sorted(r.student_number for r in student_rows(workspace)) == ["2755555"]
    assert [r.id for r in removed_students(workspace)] == [anouk]  # not resurrected, not doubled
    assert _raw(workspace, "SELECT count(*) FROM student WHERE student_number = '2712345'") == [(1,)]


@pytest.mark.parametrize("others", [0, 20])  # 20: the number looked up by the index, not by reading the table
def test_a_results_import_says_a_number_belongs_to_a_removed_student(
    workspace: Workspace, anouk: int, tmp_path: Path, others: int
) -> None:
    from coordinator_app.spreadsheets.importer import preview_import

    for n in range(others):
        add_student(workspace, NewStudent("PM", 2024, f"28000{n:02d}", f"Other{n}", "Student"))
    remove_student(workspace, anouk)
    path = _xlsx(
        tmp_path / "results.xlsx",
        [["Student number", "Course", "Grade", "Exam date"], ["2712345", "PM-DSB", "8", "31-10-2024"]],
    )
    preview = preview_import(workspace, path)
    assert preview.new == [] and len(preview.rejected) == 1
    assert "student 2712345 Anouk de Vries" in preview.rejected[0].reason
    assert "was removed; restore them first" in preview.rejected[0].reason


def test_a_new_import_after_a_removal_does_not_take_the_removed_students_id(
    workspace: Workspace, anouk: int, tmp_path: Path
) -> None:
    from coordinator_app.spreadsheets.importer import apply_import, preview_import

    last = add_pm(workspace, "2798765", first="Daan", last="Bakker")  # the highest id
    remove_student(workspace, last)
    path = _xlsx(
        tmp_path / "list.xlsx",
        [["Student number", "First name", "Surname", "Programme", "Cohort"], ["2755555", "Noor", "Visser", "PM", 2024]],
    )
    apply_import(workspace, preview_import(workspace, path))
    assert [r.student_number for r in removed_students(workspace)] == ["2798765"]
    restore_student(workspace, last)
    assert sorted(r.student_number for r in student_rows(workspace)) == ["2712345", "2755555", "2798765"]


def test_a_backup_counts_the_students_that_are_not_removed(workspace: Workspace, anouk: int) -> None:
    from coordinator_app.services.backups import back_up_now, inspect_backup

    add_pm(workspace, "2798765", first="Daan", last="Bakker")
    remove_student(workspace, anouk)
    copy = back_up_now(workspace)
    assert copy.students == 1
    assert inspect_backup(copy.path).students == 1


def AS_OF_TODAY() -> str:
    """A removal is stamped with the real clock (as the audit trail is), not the workspace's fixed
    today, and messages give its local date."""
    from datetime import datetime

    return f"{datetime.now(UTC).astimezone():%d-%m-%Y}"
