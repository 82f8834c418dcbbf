"""Two rows of a results file that end on the same attempt (one numbered, one blank; two blank;
the same row twice): the preview names the clash on both rows, and apply never reaches the
database's unique check (which used to be reported as "the database changed since the preview")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coordinator_app.services.courses import record_grade
from coordinator_app.services.imports import ImportRefused
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.spreadsheets.importer import apply_import, preview_import
from tests.spreadsheets.test_import import _results, fingerprint, xlsx

HEADER = ["Studentnummer", "Vak", "Cijfer", "Poging"]
DATED = [*HEADER, "Toetsdatum"]
# A resit's registration is dated in January; the workspace's today is 24-11-2025, and a result
# for an exam after today is refused: the resit rows give the day they were taken.
TAKEN = datetime(2025, 11, 20)


@pytest.fixture
def two_students(workspace):  # type: ignore[no-untyped-def]
    a = add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))
    b = add_student(workspace, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))
    return workspace, a, b


def _clashes(preview: Any) -> list[tuple[int, str]]:
    return [(r.row, r.reason) for r in preview.plan.rejected]


def test_attempt_1_and_a_blank_attempt_clash_in_the_preview(two_students, tmp_path: Path) -> None:
    ws, a, b = two_students
    path = xlsx(
        tmp_path / "cijfers.xlsx",
        [HEADER, ["2712001", "PM-PERS", 7.5, 1], ["2712001", "PM-PERS", 8, ""], ["2712002", "PM-PERS", 6.5, ""]],
    )
    preview = preview_import(ws, path)
    said = "row 2 and row 3 both give attempt 1 of PM-PERS for 2712001; keep one row per result."
    assert _clashes(preview) == [(2, said), (3, said)]
    assert [r.row for r in preview.new] == [4]
    before = fingerprint(ws)
    with pytest.raises(ImportRefused) as refused:
        apply_import(ws, preview)
    assert "both give attempt 1 of PM-PERS for 2712001" in refused.value.message
    assert "database changed" not in refused.value.message
    assert fingerprint(ws) == before
    # Skipping the refused rows writes the others, as for any refused row.
    result = apply_import(ws, preview, skip_rejected=True)
    assert (result.added, result.skipped) == (1, 2)
    assert _results(ws, a) == [] and [r[:3] for r in _results(ws, b)] == [("PM-PERS", 1, 6.5)]


def test_the_same_in_either_order(two_students, tmp_path: Path) -> None:
    ws, _a, _b = two_students
    path = xlsx(tmp_path / "cijfers.xlsx", [HEADER, ["2712001", "PM-PERS", 8, None], ["2712001", "PM-PERS", 7.5, 1]])
    said = "row 2 and row 3 both give attempt 1 of PM-PERS for 2712001; keep one row per result."
    assert _clashes(preview_import(ws, path)) == [(2, said), (3, said)]


@pytest.mark.parametrize("order", [(2, None), (None, 2)])
def test_a_blank_attempt_does_not_take_the_resit_another_row_names(
    two_students, tmp_path: Path, order: tuple[int | None, int | None]
) -> None:
    """Attempt 1 failed, the resit (attempt 2) open: a row for attempt 2 fills it, and a blank
    row beside it is the next attempt (3), whichever comes first in the file (taken a day later:
    a resit is taken after the exam it resits)."""
    ws, _a, b = two_students
    record_grade(ws, b, "PM-PERS", "4,0")
    dated = {2: TAKEN, None: TAKEN + timedelta(days=1)}
    path = xlsx(
        tmp_path / "resit.xlsx",
        [
            DATED,
            ["2712002", "PM-PERS", 6.5, order[0], dated[order[0]]],
            ["2712002", "PM-PERS", 7, order[1], dated[order[1]]],
        ],
    )
    preview = preview_import(ws, path)
    assert not preview.plan.rejected
    numbered = 2 if order[0] == 2 else 3
    assert sorted((r.row, r.values["attempt"]) for r in [*preview.new, *preview.updated]) == sorted(
        [(numbered, 2), (5 - numbered, 3)]
    )


def test_a_blank_attempt_after_the_last_one_clashes_with_a_row_naming_it(two_students, tmp_path: Path) -> None:
    ws, _a, b = two_students
    record_grade(ws, b, "PM-PERS", "4,0")
    record_grade(ws, b, "PM-PERS", "5,0", exam_date=date(2025, 11, 10))  # attempt 2 failed too: attempt 3 open
    record_grade(ws, b, "PM-PERS", "5,0", exam_date=date(2025, 11, 17))  # and attempt 3: attempt 4 is open
    path = xlsx(
        tmp_path / "resit.xlsx",
        [
            DATED,
            ["2712002", "PM-PERS", 6.5, 4, TAKEN],
            ["2712002", "PM-PERS", 7, 5, TAKEN],
            ["2712002", "PM-PERS", 8, None, TAKEN],
        ],
    )
    preview = preview_import(ws, path)
    said = "row 3 and row 4 both give attempt 5 of PM-PERS for 2712002; keep one row per result."
    assert _clashes(preview) == [(3, said), (4, said)]
    assert [(r.row, r.values["attempt"]) for r in preview.updated] == [(2, 4)]


@pytest.mark.parametrize(
    ("attempts", "said"),
    [
        ((None, None), "row 2 and row 3 both give a result of PM-PERS for 2712002 without an attempt number"),
        ((2, 2), "row 2 and row 3 both give attempt 2 of PM-PERS for 2712002"),
    ],
)
def test_two_blank_rows_or_the_same_row_twice(
    two_students, tmp_path: Path, attempts: tuple[int | None, int | None], said: str
) -> None:
    ws, _a, b = two_students
    record_grade(ws, b, "PM-PERS", "4,0")  # the resit, attempt 2, is open: both rows could fill it
    path = xlsx(
        tmp_path / "resit.xlsx",
        [DATED, ["2712002", "PM-PERS", 6.5, attempts[0], TAKEN], ["2712002", "PM-PERS", 6.5, attempts[1], TAKEN]],
    )
    preview = preview_import(ws, path)
    assert [row for row, _ in _clashes(preview)] == [2, 3]
    assert all(reason.startswith(said) for _, reason in _clashes(preview))
    before = fingerprint(ws)
    with pytest.raises(ImportRefused, match=said):
        apply_import(ws, preview)
    assert fingerprint(ws) == before


def test_many_rows_on_one_attempt_are_named_briefly(two_students, tmp_path: Path) -> None:
    ws, _a, _b = two_students
    path = xlsx(tmp_path / "r.xlsx", [HEADER, *(["2712001", "PM-PERS", 7, 1] for _ in range(6))])
    reasons = {reason for _, reason in _clashes(preview_import(ws, path))}
    assert reasons == {"rows 2, 3, 4, 5 and 2 more all give attempt 1 of PM-PERS for 2712001; keep one row per result."}


def test_a_clash_the_preview_missed_is_said_as_it_happened(
    two_students, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the database still refuse a row, the message says so, without guessing that someone
    changed the database meanwhile; nothing is written."""
    from coordinator_app.services.imports import apply as apply_module

    ws, a, _b = two_students
    preview = preview_import(ws, xlsx(tmp_path / "cijfers.xlsx", [HEADER, ["2712001", "PM-PERS", 7.5, 1]]))
    record_grade(ws, a, "PM-PERS", "6", attempt=1, exam_date=date(2025, 11, 20))  # the same attempt, unseen
    monkeypatch.setattr(apply_module, "fingerprint", lambda _s: preview.plan.fingerprint)  # as if unchanged
    before = fingerprint(ws)
    with pytest.raises(ImportRefused) as refused:
        apply_import(ws, preview)
    assert refused.value.message.startswith("Nothing was imported: the database refused a row the preview had accepted")
    assert "changed since the preview" not in refused.value.message
    assert fingerprint(ws) == before
