"""The student list's rows: on an SQLite file read through the sqlite3 driver (and, at start, straight
from the file before it is opened), on a server through Core. Every way gives the same rows."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from coordinator_app.services.graduation import plan_graduation
from coordinator_app.services.internships import update_internship
from coordinator_app.services.student_list import (
    StudentRow,
    _core_rows,
    file_rows,
    still_current,
    student_row,
    student_rows,
)
from coordinator_app.services.students import remove_student, update_student
from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import add_pm

AS_OF = date(2025, 11, 24)


@pytest.fixture
def students(workspace: Workspace) -> dict[str, int]:
    """One student with a minor internship under way, a major planned, a graduation month and the List
    of Agreements overdue; one without anything; one removed."""
    busy = add_pm(workspace, "2712345", specialization="medical_imaging")
    update_internship(workspace, busy, "minor", start_date=date(2025, 11, 1))
    update_internship(workspace, busy, "major", start_date=date(2026, 3, 1))
    plan_graduation(workspace, busy, 2026, 8)
    calm = add_pm(workspace, "2798765", first="Daan", last="Bakker", cohort=2025)
    gone = add_pm(workspace, "2700001", first="Sem", last="Visser")
    remove_student(workspace, gone)
    return {"busy": busy, "calm": calm, "gone": gone}


def test_the_rows_say_stage_and_graduation(workspace: Workspace, students: dict[str, int]) -> None:
    rows = {r.id: r for r in student_rows(workspace, AS_OF)}
    assert set(rows) == {students["busy"], students["calm"]}  # the removed student is left out
    busy, calm = rows[students["busy"]], rows[students["calm"]]
    assert (busy.student_number, busy.last_name, busy.programme, busy.cohort) == ("2712345", "de Vries", "PM", 2024)
    assert (busy.stage, busy.graduation, busy.specialization) == ("minor", (2026, 8), "medical_imaging")
    assert (calm.stage, calm.graduation, calm.cohort) == ("not planned", None, 2025)
    # Before either starts the furthest is planned; the major wins once it has started.
    assert student_row(workspace, students["busy"], date(2025, 10, 1)).stage == "major planned"  # type: ignore[union-attr]
    assert student_row(workspace, students["busy"], date(2026, 3, 1)).stage == "major"  # type: ignore[union-attr]
    assert student_row(workspace, students["gone"]) is None


def test_every_reader_gives_the_same_rows(workspace: Workspace, students: dict[str, int]) -> None:
    for day in (date(2025, 10, 1), AS_OF, date(2026, 3, 1), date(2027, 1, 1)):
        with workspace.read() as s:
            core = _core_rows(s, day, None)
            one = _core_rows(s, day, [students["busy"]])
        assert sorted(student_rows(workspace, day)) == sorted(core)
        assert [student_row(workspace, students["busy"], day)] == one


@pytest.mark.sqlite_only
def test_the_list_read_from_the_file_before_opening_it(workspace: Workspace, students: dict[str, int]) -> None:
    early = file_rows(workspace.path, AS_OF)
    assert early is not None
    assert sorted(early.rows) == sorted(student_rows(workspace, AS_OF))
    assert still_current(workspace, early)
    # Another day, or anything written since, and the list is read again once the file is open.
    assert not still_current(workspace, file_rows(workspace.path, date(2025, 11, 25)))  # type: ignore[arg-type]
    update_student(workspace, students["calm"], notes="Asked about the minor.")
    assert not still_current(workspace, early)
    again = file_rows(workspace.path, AS_OF)
    assert again is not None and still_current(workspace, again)


@pytest.mark.sqlite_only
def test_an_older_schema_is_read_again_after_migrating(workspace: Workspace, students: dict[str, int]) -> None:
    early = file_rows(workspace.path, AS_OF)
    assert early is not None
    with sqlite3.connect(workspace.path) as db:
        db.execute("UPDATE alembic_version SET version_num = '0007'")
    older = file_rows(workspace.path, AS_OF)
    assert older is not None and older.revision == "0007" and not still_current(workspace, older)


@pytest.mark.sqlite_only
def test_no_early_rows_from_what_is_not_a_database_of_ours(tmp_path: Path) -> None:
    assert file_rows(tmp_path / "missing.sqlite", AS_OF) is None
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database")
    assert file_rows(text, AS_OF) is None
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE student (id INTEGER)")
    assert file_rows(foreign, AS_OF) is None


def test_a_row_is_a_small_tuple() -> None:
    assert issubclass(StudentRow, tuple) and len(StudentRow._fields) == 12
