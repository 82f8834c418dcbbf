"""A results row whose exam date is out of order with the course's other attempts (a resit dated on or
before the exam it resits, or an attempt dated after its resit) is refused in the preview, naming both
dates, as a grade typed in is (domain/grades.check_attempt_order); nothing of it is written."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from coordinator_app.services.courses import record_grade
from coordinator_app.services.imports import ImportRefused
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.spreadsheets.importer import apply_import, preview_import
from tests.spreadsheets.test_import import _results, fingerprint, xlsx

DATED = ["Studentnummer", "Vak", "Cijfer", "Poging", "Toetsdatum"]


@pytest.fixture
def failed_once(workspace):  # type: ignore[no-untyped-def]
    """Bram failed PM-PERS on 10-11-2025 (the workspace's today is 24-11-2025): attempt 2 is open."""
    a = add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))
    b = add_student(workspace, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))
    record_grade(workspace, b, "PM-PERS", "4,0", exam_date=date(2025, 11, 10))
    return workspace, a, b


def _refusals(preview) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [(r.row, r.column, r.reason) for r in preview.plan.rejected]


def test_a_resit_dated_before_the_exam_it_resits_is_refused(failed_once, tmp_path: Path) -> None:
    ws, _a, _b = failed_once
    path = xlsx(tmp_path / "resit.xlsx", [DATED, ["2712002", "PM-PERS", 6.5, 2, datetime(2025, 11, 3)]])
    preview = preview_import(ws, path)
    assert _refusals(preview) == [
        (
            2,
            "Toetsdatum",
            "The exam date 03-11-2025 of attempt 2 is not after attempt 1's (10-11-2025): a resit is taken "
            "after the exam it resits. Check the date.",
        )
    ]
    assert not preview.new and not preview.updated
    before = fingerprint(ws)
    with pytest.raises(ImportRefused, match="of attempt 2 is not after attempt 1's"):
        apply_import(ws, preview)
    assert fingerprint(ws) == before


def test_the_same_day_is_refused_too(failed_once, tmp_path: Path) -> None:
    ws, _a, _b = failed_once
    path = xlsx(tmp_path / "resit.xlsx", [DATED, ["2712002", "PM-PERS", 6.5, 2, datetime(2025, 11, 10)]])
    assert [row for row, _, _ in _refusals(preview_import(ws, path))] == [2]


def test_a_resit_dated_after_the_exam_it_resits_is_written(failed_once, tmp_path: Path) -> None:
    ws, _a, b = failed_once
    path = xlsx(tmp_path / "resit.xlsx", [DATED, ["2712002", "PM-PERS", 6.5, 2, datetime(2025, 11, 20)]])
    preview = preview_import(ws, path)
    assert not preview.plan.rejected and [r.values["attempt"] for r in preview.updated] == [2]
    apply_import(ws, preview)
    assert [r[:3] for r in _results(ws, b)] == [("PM-PERS", 1, 4.0), ("PM-PERS", 2, 6.5)]


def test_two_rows_of_one_course_out_of_order_are_both_refused_and_the_rest_written(failed_once, tmp_path: Path) -> None:
    """Anna's attempt 1 and its resit in one file, the resit dated first: which date is wrong is for
    the coordinator to say, so both rows are refused; Bram's resit, in order, is written."""
    ws, a, b = failed_once
    path = xlsx(
        tmp_path / "results.xlsx",
        [
            DATED,
            ["2712001", "PM-PERS", 4.0, 1, datetime(2025, 11, 12)],
            ["2712001", "PM-PERS", 7.0, 2, datetime(2025, 11, 5)],
            ["2712002", "PM-PERS", 6.5, 2, datetime(2025, 11, 20)],
        ],
    )
    preview = preview_import(ws, path)
    assert _refusals(preview) == [
        (
            2,
            "Toetsdatum",
            "The exam date 12-11-2025 of attempt 1 is not before attempt 2's (05-11-2025): a resit is taken "
            "after the exam it resits. Check the date.",
        ),
        (
            3,
            "Toetsdatum",
            "The exam date 05-11-2025 of attempt 2 is not after attempt 1's (12-11-2025): a resit is taken "
            "after the exam it resits. Check the date.",
        ),
    ]
    result = apply_import(ws, preview, skip_rejected=True)
    assert (result.added + result.updated, result.skipped) == (1, 2)
    assert _results(ws, a) == []
    assert [r[:3] for r in _results(ws, b)] == [("PM-PERS", 1, 4.0), ("PM-PERS", 2, 6.5)]


def test_a_row_left_is_checked_against_the_date_that_stays(failed_once, tmp_path: Path) -> None:
    """Attempt 1's date moved after its resit's (refused), and attempt 3 dated between the two: against
    the refused date attempt 3 would be out of order, against the stored one (10-11) it is not."""
    ws, _a, b = failed_once
    record_grade(ws, b, "PM-PERS", "5,0", attempt=2, exam_date=date(2025, 11, 17))  # attempt 3 now open
    path = xlsx(
        tmp_path / "results.xlsx",
        [
            DATED,
            ["2712002", "PM-PERS", 4.0, 1, datetime(2025, 11, 21)],
            ["2712002", "PM-PERS", 7.0, 3, datetime(2025, 11, 19)],
        ],
    )
    preview = preview_import(ws, path)
    assert [(row, reason.split(":")[0]) for row, _, reason in _refusals(preview)] == [
        (2, "The exam date 21-11-2025 of attempt 1 is not before attempt 2's (17-11-2025)")
    ]
    assert [(r.row, r.values["attempt"]) for r in preview.updated] == [(3, 3)]
