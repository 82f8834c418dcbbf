"""The progress report as a PDF: the values the record shows, in the file (issue 15, item 1)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from coordinator_app import __version__
from coordinator_app.pdf.files import DocumentError, report_document, write_report
from coordinator_app.services.courses import record_grade
from coordinator_app.services.internships import update_internship
from coordinator_app.services.record_view import load_record
from coordinator_app.services.workspace import Workspace
from tests.pdf.pdfs import pdf_pages, pdf_text
from tests.pdf.records import LONG_HOST, imim_student, pm_student

MADE = datetime(2025, 11, 24, 9, 30)


def test_a_pm_report_holds_what_the_record_shows(workspace: Workspace, tmp_path: Path) -> None:
    sid = pm_student(workspace, first="Kateřina", last="Ñúñez-Åberg")
    target = write_report(load_record(workspace, sid), tmp_path / "report.pdf", MADE)
    text = pdf_text(target)
    assert "Progress report: Kateřina Ñúñez-Åberg" in text
    assert "Master Personalized Medicine" in text and "Cohort 2024-2025" in text and "Status active" in text
    # EC per component and the total: four compulsory courses minus the No Show; the minor is not complete.
    assert "Compulsory courses 18 24 not yet" in text
    assert "Total 18 120" in text
    # Every attempt, the resit, and the result that counts.
    assert "4.8 29-11-2024" not in text  # the grade follows the exam date
    assert "29-11-2024 4.8" in text and "24-01-2025 6.4" in text and "6.4 passed" in text
    assert "20-12-2024 NS" in text and "NS not passed" in text
    # The minor: host, assessor, approval, portfolio with due and received dates, marks half up.
    assert "Host Amsterdam UMC" in text
    assert "prof. dr. L. Visser (Full professor, VUmc)" in text
    assert "approved on 20-02-2025" in text
    assert "List of Agreements (A) 17-03-2025 14-03-2025 received" in text
    assert "Research Proposal (B) 14-04-2025 overdue" in text
    assert "written report (mean of both) 7.3" in text  # (7.0 + 7.5) / 2 = 7.25, half up
    assert "Final mark 7.8 passed" in text
    # Academic Core and graduation with its blockers named.
    assert "Mentor dr. M. Jansen" in text and "01-10-2024 Career plans" in text
    assert "Not ready to graduate" in text and "Graduation month not planned yet" in text
    # Dated and marked with the app's version on every page.
    assert f"made 24-11-2025 09:30 · Coordinator App {__version__}" in text
    assert f"page {pdf_pages(target)} of {pdf_pages(target)}" in text


def test_an_imim_report_shows_imims_components(workspace: Workspace, tmp_path: Path) -> None:
    sid = imim_student(workspace)
    text = pdf_text(write_report(load_record(workspace, sid), tmp_path / "imim.pdf", MADE))
    assert "International Master's Programme in Innovative Medicine" in text
    for component in ("Semester courses", "Research projects", "Bench to Bedside and Back", "Degree project"):
        assert component in text
    assert "Year 1 at Uppsala" in text and "Year 2 at Groningen" in text
    assert "Graduation month June 2026" in text
    assert "Minor internship" not in text and "Academic Core" not in text and "Literature Study" not in text


def ink_outside_the_margins(pdf: Path, out: Path) -> list[str]:
    """Pages rendered to PNG (pdftoppm, 50 dpi) and read back: any pixel not white in the page's side
    margins (the text area is 18 mm in from each side) means something ran off the text area."""
    from PySide6.QtGui import QImage

    subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", str(pdf), str(out / "page")], check=True)
    found = []
    for png in sorted(out.glob("page-*.png")):
        image = QImage(str(png))
        margin = int(17 / 25.4 * 50)  # a little inside the 18 mm margin: anti-aliasing
        for x in [*range(margin), *range(image.width() - margin, image.width())]:
            for y in range(image.height()):
                if image.pixelColor(x, y).lightness() < 250:
                    found.append(f"{png.name} x={x} y={y}")
                    break
    return found


@pytest.mark.slow  # starts pdftoppm
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) renders the pages to look at")
def test_long_names_and_fifteen_attempts_stay_on_the_page(workspace: Workspace, tmp_path: Path) -> None:
    sid = pm_student(workspace, first="Maria-Magdalena Léonie", last="van den Heuvel-Østergård-Ægidiussen")
    update_internship(workspace, sid, "minor", host=LONG_HOST, department=LONG_HOST[:60])
    for n in range(13):
        record_grade(workspace, sid, "PM-IMGP", "4.0", attempt=n + 2, exam_date=date(2025, 1, 1 + n))
    record_grade(workspace, sid, "PM-IMGP", "5.5", attempt=15, exam_date=date(2025, 1, 20))
    record = load_record(workspace, sid)
    assert len(next(line for line in record.courses if line.code == "PM-IMGP").attempts) == 15
    target = write_report(record, tmp_path / "long.pdf", MADE)
    assert ink_outside_the_margins(target, tmp_path) == []
    text = pdf_text(target)
    assert "Maria-Magdalena Léonie van den Heuvel-Østergård-Ægidiussen" in text
    assert "Translationele" in text and "Zuidoost" in text  # the long host is there, wrapped
    assert "20-01-2025 5.5" in text and "5.5 passed" in text
    assert text.count("4.0") >= 13


def test_a_folder_that_does_not_exist_is_named_and_nothing_is_written(workspace: Workspace, tmp_path: Path) -> None:
    record = load_record(workspace, pm_student(workspace))
    with pytest.raises(DocumentError, match="does not exist"):
        write_report(record, tmp_path / "nowhere" / "r.pdf")
    assert list(tmp_path.iterdir()) == [tmp_path / "test.sqlite"] or "nowhere" not in str(list(tmp_path.iterdir()))


def test_the_footer_names_the_student_and_the_day(workspace: Workspace) -> None:
    record = load_record(workspace, pm_student(workspace))
    doc = report_document(record, MADE)
    assert doc.footer.startswith("Progress report of Anouk de Vries (2712345), as of 24-11-2025")
    assert date(2025, 11, 24) == record.as_of
