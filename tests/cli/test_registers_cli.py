"""`coordinator-app allocate` and `coordinator-app attach`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.cli.on_server import ENGINES, contents, on_engine, run
from tests.conftest import copy_database

KEYS = ("medical_imaging", "technological_development", "biomarkers_medicines")


@pytest.fixture(scope="session")
def db_built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coordinator_app.services.allocation import set_preferences
    from coordinator_app.services.internships import update_internship
    from coordinator_app.services.students import NewStudent, add_student
    from coordinator_app.services.workspace import Workspace

    path = tmp_path_factory.mktemp("built-once") / "office.sqlite"
    ws = Workspace.open(path)
    try:
        for i in range(22):
            sid = add_student(ws, NewStudent("PM", 2025, f"27100{i:02d}", f"Student{i}", "Jansen"))
            set_preferences(ws, sid, KEYS)
        update_internship(ws, 1, "minor", start_date=date(2026, 3, 2))
    finally:
        ws.close()
    return path


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, tmp_path: Path, db_built_once: Path) -> Path | str:
    """A copy of the database built once per session: copying takes a millisecond, building it
    was most of each test's time (docs/testing.md)."""
    return on_engine(request, copy_database(db_built_once, tmp_path / db_built_once.name))


def test_allocate_previews_then_applies_with_the_seed_and_undoes(db: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = contents(db)
    code, out, err = run(capsys, "allocate", "--db", str(db), "--cohort", "2025", "--seed", "9")
    assert (code, err) == (0, "")
    assert "seed 9" in out.splitlines()[0]
    assert "  Medical Imaging: 20 placed of 20 free (20 places), 2 waiting" in out
    assert (
        out.splitlines()[-1]
        == "Nothing was saved. To allocate as shown: coordinator-app allocate --cohort 2025 --seed 9 --apply"
    )
    assert contents(db) == before
    code, out, _ = run(capsys, "allocate", "--db", str(db), "--cohort", "2025", "--seed", "9", "--apply")
    assert out.splitlines()[-1] == "Allocated: 22 students placed; undo with --undo."
    code, out, _ = run(capsys, "allocate", "--db", str(db), "--cohort", "2025", "--waiting")
    assert out.splitlines()[0] == "Medical Imaging: 2 waiting"
    assert "(has Technological Development)" in out.splitlines()[1]
    code, out, _ = run(capsys, "allocate", "--db", str(db), "--cohort", "2025", "--undo")
    assert code == 0 and "taken back" in out
    code, out, err = run(capsys, "allocate", "--db", str(db), "--cohort", "2025", "--undo")
    assert code == 1 and err.strip() == "coordinator-app: No allocation of the 2025-2026 cohort to take back."


def test_attach_a_document_and_list_it(db: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "LoA signed.pdf"
    pdf.write_bytes(b"%PDF-1.4 signed")
    code, out, err = run(
        capsys, "attach", "--db", str(db), "2710000", str(pdf), "--item", "list_of_agreements", "--received"
    )
    assert (code, err) == (0, "")
    assert out.strip() == (
        "Attached LoA signed.pdf to List of Agreements (A) of 2710000 Student0 Jansen and marked it received today."
    )
    code, out, _ = run(capsys, "attach", "--db", str(db), "2710000", "--list")
    assert out.splitlines()[0] == "2710000 Student0 Jansen: 1 document"
    assert "LoA signed.pdf  (1 KB, portfolio item" in out.splitlines()[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["2710000", "{folder}", "--item", "list_of_agreements"], "is a folder; attach a file"),
        (["2710000", "{missing}", "--item", "list_of_agreements"], "There is no file at"),
        (["2710000", "{pdf}"], "Say what to attach to: --item KIND, --literature or --meeting DATE."),
        (["2710001", "{pdf}", "--item", "list_of_agreements"], "has no portfolio item 'list_of_agreements'"),
        (["9999999", "{pdf}", "--item", "list_of_agreements"], "No student with student number 9999999."),
        (["2710000", "{pdf}", "--literature"], "has no Literature Study planned"),
    ],
)
def test_a_mistake_is_one_line_and_nothing_is_written(db: Path, tmp_path: Path, capsys, argv, message) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF")
    names = {"folder": str(tmp_path), "missing": str(tmp_path / "gone.pdf"), "pdf": str(pdf)}
    before = contents(db)
    code, out, err = run(capsys, "attach", "--db", str(db), *(a.format(**names) for a in argv))
    assert code == 1 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and message in err
    assert contents(db) == before
