"""Issue 19, item 2: the programme's own template (the faculty's workbook), its columns mapped once
and kept next to it, filled with openpyxl keeping its logo, colours, merged title and formulas."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.export import export_to
from coordinator_app.spreadsheets.template import (
    TemplateError,
    fill_template,
    load_map,
    map_file,
    propose_map,
    set_columns,
)
from tests.spreadsheets.conftest import TODAY
from tests.spreadsheets.template_helpers import FACULTY_BLUE, HEADER, ROW_FILL, TITLE, faculty_template


def _overview(ws: Workspace, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The cohort workbook's Overview, per student number: what the template's columns must show."""
    out = export_to(ws, tmp_path / "plain.xlsx", programme="PM", as_of=TODAY)
    rows = list(openpyxl.load_workbook(out, read_only=True)["Overview"].iter_rows(values_only=True))
    header = rows[0]
    # read-only rows stop at their last value: pad them to the header
    return {str(r[0]): dict(zip(header, (*r, *[None] * (len(header) - len(r))))) for r in rows[1:]}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_proposed_map_reads_the_dutch_header_and_leaves_formula_columns_alone(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    mapped = propose_map(demo_workspace, template, "PM")
    assert (mapped.sheet, mapped.header_row) == ("Voortgang", 4)
    # "Status" is a name the app has too, but the faculty computes it with its own formula.
    assert mapped.columns == {"B": "Student number", "C": "Surname", "D": "First name", "E": "Cohort"}


@pytest.mark.slow  # over 1 s of processor time: a cohort export to compare with, and fills
def test_the_filled_template_keeps_its_look_and_formulas_and_holds_every_student(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    before = _digest(template)
    set_columns(demo_workspace, template, "PM", ["F=EC total (of 120)", "Opmerking=Graduation blockers"])
    target, students = fill_template(demo_workspace, template, tmp_path / "gevuld.xlsx", programme="PM", as_of=TODAY)
    assert _digest(template) == before  # the template itself is never written
    overview = _overview(demo_workspace, tmp_path)
    assert students == len(overview) > 50
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Voortgang", "Toelichting"]
    assert wb["Toelichting"]["A1"].value.startswith("EC behaald")
    sheet = wb["Voortgang"]
    # The faculty's look: the logo, the merged title in its colours, the header, the frozen panes.
    assert len(sheet._images) == 1
    assert [str(r) for r in sheet.merged_cells.ranges] == ["C1:H2"]
    assert sheet["C1"].value == TITLE and sheet["C1"].fill.fgColor.rgb == FACULTY_BLUE
    assert tuple(c.value for c in sheet[4]) == HEADER and sheet["B4"].fill.fgColor.rgb == FACULTY_BLUE
    assert sheet.freeze_panes == "A5"
    numbers = []
    for row in range(5, 5 + students):
        number = sheet.cell(row, 2).value
        numbers.append(number)
        want = overview[number]
        got = [sheet.cell(row, n).value for n in range(1, 9)]
        assert got == [
            "=ROW()-4",  # the template's own formulas, carried down to every row
            number,
            want["Surname"],
            want["First name"],
            want["Cohort"],
            want["EC total (of 120)"],
            want["Graduation blockers"] or None,
            f'=IF(F{row}>=60,"op schema","achter")',
        ], number
        assert sheet.cell(row, 3).fill.fgColor.rgb == ROW_FILL and sheet.cell(row, 8).font.i  # the row's styles
        assert sheet.cell(row, 6).number_format == "0"
    assert sorted(numbers) == sorted(overview) and sheet.cell(5 + students, 2).value is None


def test_the_students_rows_take_the_templates_place_with_real_dates_and_numbers(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    """The rows after the first are written into the saved sheet as XML (template._StreamedRows): an
    example row the template had below its first data row is replaced, dates are dates in the app's
    format, numbers numbers, and the sheet says where it ends."""
    template = faculty_template(tmp_path / "faculteit.xlsx")
    wb = openpyxl.load_workbook(template)
    wb["Voortgang"]["B6"] = "voorbeeld"  # a faculty's example row, left in the template
    wb["Voortgang"]["J6"] = "onder het voorbeeld"
    wb.save(template)
    set_columns(demo_workspace, template, "PM", ["F=EC total (of 120)", "E=Graduation month"])
    target, students = fill_template(demo_workspace, template, tmp_path / "gevuld.xlsx", programme="PM", as_of=TODAY)
    overview = _overview(demo_workspace, tmp_path)
    sheet = openpyxl.load_workbook(target)["Voortgang"]
    assert sheet.max_row == 4 + students and sheet.calculate_dimension() == f"A1:H{4 + students}"
    assert "voorbeeld" not in [sheet.cell(r, 2).value for r in range(5, 5 + students)]
    assert sheet["J6"].value is None
    months = 0
    for row in range(6, 5 + students):
        want = overview[sheet.cell(row, 2).value]
        month, ec = sheet.cell(row, 5), sheet.cell(row, 6)
        assert ec.value == want["EC total (of 120)"] and ec.data_type == "n" and ec.number_format == "0"
        if want["Graduation month"] is not None:
            months += 1
            assert month.is_date and month.value == want["Graduation month"]
            assert month.number_format == "mmm yyyy"
        assert sheet.cell(row, 3).fill.fgColor.rgb == ROW_FILL
    assert months > 10


def test_a_template_whose_student_sheet_is_not_the_first_is_filled_there(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    mapped = propose_map(demo_workspace, template, "PM")  # mapped on the "Voortgang" sheet
    wb = openpyxl.load_workbook(template)
    wb.move_sheet("Toelichting", offset=-1)  # the explanation first, the students' sheet second
    wb.save(template)
    target, students = fill_template(
        demo_workspace, template, tmp_path / "gevuld.xlsx", programme="PM", as_of=TODAY, mapped=mapped
    )
    filled = openpyxl.load_workbook(target)
    assert filled.sheetnames == ["Toelichting", "Voortgang"]
    assert filled["Toelichting"].max_row == 1 and filled["Toelichting"]["A1"].value.startswith("EC behaald")
    sheet = filled["Voortgang"]
    assert sheet.max_row == 4 + students and sheet.cell(4 + students, 1).value == "=ROW()-4"
    assert all(sheet.cell(r, 2).value for r in range(5, 5 + students))


def test_text_that_looks_like_a_formula_stays_text(demo_workspace: Workspace, tmp_path: Path) -> None:
    add_student(demo_workspace, NewStudent("PM", 2024, "2799999", '=HYPERLINK("http://x","y")', "+1+1"))
    template = faculty_template(tmp_path / "faculteit.xlsx")
    target, _ = fill_template(demo_workspace, template, tmp_path / "gevuld.xlsx", programme="PM", cohort=2024)
    sheet = openpyxl.load_workbook(target)["Voortgang"]
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 2).value == "2799999")
    for column, text in ((3, "+1+1"), (4, '=HYPERLINK("http://x","y")')):
        cell = sheet.cell(row, column)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_the_map_is_kept_next_to_the_template_per_programme(demo_workspace: Workspace, tmp_path: Path) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    fill_template(demo_workspace, template, tmp_path / "pm.xlsx", programme="PM")
    set_columns(demo_workspace, template, None, ["F=EC total (of 120)"])
    saved = json.loads(map_file(template).read_text("utf-8"))
    assert map_file(template).name == "faculteit.xlsx.columns.json"
    assert set(saved) == {"PM", "all programmes"}
    assert saved["PM"]["columns"] == {"B": "Student number", "C": "Surname", "D": "First name", "E": "Cohort"}
    assert saved["all programmes"]["columns"]["F"] == "EC total (of 120)"
    # Taking a column out, by the template's own header.
    set_columns(demo_workspace, template, "PM", ["Cohort="])
    assert load_map(template, "PM").columns == {"B": "Student number", "C": "Surname", "D": "First name"}


@pytest.mark.slow  # over 1 s of processor time: a cohort export to compare with, and fills
def test_a_new_version_of_the_template_with_moved_columns_is_followed(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    fill_template(demo_workspace, template, tmp_path / "eerst.xlsx", programme="PM")
    wb = openpyxl.load_workbook(template)
    sheet = wb["Voortgang"]
    sheet["C4"], sheet["D4"] = "Voornaam", "Achternaam"  # the faculty swapped two columns
    wb.save(template)
    target, _ = fill_template(demo_workspace, template, tmp_path / "daarna.xlsx", programme="PM", cohort=2024)
    filled = openpyxl.load_workbook(target)["Voortgang"]
    overview = _overview(demo_workspace, tmp_path)
    number = filled["B5"].value
    assert (filled["C5"].value, filled["D5"].value) == (overview[number]["First name"], overview[number]["Surname"])
    wb = openpyxl.load_workbook(template)  # (openpyxl saves a loaded workbook's image only once)
    wb["Voortgang"]["D4"] = "Familienaam"  # and then renamed one: the map no longer fits, and says where
    wb.save(template)
    with pytest.raises(TemplateError) as refused:
        fill_template(demo_workspace, template, tmp_path / "fout.xlsx", programme="PM")
    assert str(refused.value) == (
        "faculteit.xlsx changed since its columns were mapped: it has no 'Achternaam' (column D, for Surname) "
        "any more. Map its columns again."
    )
    assert not (tmp_path / "fout.xlsx").exists()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("F", "'F' is not a column mapping; write it as C=Student number."),
        ("Z=Surname", "faculteit.xlsx has no column 'Z'"),  # letters beyond the template's header are fine...
        ("Geboortedatum=Surname", "faculteit.xlsx has no column 'Geboortedatum'; give its letter (C) or its header."),
        ("F=Shoe size", "The app has no column 'Shoe size'. Its columns: Student number, Surname"),
    ],
)
def test_a_mapping_mistake_is_named(demo_workspace: Workspace, tmp_path: Path, entry: str, message: str) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    if entry.startswith("Z="):  # ...a letter is taken as it is: a column the template has not named yet
        assert set_columns(demo_workspace, template, "PM", [entry]).columns["Z"] == "Surname"
        return
    with pytest.raises(TemplateError) as refused:
        set_columns(demo_workspace, template, "PM", [entry])
    assert str(refused.value).startswith(message)
    assert not map_file(template).exists()


def test_templates_that_cannot_be_used_are_refused_in_words(demo_workspace: Workspace, tmp_path: Path) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    with pytest.raises(TemplateError, match=r"^Save the filled workbook under another name"):
        fill_template(demo_workspace, template, template)
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    with pytest.raises(TemplateError, match=r"^notes\.xlsx cannot be opened as an Excel workbook"):
        fill_template(demo_workspace, tmp_path / "notes.xlsx", tmp_path / "out.xlsx")
    with pytest.raises(TemplateError, match=r"^A template is an Excel workbook \(\.xlsx\), not list\.csv\.$"):
        (tmp_path / "list.csv").write_text("a;b\n")
        fill_template(demo_workspace, tmp_path / "list.csv", tmp_path / "out.xlsx")
    empty = openpyxl.Workbook()
    empty.active["A1"] = "Logo"
    empty.save(tmp_path / "leeg.xlsx")
    with pytest.raises(TemplateError, match=r"^No header row found in the first 30 rows of 'Sheet' of leeg\.xlsx"):
        fill_template(demo_workspace, tmp_path / "leeg.xlsx", tmp_path / "out.xlsx")
    with pytest.raises(
        TemplateError, match=r"^There are no students in the 2031-2032 cohort of PM; nothing to fill in"
    ):
        fill_template(demo_workspace, template, tmp_path / "out.xlsx", programme="PM", cohort=2031)
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_filled_template_and_computes_its_formulas(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    template = faculty_template(tmp_path / "faculteit.xlsx")
    set_columns(demo_workspace, template, "PM", ["F=EC total (of 120)"])
    target, students = fill_template(demo_workspace, template, tmp_path / "gevuld.xlsx", programme="PM", as_of=TODAY)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,false,true,true,false,false,1",
            "--outdir",
            str(tmp_path / "lo"),
            str(target),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (converted,) = (tmp_path / "lo").glob("gevuld*.csv")  # the first sheet only (the filter's last field)
    with open(converted, encoding="utf-8", newline="") as fh:
        shown = list(csv.reader(fh, delimiter=";"))
    assert shown[0][2] == TITLE and shown[3] == list(HEADER)
    overview = _overview(demo_workspace, tmp_path)
    rows = shown[4 : 4 + students]
    assert len(rows) == students and all(len(r) >= 8 for r in rows)
    for n, row in enumerate(rows, 1):
        want = overview[row[1]]
        ec = want["EC total (of 120)"]
        assert row[0] == str(n)  # =ROW()-4, computed by LibreOffice
        assert row[2:6] == [want["Surname"], want["First name"], want["Cohort"], str(ec)]
        assert row[7] == ("op schema" if ec >= 60 else "achter")
