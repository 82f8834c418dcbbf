"""The cohort workbook: sheets, real cell types, formats, formula safety and cancel/failure safety."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from coordinator_app.domain.errors import DomainError
from coordinator_app.services.academic_core import add_meeting, set_mentor
from coordinator_app.services.courses import record_grade
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.spreadsheets import export as export_module
from coordinator_app.spreadsheets.export import SHEETS, TABLE_SHEETS, Progress, export_to, export_workbook

TODAY = date(2025, 11, 24)

NASTY = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+31 6 1234",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rReturn",
]


def _load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)  # normal mode: styles, panes and filters are visible


def _headers(sheet) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.value for c in sheet[1]]


def _column(sheet, header: str) -> list:  # type: ignore[no-untyped-def, type-arg]
    index = _headers(sheet).index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


@pytest.mark.slow
def test_workbook_has_every_sheet_with_real_cell_types(demo_workspace, tmp_path: Path) -> None:
    target = tmp_path / "cohort.xlsx"
    export_to(demo_workspace, target, programme="PM", cohort=2024)
    wb = _load(target)
    assert wb.sheetnames == [*SHEETS, "Coordinator App"]  # the round trip's ledger, last and very hidden
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * len(SHEETS) + ["veryHidden"]
    overview = wb["Overview"]
    assert len(list(overview.iter_rows(min_row=2))) > 5
    headers = _headers(overview)
    for needed in (
        "Student number",
        "Surname",
        "First name",
        "E-mail",
        "Specialization",
        "Personalized Medicine",
        "EC Compulsory courses",
        "EC total (of 120)",
        "Minor internship",
        "Major internship",
        "Portfolio items open",
        "Portfolio items overdue",
        "Mentor meetings held",
        "Graduation month",
        "Ready to graduate",
    ):
        assert needed in headers, needed
    assert "Year 1 university" not in headers  # IMIM columns only for IMIM students
    grades = [c for c in _column(overview, "Personalized Medicine") if isinstance(c.value, float)]
    assert grades and all(c.number_format == "0.0" for c in grades)
    ec = list(_column(overview, "EC total (of 120)"))
    assert all(isinstance(c.value, int) and c.number_format == "0" for c in ec)
    courses = wb["Courses"]
    dates = [c for c in _column(courses, "Exam date") if c.value is not None]
    assert dates and all(isinstance(c.value, datetime) and c.number_format == "dd-mm-yyyy" for c in dates)
    # Bold, frozen header and first columns, autofilter over the whole sheet on every sheet of rows
    # (the Dashboard sheet's figures and charts: tests/spreadsheets/test_dashboard_sheet.py).
    for name in TABLE_SHEETS:
        sheet = wb[name]
        assert all(c.font.b for c in sheet[1]), name
        assert sheet.freeze_panes in ("D2", "B2"), name
        assert sheet.auto_filter.ref.startswith("A1:"), name
        assert sheet.column_dimensions["A"].width >= 8, name
    # Failed grades red; overdue red and due soon amber.
    rules = [r for rng in courses.conditional_formatting for r in rng.rules]
    assert any("<5.5" in r.formula[0] for r in rules)
    portfolio_rules = [r.formula[0] for rng in wb["Portfolio"].conditional_formatting for r in rng.rules]
    assert any('"overdue"' in f for f in portfolio_rules) and any('"due soon"' in f for f in portfolio_rules)
    props = wb.properties
    assert "2024-2025" in props.title and "Master Personalized Medicine" in props.title
    assert "24-11-2025" in props.description
    custom = {p.name: p.value for p in wb.custom_doc_props.props}
    assert custom["Cohort"] == "2024-2025" and custom["Programme"] == "PM" and custom["As of"] == "2025-11-24"


def test_imim_workbook_has_the_imim_columns(demo_workspace, tmp_path: Path) -> None:
    target = export_to(demo_workspace, tmp_path / "imim.xlsx", programme="IMIM", cohort=2024)
    headers = _headers(_load(target)["Overview"])
    for needed in (
        "Year 1 university",
        "Year 2 university",
        "English test",
        "BBB1: analysing success concepts",
        "BBB3: business plan",
        "Degree project",
        "Participation fee paid",
    ):
        assert needed in headers, needed
    assert "Minor internship" not in headers


@pytest.mark.slow
def test_values_match_the_database(demo_workspace, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from coordinator_app.store import models as m

    target = export_to(demo_workspace, tmp_path / "all.xlsx")
    wb = _load(target)
    with demo_workspace.read() as s:
        students = s.scalar(select(func.count()).select_from(m.Student))
        attempts = s.scalar(select(func.count()).select_from(m.CourseResult))
        items = s.scalar(select(func.count()).select_from(m.PortfolioItem))
        ec = dict(s.execute(select(m.Student.student_number, m.Student.ec_earned)).all())
    assert wb["Overview"].max_row - 1 == students
    assert wb["Courses"].max_row - 1 == attempts
    assert wb["Portfolio"].max_row - 1 == items
    overview = wb["Overview"]
    numbers = [c.value for c in _column(overview, "Student number")]
    totals = [c.value for c in _column(overview, "EC total (of 120)")]
    # The export evaluates the rules afresh; it agrees with the cached totals the services keep.
    assert dict(zip(numbers, totals)) == ec


@pytest.mark.parametrize("text", NASTY)
def test_text_that_looks_like_a_formula_stays_text(workspace, tmp_path: Path, text: str) -> None:
    safe_name = text if not text.startswith(("\t", "\r")) else "Plain"  # names refuse control characters
    sid = add_student(workspace, NewStudent("PM", 2024, "2712345", safe_name, "=1+1"))
    set_mentor(workspace, sid, text, organisation=text)
    add_meeting(workspace, sid, date(2025, 1, 10), topic=text, notes=text)
    record_grade(workspace, sid, "PM-PERS", "7,5")
    target = export_to(workspace, tmp_path / "nasty.xlsx")
    wb = _load(target)
    meeting = wb["Academic Core"]
    row = list(meeting[2])
    topic = row[_headers(meeting).index("Topic")]
    stored = text.strip()  # the meeting service trims what the coordinator typed
    assert topic.value == stored and topic.data_type == "s"
    overview = wb["Overview"]
    first = overview.cell(row=2, column=_headers(overview).index("First name") + 1)
    surname = overview.cell(row=2, column=_headers(overview).index("Surname") + 1)
    assert (first.value, first.data_type) == (safe_name, "s")
    assert (surname.value, surname.data_type) == ("=1+1", "s")
    assert surname.quotePrefix  # Excel keeps it text when the cell is edited
    # No formula anywhere in the file.
    with zipfile.ZipFile(target) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


@pytest.mark.slow
def test_progress_counts_up_to_the_total(demo_workspace, tmp_path: Path) -> None:
    steps = list(export_workbook(demo_workspace, tmp_path / "p.xlsx"))
    assert all(isinstance(p, Progress) for p in steps)
    assert steps[-1].done == steps[-1].total and "Saved" in steps[-1].message
    assert [p.done for p in steps] == sorted(p.done for p in steps)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


@pytest.mark.slow
def test_cancel_leaves_the_old_file_and_no_temporary_file(demo_workspace, tmp_path: Path) -> None:
    target = tmp_path / "cohort.xlsx"
    target.write_bytes(b"the previous export")
    job = export_workbook(demo_workspace, target)
    next(job)
    next(job)
    assert _leftovers(tmp_path)  # the temporary file exists while the export runs
    job.close()  # the user pressed Cancel
    assert target.read_bytes() == b"the previous export"
    assert _leftovers(tmp_path) == []


def test_failure_leaves_no_half_written_file(demo_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    original = export_module._Book.add_student

    def failing(self, *args):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 30:
            raise RuntimeError("disk on fire")
        return original(self, *args)

    monkeypatch.setattr(export_module._Book, "add_student", failing)
    target = tmp_path / "cohort.xlsx"
    with pytest.raises(RuntimeError):
        export_to(demo_workspace, target)
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_nothing_to_export_is_a_clear_message(demo_workspace, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="no students in the 2031-2032 cohort"):
        export_to(demo_workspace, tmp_path / "x.xlsx", cohort=2031)
    assert not (tmp_path / "x.xlsx").exists()
    assert _leftovers(tmp_path) == []


def test_missing_folder_is_a_clear_message(demo_workspace, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="does not exist"):
        export_to(demo_workspace, tmp_path / "nowhere" / "x.xlsx")


def test_student_ids_limit_the_export(demo_workspace, tmp_path: Path) -> None:
    from sqlalchemy import select

    from coordinator_app.store import models as m

    with demo_workspace.read() as s:
        ids = list(s.scalars(select(m.Student.id).order_by(m.Student.id).limit(7)))
    wb = _load(export_to(demo_workspace, tmp_path / "few.xlsx", student_ids=ids))
    assert wb["Overview"].max_row == 8


@pytest.mark.slow
def test_as_of_decides_what_is_overdue(demo_workspace, tmp_path: Path) -> None:
    early = _load(export_to(demo_workspace, tmp_path / "a.xlsx", as_of=date(2024, 1, 1)))
    late = _load(export_to(demo_workspace, tmp_path / "b.xlsx", as_of=TODAY))

    def overdue(wb):  # type: ignore[no-untyped-def]
        return sum(1 for c in _column(wb["Portfolio"], "Status") if c.value == "overdue")

    assert overdue(early) < overdue(late)


def test_sheet_writer_keeps_every_formula_start_as_text(tmp_path: Path) -> None:
    """Tab and carriage return cannot come through the services (they trim); check the writer itself."""
    from openpyxl import Workbook

    from coordinator_app.spreadsheets.cells import Column, SheetWriter

    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Test", [Column("Text"), Column("Also", "grade")])
    for text in NASTY:
        sheet.append((text, 7.25))
    sheet.finish()
    wb.save(tmp_path / "w.xlsx")
    read = _load(tmp_path / "w.xlsx")["Test"]
    cells = [row[0] for row in read.iter_rows(min_row=2)]
    assert [c.value for c in cells] == NASTY
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert all(row[1].value == 7.25 and row[1].number_format == "0.0" for row in read.iter_rows(min_row=2))


@pytest.mark.slow
def test_a_sheet_that_outgrows_excel_continues_in_a_second_sheet(
    demo_workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.spreadsheets import cells

    monkeypatch.setattr(cells, "MAX_ROWS", 200)  # Excel's 1,048,576, scaled down
    wb = _load(export_to(demo_workspace, tmp_path / "big.xlsx"))
    names = wb.sheetnames
    assert names.index("Portfolio (2)") == names.index("Portfolio") + 1
    first, second = wb["Portfolio"], wb["Portfolio (2)"]
    assert first.max_row == 200 and _headers(second) == _headers(first)
    assert second.freeze_panes == "D2" and second.auto_filter.ref.startswith("A1:")
    assert any('"overdue"' in r.formula[0] for rng in second.conditional_formatting for r in rng.rules)
    with demo_workspace.read() as s:
        from sqlalchemy import func, select

        from coordinator_app.store import models as m

        items = s.scalar(select(func.count()).select_from(m.PortfolioItem))
    parts = [n for n in names if n.startswith("Portfolio")]
    assert sum(wb[n].max_row - 1 for n in parts) == items


def test_english_test_shows_the_name_the_window_shows(demo_workspace, tmp_path: Path) -> None:
    """The window lists the tests by their names in the programme definition; so does the workbook."""
    from sqlalchemy import select

    from coordinator_app.store import models as m

    target = export_to(demo_workspace, tmp_path / "imim.xlsx", programme="IMIM")
    overview = _load(target)["Overview"]
    shown = dict(
        zip(
            [c.value for c in _column(overview, "Student number")], [c.value for c in _column(overview, "English test")]
        )
    )
    tests = demo_workspace.programmes["IMIM"].imim.english_tests
    with demo_workspace.read() as s:
        kinds = dict(
            s.execute(
                select(m.Student.student_number, m.Student.english_test)
                .join(m.Programme)
                .where(m.Programme.code == "IMIM")
            ).all()
        )
    assert {k for k in kinds.values() if k} >= {"TOEFL_IBT", "IELTS"}  # the demo has keys to translate
    assert shown == {number: tests[kind].name if kind else None for number, kind in kinds.items()}
    assert "TOEFL iBT" in shown.values()


@pytest.mark.slow
def test_status_words_are_lower_case_and_no_internal_keys_show(demo_workspace, tmp_path: Path) -> None:
    """'complete' on the Overview whether it is the Academic Core or an internship, and no
    snake_case key or enum name anywhere a coordinator reads a value."""
    import re

    target = export_to(demo_workspace, tmp_path / "all.xlsx")
    wb = _load(target)
    overview = wb["Overview"]
    core = {c.value for c in _column(overview, "Academic Core")} - {None}
    assert "complete" in core and "Complete" not in core
    for column in ("Minor internship", "Major internship", "Literature Study", "Academic Core"):
        words = {c.value for c in _column(overview, column)} - {None}
        assert words and all(w[0].islower() or w[0].isdigit() for w in words), (column, words)
    key = re.compile(r"^(?:[a-z]+_[a-z_]+|[A-Z]+_[A-Z_]+)$")
    for sheet in wb.worksheets:
        if sheet.sheet_state == "veryHidden":
            continue  # the round trip's ledger (spreadsheets/round_trip.py): never shown
        for row in sheet.iter_rows(min_row=2, values_only=True):
            for value in row:
                assert not (isinstance(value, str) and key.match(value)), (sheet.title, value)


def test_the_people_around_a_student_have_their_e_mail_in_the_export(workspace, tmp_path: Path) -> None:
    """Issue 14, item 1: the register's address of each person chosen, beside their name."""
    from coordinator_app.services.internships import update_internship, update_literature_study
    from coordinator_app.services.people import add_person

    sid = add_student(workspace, NewStudent("PM", 2024, "2700001", "Eva", "Mulder", "eva@student.vu.nl"))
    daily = add_person(workspace, name="Tom Bos", rank="postdoc", organisation="Amsterdam UMC", email="t.bos@amc.nl")
    update_internship(
        workspace,
        sid,
        "minor",
        daily_supervisor_id=daily,
        second_supervisor="Piet Kok",
        assessor="Lies de Wit",
        assessor_rank="UHD",
        assessor_email="l.dewit@amsterdamumc.nl",
    )
    update_literature_study(workspace, sid, supervisor_id=daily, assessor="Lies de Wit")
    set_mentor(workspace, sid, "Jan Roos", "Roche", "jan.roos@roche.com")
    target = tmp_path / "people.xlsx"
    export_to(workspace, target, programme="PM", cohort=2024)
    wb = _load(target)
    internships = wb["Internships"]
    assert [c.value for c in _column(internships, "Daily supervisor e-mail")] == ["t.bos@amc.nl"]
    assert [c.value for c in _column(internships, "Second supervisor e-mail")] == [None]  # no address: empty
    assert [c.value for c in _column(internships, "Assessor e-mail")] == ["l.dewit@amsterdamumc.nl"]
    literature = wb["Literature Study"]
    assert [c.value for c in _column(literature, "Supervisor e-mail")] == ["t.bos@amc.nl"]
    assert [c.value for c in _column(literature, "Assessor e-mail")] == ["l.dewit@amsterdamumc.nl"]
    core = wb["Academic Core"]
    assert "Mentor e-mail" in _headers(core)
