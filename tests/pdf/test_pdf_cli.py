"""`coordinator-app report`, `reports` and `certificate` (issue 15): the PDF written, or one line saying why not."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from tests.cli.on_server import ENGINES, on_engine, run
from tests.conftest import copy_database
from tests.pdf.pdfs import pdf_pages, pdf_text
from tests.pdf.records import complete_minor, imim_student, pm_student
from tests.services.service_helpers import add_pm


@pytest.fixture(scope="session")
def db_built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PM student still active, a PM student who stopped (three courses and the minor done), an
    IMIM student, and a PM student with the IMIM student's number."""
    path = tmp_path_factory.mktemp("built-once") / "docs.sqlite"
    ws = Workspace.open(path)
    try:
        pm_student(ws)
        stopped = pm_student(ws, "2799999", "Sjoerd", "Ödegaard")
        complete_minor(ws, stopped)
        update_student(ws, stopped, status="stopped")
        imim_student(ws, "s3100001")
        add_pm(ws, "s3100001", 2024, None, "Twin", "Number")
    finally:
        ws.close()
    return path


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, tmp_path: Path, db_built_once: Path) -> Path | str:
    """A copy of the database built once per session: copying takes a millisecond, building it
    was most of each test's time (docs/testing.md)."""
    return on_engine(request, copy_database(db_built_once, tmp_path / db_built_once.name))


def test_report(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "anouk.pdf"
    code, out, err = run(capsys, "report", "--db", str(db), "2712345", "-o", str(target), "--as-of", "24-11-2025")
    assert (code, err) == (0, "")
    assert out.startswith(f"Saved the progress report of Anouk de Vries (2712345) in {target}")
    text = pdf_text(target)
    assert "Progress report: Anouk de Vries" in text and "Status as of 24-11-2025" in text


def test_report_of_a_number_in_two_programmes_needs_the_programme(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "s.pdf"
    code, _out, err = run(capsys, "report", "--db", str(db), "s3100001", "-o", str(target))
    assert (
        code == 1
        and err.strip() == "coordinator-app: Student number s3100001 is in IMIM and PM; name the programme too."
    )
    assert not target.exists()
    assert run(capsys, "report", "--db", str(db), "s3100001", "--programme", "IMIM", "-o", str(target))[0] == 0
    assert "Bench to Bedside and Back" in pdf_text(target)


def test_certificate(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cert.pdf"
    argv = ["certificate", "--db", str(db), "2799999", "-o", str(target), "--as-of", "24-11-2025"]
    code, out, err = run(capsys, *argv, "--coordinator", "Marieke  Smit")
    assert (code, err) == (0, "")
    assert "4 components, 42 EC" in out
    text = pdf_text(target)
    assert "Attendance certificate" in text and "Sjoerd Ödegaard" in text and "Master Personalized Medicine" in text
    assert "Basics of Clinical Research & Regulations 6 24-01-2025" in text
    assert "Minor internship 24 03-03-2025 – 22-06-2025" in text
    assert "Total 42" in text and "Issued on 24-11-2025" in text and "Marieke Smit" in text
    assert pdf_pages(target) == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["certificate", "2712345", "--coordinator", "M"], "this student is still active"),
        (["certificate", "2799999"], 'give your name with --coordinator "Your Name"'),
        (["certificate", "1234567", "--coordinator", "M"], "No student with student number 1234567."),
        (["report", "2712345", "-o", "report.txt"], "must end in .pdf"),
        (["report", "2712345", "-o", "nowhere/report.pdf"], "There is no folder"),
        (["reports", "--cohort", "1999", "-o", "all.pdf"], "There are no students in the 1999-2000 cohort."),
        (["reports", "--folder", "nowhere"], "There is no folder nowhere"),
    ],
)
def test_a_mistake_is_one_line_and_writes_nothing(
    db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    if "-o" not in argv and argv[0] == "certificate":
        argv = [*argv, "-o", "cert.pdf"]
    code, out, err = run(capsys, argv[0], "--db", str(db), *argv[1:])
    assert code != 0 and out == ""
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.rglob("*") if ".pdf" in p.name] == []  # no PDF, no half-written part


@pytest.mark.slow  # seven PDFs: over a second of processor time
def test_reports_of_a_cohort_into_a_folder_and_into_one_pdf(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    code, out, _ = run(
        capsys, "reports", "--db", str(db), "--programme", "PM", "--cohort", "2024", "--folder", str(folder)
    )
    assert code == 0 and out.startswith(f"Saved 3 progress reports in {folder}")
    names = sorted(p.name for p in folder.iterdir())
    today = f"{date.today():%Y-%m-%d}"
    assert names == [
        f"2712345 Anouk de Vries - progress report ({today}).pdf",
        f"2799999 Sjoerd Ödegaard - progress report ({today}).pdf",
        f"s3100001 Twin Number - progress report ({today}).pdf",
    ]
    one = tmp_path / "all.pdf"
    code, out, _ = run(capsys, "reports", "--db", str(db), "--cohort", "2024", "-o", str(one))
    assert code == 0 and out.startswith(f"Saved 4 progress reports in {one}")
    text = pdf_text(one)
    for name in ("Anouk de Vries", "Sjoerd Ödegaard", "Lars Eriksson", "Twin Number"):
        assert f"Progress report: {name}" in text
    # Each report starts on its own page, with its own page numbers.
    assert text.count("page 1 of") == 4


def test_the_certificate_is_signed_with_the_name_set_once(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from coordinator_app.pdf.settings import coordinator_name, set_coordinator_name

    set_coordinator_name("  dr.  Marieke Smit ")
    assert coordinator_name() == "dr. Marieke Smit"
    target = tmp_path / "cert.pdf"
    assert run(capsys, "certificate", "--db", str(db), "2799999", "-o", str(target))[0] == 0
    assert "dr. Marieke Smit" in pdf_text(target)
