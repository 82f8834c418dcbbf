"""`coordinator-app removed`: the removed students listed, one restored by number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.on_server import run


@pytest.fixture
def db(make_workspace: Any) -> Path:
    from coordinator_app.services.students import NewStudent, add_student, remove_student

    ws = make_workspace(
        "office.sqlite", today=None
    )  # a copy of the blank database built once (tests/conftest.py), not a new one
    path = ws.path
    try:
        remove_student(ws, add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries")))
        remove_student(ws, add_student(ws, NewStudent("IMIM", 2024, "2712345", "Lars", "Eriksson")))
        add_student(ws, NewStudent("PM", 2024, "2798765", "Daan", "Bakker"))
    finally:
        ws.close()
    return path


def test_the_removed_students_are_listed_newest_first(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "removed", "--db", str(db))
    assert (code, err) == (0, "")
    assert [line.split()[:5] for line in out.splitlines()] == [
        ["2712345", "Lars", "Eriksson", "IMIM", "2024-2025"],
        ["2712345", "Anouk", "de", "Vries", "PM"],
    ]
    assert all(" by " in line for line in out.splitlines())


def test_one_is_restored_by_number_and_programme(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "removed", "--db", str(db), "--restore", "2712345")
    assert code == 1 and "is removed in IMIM and PM; name the programme with --programme" in err
    code, out, _ = run(capsys, "removed", "--db", str(db), "--restore", "2712345", "--programme", "PM")
    assert (code, out.strip()) == (0, "Restored 2712345 Anouk de Vries: back in every list.")
    assert run(capsys, "check", "--db", str(db))[1].splitlines()[3] == "Students:   2"
    assert run(capsys, "removed", "--db", str(db), "--programme", "PM")[1].strip() == "No removed students in PM."


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--restore", "2798765"], "No removed student with number 2798765; 'coordinator-app removed' lists them."),
        (["--restore", "2712345", "--programme", "XYZ"], "No programme 'XYZ'"),
    ],
)
def test_a_mistake_is_one_line(db: Path, capsys, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    before = db.read_bytes()
    code, out, err = run(capsys, "removed", "--db", str(db), *argv)
    assert code == 1 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and message in err
    assert db.read_bytes() == before
