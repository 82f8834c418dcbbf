"""Issue 19, item 3: one course's results as the student information system's upload sheet."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.domain.errors import DomainError, NotFound
from coordinator_app.services.courses import record_grade
from coordinator_app.services.students import remove_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.importer import preview_import
from coordinator_app.spreadsheets.sis import write_results_sheet
from tests.services.service_helpers import add_imim, add_pm


def _three_students(ws: Workspace) -> dict[str, int]:
    """Anouk 7,5 (typed with a comma), Daan a No Show then 6.0 at the resit, Eva waiting for her grade,
    and Lars (IMIM) in another programme's course."""
    anouk = add_pm(ws, "2712345")
    daan = add_pm(ws, "2798765", first="Daan", last="Bakker")
    eva = add_pm(ws, "2755555", first="Eva", last="Smit")
    lars = add_imim(ws, "s3100001")
    record_grade(ws, anouk, "PM-PERS", "7,5", exam_date=date(2025, 1, 30))
    record_grade(ws, daan, "PM-PERS", "NS", exam_date=date(2025, 1, 30))
    record_grade(ws, daan, "PM-PERS", "6", attempt=2, exam_date=date(2025, 4, 14))
    record_grade(ws, lars, "IMIM-S1", "8.2", exam_date=date(2025, 1, 20))
    return {"anouk": anouk, "daan": daan, "eva": eva, "lars": lars}


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel reads it as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


def test_a_csv_upload_sheet_with_decimal_commas(workspace: Workspace, tmp_path: Path) -> None:
    _three_students(workspace)
    written, rows = write_results_sheet(workspace, "pm-pers", tmp_path / "pers.csv")
    assert (written, rows) == (tmp_path / "pers.csv", 3)
    assert _csv_rows(written) == [
        ["Student number", "Grade", "Exam date", "Attempt"],
        ["2712345", "7,5", "30-01-2025", "1"],
        ["2798765", "NS", "30-01-2025", "1"],
        ["2798765", "6,0", "14-04-2025", "2"],
    ]


def test_an_xlsx_upload_sheet_with_decimal_points(workspace: Workspace, tmp_path: Path) -> None:
    _three_students(workspace)
    # The course by its name, in any case, as a coordinator may type it.
    written, rows = write_results_sheet(workspace, "personalized medicine", tmp_path / "pers.xlsx", decimal="point")
    assert rows == 3
    wb = openpyxl.load_workbook(written)
    sheet = wb["Results"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Student number", "Grade", "Exam date", "Attempt"]
    # The grade is text so its decimal mark does not follow the computer the file is opened on; the
    # student number is text (leading zeros kept); the date is a date and the attempt a number.
    assert [v[:2] for v in values[1:]] == [["2712345", "7.5"], ["2798765", "NS"], ["2798765", "6.0"]]
    assert [v[2].date() for v in values[1:]] == [date(2025, 1, 30), date(2025, 1, 30), date(2025, 4, 14)]
    assert [v[3] for v in values[1:]] == [1, 1, 2]
    assert sheet["B2"].data_type == "s" and sheet["C2"].is_date


def test_the_upload_sheet_reads_back_through_the_results_import_unchanged(workspace: Workspace, tmp_path: Path) -> None:
    _three_students(workspace)
    for name in ("pers.csv", "pers.xlsx"):
        written, _ = write_results_sheet(workspace, "PM-PERS", tmp_path / name)
        preview = preview_import(workspace, written, kind="results", course="PM-PERS")
        assert (len(preview.new), len(preview.updated), len(preview.rejected)) == (0, 0, 0), name
        assert len(preview.unchanged) == 3, name


def test_removed_students_and_other_cohorts_are_left_out(workspace: Workspace, tmp_path: Path) -> None:
    ids = _three_students(workspace)
    later = add_pm(workspace, "2811111", cohort=2025, first="Sem", last="Vos")
    record_grade(workspace, later, "PM-PERS", "9", exam_date=date(2025, 9, 29))
    remove_student(workspace, ids["anouk"])
    _, rows = write_results_sheet(workspace, "PM-PERS", tmp_path / "all.csv")
    assert [r[0] for r in _csv_rows(tmp_path / "all.csv")[1:]] == ["2798765", "2798765", "2811111"]
    assert rows == 3
    _, rows = write_results_sheet(workspace, "PM-PERS", tmp_path / "2025.csv", cohort=2025)
    assert _csv_rows(tmp_path / "2025.csv")[1:] == [["2811111", "9,0", "29-09-2025", "1"]]


@pytest.mark.parametrize(
    ("course", "options", "message"),
    [
        ("PM-NOPE", {}, "There is no course 'PM-NOPE'. Give its code, like PM-PERS."),
        ("PM-PERS", {"programme": "IMIM"}, "There is no course 'PM-PERS' in IMIM. Give its code, like PM-PERS."),
        ("IMIM-S2", {}, "IMIM-S2 Translational medicine (semester 2) has no results yet; nothing to upload."),
        ("PM-PERS", {"decimal": "semicolon"}, "The decimal mark is 'comma' or 'point', not 'semicolon'."),
    ],
)
def test_a_course_that_cannot_be_uploaded_is_named_and_nothing_is_written(
    workspace: Workspace, tmp_path: Path, course: str, options: dict[str, str], message: str
) -> None:
    _three_students(workspace)
    with pytest.raises((DomainError, NotFound)) as refused:
        write_results_sheet(workspace, course, tmp_path / "out.csv", **options)
    assert str(refused.value) == message
    assert list(tmp_path.glob("out*")) == [] and list(tmp_path.glob(".out*")) == []


def test_an_unwritable_target_is_refused_in_words(workspace: Workspace, tmp_path: Path) -> None:
    _three_students(workspace)
    with pytest.raises(DomainError, match=r"^The folder .*missing does not exist\.$"):
        write_results_sheet(workspace, "PM-PERS", tmp_path / "missing" / "out.csv")
    with pytest.raises(DomainError, match=r"^An upload sheet is a \.csv or \.xlsx file, not out\.txt\.$"):
        write_results_sheet(workspace, "PM-PERS", tmp_path / "out.txt")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_upload_sheet_as_written(workspace: Workspace, tmp_path: Path) -> None:
    _three_students(workspace)
    written, _ = write_results_sheet(workspace, "PM-PERS", tmp_path / "pers.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,false,true,true,false,false",
            "--outdir",
            str(tmp_path / "lo"),
            str(written),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with open(tmp_path / "lo" / "pers.csv", encoding="utf-8", newline="") as fh:
        shown = list(csv.reader(fh, delimiter=";"))
    assert shown == [
        ["Student number", "Grade", "Exam date", "Attempt"],
        ["2712345", "7,5", "30-01-2025", "1"],
        ["2798765", "NS", "30-01-2025", "1"],
        ["2798765", "6,0", "14-04-2025", "2"],
    ]
