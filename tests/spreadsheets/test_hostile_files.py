"""Files that used to take the app down, hang it, or be misread (issue 11 items 7-10, 12 and the
"files a coordinator gets" list). Every refusal is one line, and the database is byte for byte
what it was. The files are made here: openpyxl, LibreOffice headless, or bytes by hand."""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.students import NewStudent, add_student, update_student
from coordinator_app.spreadsheets import workbook_reader as limits
from coordinator_app.spreadsheets.importer import ImportFileError, apply_import, preview_import
from coordinator_app.store import models as m

from .hostile_helpers import LIMIT_KB, LIMIT_SECONDS, database_bytes, import_in_process, xlsx, zip_bomb

STUDENTS = ["Student number", "First name", "Surname", "Programme", "Cohort"]


def refused(ws: Any, path: Path, match: str, **kw: Any) -> str:
    """The import is refused with one line matching `match`; not a byte of the database changed."""
    before = database_bytes(ws.path)
    with pytest.raises(ImportFileError, match=match) as caught:
        preview_import(ws, path, **kw)
    assert "\n" not in caught.value.message
    assert database_bytes(ws.path) == before
    return caught.value.message


def numbers_of(ws: Any) -> dict[str, tuple[str, str]]:
    with ws.read() as s:
        return {r.student_number: (r.first_name, r.last_name) for r in s.scalars(select(m.Student))}


@pytest.fixture
def with_students(workspace):  # type: ignore[no-untyped-def]
    add_student(workspace, NewStudent("PM", 2025, "2600007", "Anna", "Vries"))
    add_student(workspace, NewStudent("PM", 2025, "2600008", "Bram", "Jansen"))
    return workspace


# -- item 7: files that aborted or hung the process, run as the CLI in their own process ------------


def _refused_in_process(workspace: Any, path: Path | str, match: str) -> tuple[float, int]:
    """The CLI refuses the file with one line, within the issue's 20 s and 400 MB, database unchanged."""
    db = workspace.path
    workspace.close()
    before = database_bytes(db)
    code, out, err, seconds, peak_kb = import_in_process(db, path)
    assert code == 1, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert match in err, err
    assert seconds < LIMIT_SECONDS and peak_kb < LIMIT_KB, (seconds, peak_kb)
    assert database_bytes(db) == before
    return seconds, peak_kb


@pytest.mark.slow
def test_one_cell_at_xfd1048576_is_refused_naming_the_cell(workspace, tmp_path: Path) -> None:
    # 5 KB: calamine asked for 512 GB for it and aborted the whole process (SIGABRT).
    path = xlsx(tmp_path / "far.xlsx", [STUDENTS, ["2600001", "Anna", "Vries", "PM", 2025]], XFD1048576="x")
    assert path.stat().st_size < 10_000
    _refused_in_process(workspace, path, "reaches row 1,048,576 (cell XFD1048576)")


@pytest.mark.slow
def test_a_far_column_within_the_row_limit_is_refused(workspace, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "wide.xlsx", [STUDENTS, ["2600001", "Anna", "Vries", "PM", 2025]], XFD3="x")
    _refused_in_process(workspace, path, "reaches column XFD (cell XFD3)")


@pytest.mark.slow
def test_a_zip_bomb_is_refused_before_it_is_unpacked(workspace, tmp_path: Path) -> None:
    # 80 MB of sheet XML (15,000 rows x 200 cells) in a 6 MB file; refused after ~7,500 rows.
    path = zip_bomb(tmp_path / "bomb.xlsx", rows=15_000, columns=200)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 75 * 2**20
    _refused_in_process(workspace, path, "an import reads at most 1,500,000 cells")


def test_a_workbook_that_unpacks_past_the_limit_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked from the zip's directory, before anything is unpacked (here in process, with a 1 MB
    limit instead of 400 MB, so the test need not write 400 MB)."""
    path = tmp_path / "padded.xlsx"
    template = xlsx(tmp_path / "t.xlsx", [STUDENTS, ["2600001", "Anna", "Vries", "PM", 2025]])
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/media/padding.bin", bytes(3 * 2**20))
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 2**20)
    with pytest.raises(
        limits.Refused,
        match=r"padded\.xlsx unpacks to 3 MB; an import reads workbooks that unpack "
        "to at most 1 MB",
    ):
        limits.read_workbook(str(path), path.name)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_device_or_a_pipe_is_refused_not_read_forever(workspace, tmp_path: Path, kind: str) -> None:
    if kind == "device":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "students.csv"
        os.mkfifo(path)
    _refused_in_process(workspace, path, "is not a file but a device or a pipe")


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(
    workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text("Student number;First name;Surname\n" + "2600001;Anna;Vries\n" * 100, encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    refused(workspace, path, "an import reads files of at most 0 MB")


# -- item 9: a faculty's 515,000-row CSV ----------------------------------------------------------


def _faculty_csv(path: Path, header: list[str], rows: int = 515_000) -> Path:
    line = "2600001;Anna;Vries;anna.vries@student.example.nl;Biomedical Sciences;2025;Faculty of Science\n"
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(";".join(header) + "\n")
        for _ in range(rows // 1000):
            out.write(line * 1000)
    return path


@pytest.mark.slow
def test_a_faculty_csv_with_a_wrong_header_is_refused_at_the_header(workspace, tmp_path: Path) -> None:
    path = _faculty_csv(
        tmp_path / "faculty.csv", ["Nummer", "Roepnaam", "Woonplaats", "E-mail", "Opleiding", "Jaar", "Faculteit"]
    )
    assert path.stat().st_size > 45 * 2**20
    seconds, _ = _refused_in_process(workspace, path, "misses the column Surname (Achternaam)")
    # The whole run, interpreter start included, against the 20 s limit; the refusal itself
    # reads only the first 64 KB (benchmarks/bench_hostile_files.py measures it apart).
    assert seconds < LIMIT_SECONDS


@pytest.mark.slow
def test_a_faculty_csv_with_a_good_header_is_read_only_up_to_the_row_limit(workspace, tmp_path: Path) -> None:
    path = _faculty_csv(
        tmp_path / "faculty.csv",
        ["Studentnummer", "Voornaam", "Achternaam", "E-mail", "Opleiding", "Cohort", "Faculteit"],
    )
    _refused_in_process(workspace, path, "an import reads at most 50,000")


# -- item 10: a stray quote in a CSV -----------------------------------------------------------------


@pytest.mark.parametrize("rows", [50, 5000])
def test_a_stray_quote_is_refused_naming_its_line(workspace, tmp_path: Path, rows: int) -> None:
    lines = ["Student number;First name;Surname;Programme;Cohort"]
    lines += [f"{2600100 + n};Name{n};Surname{n};PM;2025" for n in range(rows)]
    lines[10] = '2600109;"Anna;Vries;PM;2025'  # line 11 of the file opens a quote that never closes
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(workspace, path, 'the quote \\("\\) on line 11 opens a cell that is never closed')


def test_two_stray_quotes_that_swallow_rows_between_them_are_refused(workspace, tmp_path: Path) -> None:
    lines = ["Student number;First name;Surname;Programme;Cohort"]
    lines += [f"{2600100 + n};Name{n};Surname{n};PM;2025" for n in range(20)]
    lines[5] = '2600104;"Anna;Vries;PM;2025'
    lines[9] = '2600108;Bram;Jansen;PM;"2025'
    path = tmp_path / "list.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(workspace, path, "line 6")


def test_a_quote_inside_a_name_is_text(workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        'Student number;First name;Surname;Programme;Cohort\n2600101;Jan "Johnny";O"Brien;PM;2025\n', encoding="utf-8"
    )
    preview = preview_import(workspace, path)
    assert [r.values["first_name"] for r in preview.new] == ['Jan "Johnny"']


# -- item 8: many rows with one student number ---------------------------------------------------------


def test_repeated_student_numbers_are_reported_briefly(workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    body = "".join(f"2600001;Anna{n};Vries;PM;2025\n" for n in range(5000))
    path.write_text("Student number;First name;Surname;Programme;Cohort\n" + body, encoding="utf-8")
    preview = preview_import(workspace, path)
    assert len(preview.rejected) == 5000 and not preview.new
    first, last = preview.rejected[0], preview.rejected[-1]
    assert first.reason == (
        "student number appears more than once in the file (also rows 3, 4, 5 and 4,996 more); "
        "keep one row per student."
    )
    assert last.reason.startswith("student number appears more than once in the file (also rows 2, 3, 4 and 4,996")
    assert max(len(r.reason) for r in preview.rejected) < 150


# -- item 12: a lone surrogate ----------------------------------------------------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_typed_name_with_a_lone_surrogate_is_refused(workspace, field: str) -> None:
    names = {"first_name": "Anna", "last_name": "Vries", field: "An\ud800na"}
    with pytest.raises(DomainError, match="contains a broken character") as caught:
        add_student(workspace, NewStudent("PM", 2025, "2600001", names["first_name"], names["last_name"]))
    assert caught.value.field == field
    sid = add_student(workspace, NewStudent("PM", 2025, "2600001", "Anna", "Vries"))
    with pytest.raises(DomainError, match="broken character"):
        update_student(workspace, sid, **{field: "\udc80"})
    with pytest.raises(DomainError, match="broken character"):
        update_student(workspace, sid, email="a\ud800@x.nl")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_imported_name_with_a_lone_surrogate_is_rejected_naming_the_cell(
    workspace, tmp_path: Path, encoding: str
) -> None:
    text = "Student number;First name;Surname;Programme;Cohort\n2600101;Anna;Vr\ud800ies;PM;2025\n2600102;Bram;Jansen;PM;2025\n"
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode(encoding, "surrogatepass"))
    preview = preview_import(workspace, path)
    assert [(r.row, r.column) for r in preview.rejected] == [(2, "Surname")]
    assert "cell C2 holds text that is not valid Unicode" in preview.rejected[0].reason
    assert [r.student_number for r in preview.new] == ["2600102"]
    apply_import(workspace, preview, skip_rejected=True)
    assert set(numbers_of(workspace)) == {"2600102"}


# -- item 15 (part): notes fit in one spreadsheet cell --------------------------------------------------


def test_notes_are_limited_to_what_one_excel_cell_holds(workspace) -> None:
    sid = add_student(workspace, NewStudent("PM", 2025, "2600001", "Anna", "Vries"))
    update_student(workspace, sid, notes="x" * 32_767)
    with pytest.raises(DomainError, match="32,768 characters long; at most 32,767 fit") as caught:
        update_student(workspace, sid, notes="x" * 32_768)
    assert caught.value.field == "notes"


# -- files a coordinator gets that were refused or misread -------------------------------------------


def test_excel_unicode_text_utf16_tab_separated(workspace, tmp_path: Path) -> None:
    rows = [
        STUDENTS,
        ["2600101", "Łukasz", "Wiśniewski", "PM", "2025"],
        ["2600102", "Thị Minh", "Nguyễn", "PM", "2025"],
    ]
    path = tmp_path / "studenten.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "".join("\t".join(r) + "\r\n" for r in rows).encode("utf-16-le"))
    preview = preview_import(workspace, path)
    assert not preview.rejected
    apply_import(workspace, preview)
    assert numbers_of(workspace) == {"2600101": ("Łukasz", "Wiśniewski"), "2600102": ("Thị Minh", "Nguyễn")}


def test_a_merged_group_row_above_the_header(with_students, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["Student", None, "Result", None])  # group row: "Student" over number and name
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    sheet.append(["Student number", "Name", "Grade", "Exam date"])
    sheet.append(["2600007", "Anna Vries", 7.5, date(2026, 1, 30)])
    path = tmp_path / "results.xlsx"
    wb.save(path)
    with_students.today = date(2026, 2, 2)  # after that exam: its result may be recorded
    preview = preview_import(with_students, path, course="PM-PERS")
    assert preview.columns == {"student_number": "Student number", "grade": "Grade", "exam_date": "Exam date"}
    assert [(r.row, r.student_number, r.values["grade"]) for r in preview.new] == [(3, "2600007", 7.5)]


def test_student_numbers_written_with_point_zero_in_a_csv(with_students, tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    path.write_text("Student number,Grade\n2600007.0,7.5\n2600008.0,6\n", encoding="utf-8")
    preview = preview_import(with_students, path, course="PM-PERS")
    assert not preview.rejected
    assert [r.student_number for r in preview.new] == ["2600007", "2600008"]
    students = tmp_path / "students.csv"
    students.write_text("Student number,First name,Surname\n2600007.0,Anna,de Vries\n", encoding="utf-8")
    assert [r.changes for r in preview_import(with_students, students).updated] == [
        {"last_name": ("Vries", "de Vries")}
    ]


def _error_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["Student number", "Grade"])
    sheet.append(["2600007", "#N/A"])  # openpyxl writes these as error cells (t="e")
    sheet.append(["2600008", "#DIV/0!"])
    wb.save(path)
    assert openpyxl.load_workbook(path).active["B2"].data_type == "e"
    return path


def test_error_cells_are_named_with_their_cell(with_students, tmp_path: Path) -> None:
    preview = preview_import(with_students, _error_workbook(tmp_path / "r.xlsx"), course="PM-PERS")
    assert [(r.row, r.column, r.reason) for r in preview.rejected] == [
        (2, "Grade", "cell B2 holds the error #N/A instead of a value; correct the formula or type the value"),
        (3, "Grade", "cell B3 holds the error #DIV/0! instead of a value; correct the formula or type the value"),
    ]


def test_a_sheet_of_error_cells_is_not_called_empty(with_students, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet["A1"], sheet["B1"], sheet["A2"] = "#N/A", "#REF!", "#N/A"
    path = tmp_path / "errors.xlsx"
    wb.save(path)
    message = refused(with_students, path, "holds no values, only error cells")
    assert "#N/A in A1" in message


def test_error_texts_in_a_csv_are_named_too(with_students, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Student number;Grade\n2600007;#N/A\n2600008;7\n", encoding="utf-8")
    preview = preview_import(with_students, path, course="PM-PERS")
    assert [(r.row, r.column, r.reason[:30]) for r in preview.rejected] == [
        (2, "Grade", "cell B2 holds the error #N/A i")
    ]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_error_cells_in_an_ods_made_by_libreoffice(with_students, tmp_path: Path) -> None:
    source = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Student number", "Grade"])
    wb.active.append(["2600007", "=1/0"])
    wb.active.append(["2600008", "=NA()"])
    wb.save(source)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    preview = preview_import(with_students, tmp_path / "r.ods", course="PM-PERS")
    assert [(r.row, r.reason.split(" instead")[0]) for r in preview.rejected] == [
        (2, "cell B2 holds the error #DIV/0!"),
        (3, "cell B3 holds the error #N/A"),
    ]


@pytest.mark.parametrize("cell", [46353, 46353.0, "46353"])
def test_bare_excel_day_numbers_in_a_date_column(with_students, tmp_path: Path, cell: Any) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["Student number", "Grade", "Exam date"], ["2600007", 7.5, cell]])
    with_students.today = date(2026, 12, 2)  # after that exam: its result may be recorded
    preview = preview_import(with_students, path, course="PM-PERS")
    assert not preview.rejected
    assert preview.new[0].values["exam_date"] == date(2026, 11, 27)


def test_a_year_in_a_date_column_is_still_not_a_date(with_students, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [["Student number", "Grade", "Exam date"], ["2600007", 7.5, 2026]])
    assert "'2026' is not a date" in preview_import(with_students, path, course="PM-PERS").rejected[0].reason


def test_the_dry_run_shows_the_date_a_day_number_stands_for(
    with_students, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from coordinator_app.cli import main

    path = tmp_path / "r.csv"
    path.write_text("Student number;Grade;Exam date\n2600007;7,5;46353\n", encoding="utf-8")
    db = with_students.path
    with_students.close()
    assert main(["import", "--db", str(db), str(path), "--course", "PM-PERS", "--dry-run"]) == 0
    assert "  new      row 2: 2600007 PM-PERS 7.5, exam 27-11-2026" in capsys.readouterr().out.splitlines()


def test_a_header_cell_with_a_line_break_keeps_messages_on_one_line(with_students, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "r.xlsx",
        [["Student\nnumber", "Final\ngrade", "Remarks\nof the\nexaminer"], ["2600007", "eleven", ""]],
    )
    preview = preview_import(with_students, path, course="PM-PERS")
    assert [str(r).split(".")[0] for r in preview.rejected] == ["row 2, Final grade: 'eleven' is not a grade"]
    assert "\n" not in str(preview.rejected[0])
    assert preview.ignored_columns == ["Remarks of the examiner"]
    message = refused(with_students, path, "Columns found: Student number, Final grade, Remarks of the examiner")
    assert "\n" not in message


def _encrypted_ods(path: Path) -> Path:
    """An .ods as LibreOffice writes it with 'Save with password': the manifest names the encryption
    of each part, and content.xml is ciphertext."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="4021">'
        '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" '
        'manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
        'manifest:initialisation-vector="x"/><manifest:key-derivation manifest:key-derivation-name="PBKDF2" '
        'manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="x"/></manifest:encryption-data>'
        "</manifest:file-entry></manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", os.urandom(4021), zipfile.ZIP_STORED)
    return path


def test_a_password_protected_ods_gets_the_same_advice_as_excel(workspace, tmp_path: Path) -> None:
    message = refused(workspace, _encrypted_ods(tmp_path / "protected.ods"), "is password protected \\(encrypted\\)")
    assert "Open it in LibreOffice Calc" in message and "untick 'Save with password'" in message


# -- the reader's child in the bundle ------------------------------------------------------------------


def test_the_frozen_app_knows_the_reader_flag() -> None:
    from coordinator_app.spreadsheets.reading_child import CHILD_FLAG

    launcher = (Path(__file__).resolve().parents[2] / "packaging" / "launcher.py").read_text("utf-8")
    assert f'READ_WORKBOOK_CHILD = "{CHILD_FLAG}"' in launcher


def test_a_reader_child_that_dies_is_a_calm_refusal(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator_app.spreadsheets import reading_child

    path = xlsx(tmp_path / "s.xlsx", [STUDENTS, ["2600001", "Anna", "Vries", "PM", 2025]])
    monkeypatch.setattr(reading_child, "_child_command", lambda: ["sh", "-c", "kill -ABRT $$", "reader"])
    refused(workspace, path, "could not be read within the memory an import may use")
    monkeypatch.setattr(reading_child, "_child_command", lambda: ["sh", "-c", "sleep 30", "reader"])
    monkeypatch.setattr(limits, "CHILD_SECONDS", 0.5)
    refused(workspace, path, "took longer than 0 s to read")


@pytest.mark.slow
def test_the_reader_child_sets_its_memory_limit() -> None:
    resource = pytest.importorskip("resource")
    probe = (
        "import resource; from coordinator_app.spreadsheets.workbook_reader import _limit_memory; "
        "_limit_memory(); print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert int(done.stdout) == limits.CHILD_MEMORY_BYTES
    assert resource  # imported for the skip


def test_csv_is_unchanged_for_ordinary_files(workspace, tmp_path: Path) -> None:
    """The streamed reader gives what the whole-file reader gave: rows keep their line numbers,
    blank lines are skipped, a title line above the header is passed over."""
    path = tmp_path / "list.csv"
    path.write_text(
        "Export of 1-12-2026\n\nStudent number,First name,Surname,Programme,Cohort\n"
        '2600101,Anna,Vries,PM,2025\n\n2600102,"Bram, jr.",Jansen,PM,2025\n',
        encoding="cp1252",
    )
    preview = preview_import(workspace, path)
    assert [(r.row, r.values["first_name"]) for r in preview.new] == [(4, "Anna"), (6, "Bram, jr.")]


def _prefixed(source: Path, target: Path) -> Path:
    """The same workbook with its sheet's elements prefixed (<x:row>, <x:c>), as the .NET Open XML SDK writes."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for tag in (
                    "worksheet",
                    "sheetPr",
                    "outlinePr",
                    "pageSetUpPr",
                    "dimension",
                    "sheetViews",
                    "sheetView",
                    "selection",
                    "sheetFormatPr",
                    "sheetData",
                    "row",
                    "c",
                    "v",
                    "is",
                    "t",
                    "pageMargins",
                ):
                    text = text.replace(f"<{tag} ", f"<x:{tag} ").replace(f"<{tag}>", f"<x:{tag}>")
                    text = text.replace(f"</{tag}>", f"</x:{tag}>").replace(f"<{tag}/>", f"<x:{tag}/>")
                text = text.replace(
                    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                    'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                )
                data = text.encode()
                assert b"<x:c " in data and b"<c " not in data
            out.writestr(item, data)
    return target


def test_a_workbook_with_prefixed_elements_is_read_and_checked(with_students, tmp_path: Path) -> None:
    errors = _prefixed(_error_workbook(tmp_path / "plain.xlsx"), tmp_path / "prefixed.xlsx")
    preview = preview_import(with_students, errors, course="PM-PERS")
    assert [r.reason.split(" instead")[0] for r in preview.rejected] == [
        "cell B2 holds the error #N/A",
        "cell B3 holds the error #DIV/0!",
    ]
    far = xlsx(tmp_path / "far.xlsx", [STUDENTS, ["2600001", "Anna", "Vries", "PM", 2025]], XFD60000="x")
    refused(with_students, _prefixed(far, tmp_path / "far-prefixed.xlsx"), "reaches row 60,000 \\(cell XFD60000\\)")
