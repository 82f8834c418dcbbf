"""Importing student lists and exam results: preview, one-transaction apply, idempotence, bad files."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.courses import record_grade
from coordinator_app.services.imports import apply as import_apply
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.spreadsheets.importer import ImportFileError, apply_import, preview_import
from coordinator_app.store import models as m


def fingerprint(ws) -> dict[str, tuple]:  # type: ignore[no-untyped-def, type-arg]
    from sqlalchemy import text

    out = {}
    with ws.engine.connect() as conn:
        for table in ("student", "cohort", "course_result", "portfolio_item", "audit_entry"):
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            out[table] = (len(rows), hash(tuple(map(tuple, rows))))
    return out


DUTCH = [
    "Studentnummer",
    "Voornaam",
    "Tussenvoegsel",
    "Achternaam",
    "E-mailadres",
    "Opleiding",
    "Cohort",
    "Specialisatie",
]
ENGLISH = ["Student number", "First name", "Surname", "E-mail", "Programme", "Cohort", "Specialization"]


def xlsx(path: Path, rows: list[list[Any]], title: str = "Sheet1") -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    wb.save(path)
    return path


def students_of(ws) -> dict[str, tuple]:  # type: ignore[no-untyped-def, type-arg]
    with ws.read() as s:
        return {
            r.student_number: (r.first_name, r.last_name, r.email, r.specialization)
            for r in s.scalars(select(m.Student))
        }


def count(ws, model) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# -- students ------------------------------------------------------------------------------------


def test_dutch_student_list_is_previewed_then_applied_once(workspace, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "studenten.xlsx",
        [
            DUTCH,
            ["2712001", "Anna", "de", "Vries", "anna@student.vu.nl", "PM", 2025, "Medical Imaging"],
            [2712002, "Bram", "", "Jansen", "", "Master Personalized Medicine", "2025-2026", ""],
            ["s3100001", "Chen", "", "Li", "chen@rug.nl", "IMIM", 2025.0, ""],
        ],
    )
    before = fingerprint(workspace)
    preview = preview_import(workspace, path)
    assert preview.kind == "students"
    assert (len(preview.new), len(preview.updated), len(preview.unchanged), len(preview.rejected)) == (3, 0, 0, 0)
    assert fingerprint(workspace) == before  # a preview writes nothing
    result = apply_import(workspace, preview)
    assert (result.added, result.updated) == (3, 0)
    got = students_of(workspace)
    assert got["2712001"] == ("Anna", "de Vries", "anna@student.vu.nl", "medical_imaging")
    assert got["2712002"][:2] == ("Bram", "Jansen")
    assert "s3100001" in got
    # New PM students owe the Academic Core items, as when added by hand.
    with workspace.read() as s:
        sid = s.scalar(select(m.Student.id).where(m.Student.student_number == "2712001"))
        kinds = set(s.scalars(select(m.PortfolioItem.kind).where(m.PortfolioItem.student_id == sid)))
        audit = s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.student_id == sid))
    assert kinds == {"first_year_assignments", "cv_assignment", "final_portfolio"}
    assert audit == 1
    # The same file again: nothing changes.
    after_first = fingerprint(workspace)
    again = preview_import(workspace, path)
    assert (len(again.new), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    apply_import(workspace, again)
    second = fingerprint(workspace)
    assert {k: v for k, v in second.items() if k != "audit_entry"} == {
        k: v for k, v in after_first.items() if k != "audit_entry"
    }
    assert second["audit_entry"][0] == after_first["audit_entry"][0] + 1  # only the "imported file" entry


def test_changed_names_are_updates_with_audit(workspace, tmp_path: Path) -> None:
    add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries", "anna@x.nl"))
    path = xlsx(tmp_path / "s.xlsx", [ENGLISH, ["2712001", "Anna", "de Vries", "", "", "", ""]])
    preview = preview_import(workspace, path)
    assert [r.changes for r in preview.updated] == [{"last_name": ("Vries", "de Vries")}]
    apply_import(workspace, preview)
    assert students_of(workspace)["2712001"][1:3] == ("de Vries", "anna@x.nl")  # empty e-mail cell: kept
    with workspace.read() as s:
        entry = s.execute(
            select(m.AuditEntry.old_value, m.AuditEntry.new_value, m.AuditEntry.action).where(
                m.AuditEntry.field == "last_name"
            )
        ).one()
    assert tuple(entry) == ("Vries", "de Vries", "import students")


@pytest.mark.parametrize("encoding,delimiter", [("utf-8-sig", ","), ("utf-8", ";"), ("cp1252", ";")])
def test_csv_in_the_usual_encodings_and_separators(workspace, tmp_path: Path, encoding: str, delimiter: str) -> None:
    lines = [
        delimiter.join(ENGLISH),
        delimiter.join(["2712001", "Zoë", "Müller-Lüdenscheidt", "zoe@x.nl", "PM", "2025", ""]),
        delimiter.join(["2712002", "José", "Peña", "", "PM", "2025", "Biomarkers & Medicines"]),
    ]
    path = tmp_path / "list.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    preview = preview_import(workspace, path)
    assert (len(preview.new), len(preview.rejected)) == (2, 0)
    apply_import(workspace, preview)
    got = students_of(workspace)
    assert got["2712001"][:2] == ("Zoë", "Müller-Lüdenscheidt")
    assert got["2712002"] == ("José", "Peña", "", "biomarkers_medicines")


def test_a_title_line_above_the_header_is_skipped_and_rows_keep_their_numbers(workspace, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "s.xlsx",
        [
            ["Export from the student information system"],
            [],
            ENGLISH,
            ["2712001", "Anna", "Vries", "nope", "PM", 2025, ""],
        ],
    )
    preview = preview_import(workspace, path)
    assert [(r.row, r.column) for r in preview.rejected] == [(4, "E-mail")]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_ods_and_xls_are_read(workspace, tmp_path: Path, fmt: str) -> None:
    source = xlsx(tmp_path / "list.xlsx", [ENGLISH, ["2712001", "Anna", "Vries", "", "PM", 2025, ""]])
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    preview = preview_import(workspace, tmp_path / f"list.{fmt}")
    assert [r.student_number for r in preview.new] == ["2712001"]


# -- results -------------------------------------------------------------------------------------


@pytest.fixture
def two_students(workspace):  # type: ignore[no-untyped-def]
    a = add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))
    b = add_student(workspace, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))
    return workspace, a, b


def _results(ws, sid: int) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    with ws.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    m.Course.code,
                    m.CourseResult.attempt,
                    m.CourseResult.grade,
                    m.CourseResult.no_show,
                    m.CourseResult.exam_date,
                )
                .join(m.Course)
                .where(m.CourseResult.student_id == sid)
                .order_by(m.Course.code, m.CourseResult.attempt)
            )
        ]


def test_results_with_excel_and_text_dates(two_students, tmp_path: Path) -> None:
    ws, a, b = two_students
    path = xlsx(
        tmp_path / "cijfers.xlsx",
        [
            ["Studentnummer", "Cijfer", "Toetsdatum", "Poging"],
            ["2712001", 7.5, datetime(2025, 9, 30), 1],
            ["2712002", "4,0", "30-09-2025", ""],
        ],
    )
    preview = preview_import(ws, path, course="PM-PERS")
    assert preview.kind == "results" and len(preview.new) == 2 and not preview.rejected
    apply_import(ws, preview)
    assert _results(ws, a) == [("PM-PERS", 1, 7.5, False, date(2025, 9, 30))]
    # A fail registers the resit in January (services/courses.record_grade's rule).
    assert _results(ws, b) == [
        ("PM-PERS", 1, 4.0, False, date(2025, 9, 30)),
        ("PM-PERS", 2, None, False, date(2026, 1, 31)),
    ]
    with ws.read() as s:
        assert s.get(m.Student, a).ec_earned == 6
    before = fingerprint(ws)
    again = preview_import(ws, path, course="PM-PERS")
    assert (len(again.new), len(again.updated), len(again.unchanged)) == (0, 0, 2)
    apply_import(ws, again)
    assert {k: v for k, v in fingerprint(ws).items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }


def test_resit_result_fills_the_open_registration(two_students, tmp_path: Path) -> None:
    ws, _a, b = two_students
    record_grade(ws, b, "PM-PERS", "4,0")
    ws.today = date(2026, 2, 2)  # the resit (31-01-2026) has been taken
    path = tmp_path / "resit.csv"
    path.write_text("student number;course;grade;exam date\n2712002;PM-PERS;6,5;31-01-2026\n", encoding="utf-8")
    preview = preview_import(ws, path)
    assert [(r.status, r.values["attempt"]) for r in preview.updated] == [("updated", 2)]
    apply_import(ws, preview)
    assert _results(ws, b)[-1] == ("PM-PERS", 2, 6.5, False, date(2026, 1, 31))


# -- bad files: one clear message, nothing written -----------------------------------------------


def _refused(ws, path: Path, match: str, **kw: Any) -> None:  # type: ignore[no-untyped-def]
    before = fingerprint(ws)
    with pytest.raises(ImportFileError, match=match):
        preview_import(ws, path, **kw)
    assert fingerprint(ws) == before


def test_a_renamed_pdf(workspace, tmp_path: Path) -> None:
    path = tmp_path / "students.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    _refused(workspace, path, "is a PDF document, not a spreadsheet")


def test_a_file_that_is_not_a_spreadsheet_at_all(workspace, tmp_path: Path) -> None:
    path = tmp_path / "students.xlsx"
    path.write_bytes(b"PK\x03\x04 this is a broken zip archive" + bytes(range(256)))
    _refused(workspace, path, "not a spreadsheet that can be read")


def test_an_encrypted_workbook_made_by_hand(workspace, tmp_path: Path) -> None:
    # An OLE2 container (d0 cf 11 e0 ...) with the EncryptedPackage stream name, as Excel writes it.
    path = tmp_path / "protected.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(1024)
    )
    _refused(workspace, path, "password protected")


def test_an_ole2_file_calamine_cannot_open(workspace, tmp_path: Path) -> None:
    path = tmp_path / "damaged.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    _refused(workspace, path, "password protected \\(encrypted\\) or damaged")


def test_a_real_encrypted_workbook(workspace, tmp_path: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool is not installed")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = xlsx(tmp_path / "plain.xlsx", [ENGLISH, ["2712001", "Anna", "Vries", "", "PM", 2025, ""]])
    encrypted = tmp_path / "secret.xlsx"
    with open(plain, "rb") as src, open(encrypted, "wb") as out:
        OOXMLFile(src).encrypt("geheim", out)
    assert msoffcrypto  # imported for the skip
    _refused(workspace, encrypted, "password protected")


def test_an_empty_sheet(workspace, tmp_path: Path) -> None:
    _refused(workspace, xlsx(tmp_path / "empty.xlsx", []), "is empty")
    csv = tmp_path / "empty.csv"
    csv.write_bytes(b"")
    _refused(workspace, csv, "is empty")


def test_a_header_without_rows(workspace, tmp_path: Path) -> None:
    _refused(workspace, xlsx(tmp_path / "header.xlsx", [ENGLISH]), "no rows below them")


def test_missing_required_columns(workspace, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "s.xlsx", [["Student number", "First name", "E-mail"], ["2712001", "Anna", ""]])
    _refused(workspace, path, "misses the column Surname \\(Achternaam\\)", kind="students")
    results = xlsx(tmp_path / "r.xlsx", [["Student number", "Grade"], ["2712001", 7]])
    _refused(workspace, results, "misses the column Course \\(Vak\\) \\(or choose the course")


def test_columns_that_name_nothing_known(workspace, tmp_path: Path) -> None:
    _refused(workspace, xlsx(tmp_path / "x.xlsx", [["foo", "bar"], [1, 2]]), "cannot tell whether")


def _rejected(ws, path: Path, expected: list[tuple[int, str, str]], **kw: Any) -> None:  # type: ignore[no-untyped-def]
    """Each bad row is named with its row number, column and reason; apply refuses and writes nothing."""
    before = fingerprint(ws)
    preview = preview_import(ws, path, **kw)
    got = [(r.row, r.column) for r in preview.rejected]
    assert got == [(row, column) for row, column, _ in expected]
    for rejection, (_, _, reason) in zip(preview.rejected, expected):
        assert reason in rejection.reason
    with pytest.raises(DomainError, match="Nothing was imported"):
        apply_import(ws, preview)
    assert fingerprint(ws) == before


def test_duplicate_student_numbers_in_the_file(workspace, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "s.xlsx",
        [
            ENGLISH,
            ["2712001", "Anna", "Vries", "", "PM", 2025, ""],
            ["2712002", "Bram", "Jansen", "", "PM", 2025, ""],
            ["2712001", "Anne", "Vries", "", "PM", 2025, ""],
        ],
    )
    _rejected(
        workspace,
        path,
        [
            (2, "Student number", "more than once in the file (also row 4)"),
            (4, "Student number", "more than once in the file (also row 2)"),
        ],
    )


@pytest.mark.parametrize(
    "grade,reason",
    [
        ("7.75.1", "'7.75.1' is not a grade"),
        ("11", "between 1.0 and 10.0"),
        (11, "between 1.0 and 10.0"),
        ("", "Enter a grade"),
    ],
)
def test_bad_grades(two_students, tmp_path: Path, grade: Any, reason: str) -> None:
    ws, _, _ = two_students
    path = xlsx(tmp_path / "r.xlsx", [["Student number", "Grade"], ["2712001", 7.5], ["2712002", grade]])
    _rejected(ws, path, [(3, "Grade", reason)], course="PM-PERS")


def test_a_date_that_does_not_exist(two_students, tmp_path: Path) -> None:
    ws, _, _ = two_students
    path = xlsx(tmp_path / "r.xlsx", [["Student number", "Grade", "Exam date"], ["2712001", 7.5, "31-02-2025"]])
    _rejected(ws, path, [(2, "Exam date", "'31-02-2025' is not a date")], course="PM-PERS")


def test_an_exam_date_after_today_is_refused_as_in_the_window(two_students, tmp_path: Path) -> None:
    ws, _, _ = two_students  # today is 24-11-2025
    path = xlsx(
        tmp_path / "r.xlsx",
        [["Student number", "Grade", "Exam date"], ["2712001", 7.5, "30-09-2025"], ["2712002", 6, "15-06-2026"]],
    )
    _rejected(ws, path, [(3, "Exam date", "15-06-2026 is after today (24-11-2025)")], course="PM-PERS")


def test_no_date_and_a_first_exam_scheduled_after_today_is_refused(two_students, tmp_path: Path) -> None:
    ws, _, _ = two_students  # cohort 2025: PM-PERS was on 30-09-2025, PM-IMGP is on 31-12-2025
    path = xlsx(
        tmp_path / "r.xlsx",
        [["Student number", "Course", "Grade"], ["2712001", "PM-PERS", 7.5], ["2712002", "PM-IMGP", 6]],
    )
    _rejected(ws, path, [(3, "exam date", "scheduled for 31-12-2025")])  # the file has no such column


def test_unknown_student_and_course(two_students, tmp_path: Path) -> None:
    ws, _, _ = two_students
    path = xlsx(
        tmp_path / "r.xlsx",
        [["Student number", "Course", "Grade"], ["2799999", "PM-PERS", 7], ["2712001", "Astrology", 7]],
    )
    _rejected(
        ws, path, [(2, "Student number", "no student with number 2799999"), (3, "Course", "no course 'Astrology'")]
    )


def test_skip_rejected_writes_only_the_accepted_rows(two_students, tmp_path: Path) -> None:
    ws, a, b = two_students
    path = xlsx(tmp_path / "r.xlsx", [["Student number", "Grade"], ["2712001", 7.5], ["2712002", "11"]])
    preview = preview_import(ws, path, course="PM-PERS")
    result = apply_import(ws, preview, skip_rejected=True)
    assert (result.added, result.skipped) == (1, 1)
    assert _results(ws, a)[0][2] == 7.5 and _results(ws, b) == []


def test_apply_is_one_transaction(two_students, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, _, _ = two_students
    path = xlsx(tmp_path / "r.xlsx", [["Student number", "Grade"], ["2712001", 7.5], ["2712002", 4]])
    preview = preview_import(ws, path, course="PM-PERS")
    before = fingerprint(ws)

    def broken(*args: Any, **kw: Any) -> int:
        raise RuntimeError("power cut after the rows were inserted")

    # The EC step comes after the results and resits are inserted.
    monkeypatch.setattr(import_apply, "_ec_changes", broken)
    with pytest.raises(RuntimeError):
        apply_import(ws, preview)
    assert fingerprint(ws) == before
