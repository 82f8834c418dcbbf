"""Reports for many students (issue 15, item 4): progress step by step, and cancelling leaves no half file."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordinator_app.pdf.batch import Progress, reports_in_one_pdf, reports_into_folder, run_through
from coordinator_app.services.report_students import students_for_documents
from coordinator_app.services.workspace import Workspace
from tests.pdf.pdfs import pdf_text
from tests.pdf.records import imim_student, pm_student


def three(ws: Workspace) -> list[int]:
    pm_student(ws, "2700001", "Anouk", "de Vries")
    imim_student(ws, "s3100001")
    pm_student(ws, "2700002", "Bram", "Jansen")
    return students_for_documents(ws)


@pytest.mark.slow  # three records and a PDF: over a second of processor time
def test_a_selection_in_reading_order_with_progress(workspace: Workspace, tmp_path: Path) -> None:
    ids = three(workspace)
    # programme, cohort, student number: IMIM's Lars, then PM's Anouk and Bram
    chosen = students_for_documents(workspace, student_ids=[ids[2], ids[1]])
    assert chosen == [ids[1], ids[2]]
    steps = list(reports_in_one_pdf(workspace, chosen, tmp_path / "two.pdf", "two"))
    assert steps == [
        Progress(0, 2, "0 of 2 reports laid out"),
        Progress(1, 2, "1 of 2 reports laid out"),
        Progress(2, 2, "2 of 2 reports laid out"),
    ]
    text = pdf_text(tmp_path / "two.pdf")
    assert text.index("Anouk de Vries") < text.index("Bram Jansen") and "Lars Eriksson" not in text


def test_cancelling_one_pdf_saves_nothing(workspace: Workspace, tmp_path: Path) -> None:
    ids = three(workspace)
    steps = reports_in_one_pdf(workspace, ids, tmp_path / "all.pdf", "all")
    next(steps), next(steps)
    steps.close()  # what the window's Cancel does
    assert sorted(p.name for p in tmp_path.iterdir() if "pdf" in p.name) == []


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_cancelling_a_folder_keeps_the_finished_reports_only(workspace: Workspace, tmp_path: Path) -> None:
    ids = three(workspace)
    folder = tmp_path / "out"
    folder.mkdir()
    steps = reports_into_folder(workspace, ids, folder)
    next(steps), next(steps)
    steps.close()
    assert [p.name.split(" - ")[0] for p in folder.iterdir()] == ["s3100001 Lars Eriksson"]
    result = run_through(reports_into_folder(workspace, ids, folder))
    assert len(result.written) == 3 and all(p.stat().st_size > 1000 for p in result.written)
    assert result.message == f"Saved 3 progress reports in {folder}"
