"""A results import says why a row cannot be taken in the coordinator's words (issue 16 item 7)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.courses import record_grade
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.spreadsheets.importer import apply_import, preview_import


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_a_specialization_course_for_a_student_who_has_not_chosen_says_so(workspace, tmp_path: Path) -> None:
    add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))  # not chosen yet
    add_student(workspace, NewStudent("PM", 2025, "2712002", "Bram", "Jansen", "", "technological_development"))
    path = _sheet(
        tmp_path / "mi1.xlsx",
        [["Student number", "Course", "Grade"], ["2712001", "PM-MI1", 7], ["2712002", "PM-MI1", 7]],
    )
    preview = preview_import(workspace, path)
    reasons = {r.row: r.reason for r in preview.rejected}
    assert reasons[2] == (
        "Medical Imaging I belongs to the Medical Imaging specialization, and this student's "
        "specialization is not chosen yet: choose it first."
    )
    assert "another specialization" not in reasons[2]
    assert reasons[3] == (
        "Medical Imaging I belongs to the Medical Imaging specialization; this student's "
        "specialization is Technological Development."
    )
    with pytest.raises(DomainError, match="Nothing was imported"):
        apply_import(workspace, preview)


def test_recording_by_hand_gives_the_same_reason(workspace) -> None:
    sid = add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))
    with pytest.raises(DomainError) as refused:
        record_grade(workspace, sid, "PM-MI1", "7")
    assert refused.value.message == (
        "Medical Imaging I belongs to the Medical Imaging specialization, and this "
        "student's specialization is not chosen yet: choose it first."
    )
