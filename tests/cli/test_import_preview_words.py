"""The dry run of a results import says a grade for a registered resit as a new grade
("grade (none) -> 7.5"), not with Python's None (the new-user trial saw "grade None -> 7.5")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coordinator_app.cli import main
from coordinator_app.services.courses import record_grade
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace


def test_a_resits_first_grade_reads_as_a_new_grade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.sqlite"
    ws = Workspace.open(db)
    try:
        student = add_student(ws, NewStudent("PM", 2024, "2790003", "Anouk", "de Vries"))
        record_grade(ws, student, "PM-PERS", "4,5", exam_date=date(2024, 9, 27))  # fail: the resit is registered
    finally:
        ws.close()
    results = tmp_path / "cijfers.csv"
    results.write_text("Studentnummer;Cijfer\n2790003;7,5\n", encoding="utf-8")
    assert main(["import", "--db", str(db), str(results), "--course", "PM-PERS", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "updated  row 2: 2790003: grade (none) -> 7.5" in out
    assert "None" not in out
