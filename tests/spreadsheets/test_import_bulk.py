"""The bulk import gives what the single-record services give, checks once, and checks again
only when the database changed between the preview and the apply."""

from __future__ import annotations

import gc
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from coordinator_app.domain.grades import grade_from, parse_grade
from coordinator_app.services import imports as import_service
from coordinator_app.services.bulk_write import insert_rows, update_by_value, update_rows
from coordinator_app.services.courses import record_grade, set_optional_course
from coordinator_app.services.snapshot import evaluate_student
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.importer import ImportFileError, apply_import, preview_import
from coordinator_app.store import models as m

GRADES = ("7.5", "4.0", "NS", "5.5", "5.4", "10", "6,5", "3")


def _csv(path: Path, rows: list[list[str]]) -> Path:
    lines = ["student number;course;grade;exam date;attempt"] + [";".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _all_results(ws: Workspace) -> list[tuple[Any, ...]]:
    with ws.read() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(
                    m.CourseResult.student_id,
                    m.CourseResult.course_id,
                    m.CourseResult.attempt,
                    m.CourseResult.grade,
                    m.CourseResult.no_show,
                    m.CourseResult.exam_date,
                    m.CourseResult.registered_on,
                ).order_by(m.CourseResult.student_id, m.CourseResult.course_id, m.CourseResult.attempt)
            )
        ]


def _ec(ws: Workspace) -> dict[int, int]:
    with ws.read() as s:
        return dict(s.execute(select(m.Student.id, m.Student.ec_earned)).all())  # type: ignore[arg-type]


def _fresh_ec(ws: Workspace, ids: list[int]) -> dict[int, int]:
    """The EC the rules give now, computed from scratch (not the cached figure)."""
    with ws.read() as s:
        out = {}
        for sid in ids:
            student = s.get(m.Student, sid)
            assert student is not None
            out[sid] = evaluate_student(s, student, ws.programme_of(student), ws.as_of()).ec_total
        return out


def _rows_for(ws: Workspace) -> tuple[list[list[str]], list[tuple[int, str, str, int | None, date | None]]]:
    """A results file over many kinds of student in the demo database, and the same rows as
    record_grade calls: new results (pass, fail, No Show), updates that pass or fail a course
    that was passed or failed before, and resits that fill the open registration."""
    rows: list[list[str]] = []
    calls: list[tuple[int, str, str, int | None, date | None]] = []
    n = 0
    with ws.read() as s:
        students = list(s.scalars(select(m.Student).order_by(m.Student.id)))
        for student in students[::3]:
            programme = ws.programme_of(student)
            taken = {}
            for r in s.scalars(
                select(m.CourseResult).where(m.CourseResult.student_id == student.id).order_by(m.CourseResult.attempt)
            ):
                taken.setdefault(r.course.code, []).append(r)
            allowed = [
                c for c in programme.courses if c.specialization is None or c.specialization == student.specialization
            ]
            for course in allowed[:6]:
                grade = GRADES[n % len(GRADES)]
                n += 1
                attempts = taken.get(course.code, [])
                open_one = next((a for a in attempts if a.grade is None and not a.no_show), None)
                if not attempts:
                    # A first result, no attempt number and no date: attempt 1 on the scheduled date.
                    rows.append([student.student_number, course.code, grade, "", ""])
                    calls.append((student.id, course.code, grade, None, None))
                elif open_one is not None:
                    # The resit result, dated: fills the open registration.
                    when = date(2026, 1, 31)
                    rows.append(
                        [student.student_number, course.code, grade, when.strftime("%d-%m-%Y"), str(open_one.attempt)]
                    )
                    calls.append((student.id, course.code, grade, open_one.attempt, when))
                else:
                    # A corrected grade for the last attempt (a pass may become a fail, and back).
                    # (The same grade again is "unchanged" for an import, by design: no new row.)
                    last = attempts[-1]
                    while grade_from(last.no_show, last.grade) == parse_grade(grade):
                        grade = GRADES[n % len(GRADES)]
                        n += 1
                    rows.append([student.student_number, course.code, grade, "", str(last.attempt)])
                    calls.append((student.id, course.code, grade, last.attempt, None))
    return rows, calls


@pytest.mark.slow
def test_results_import_equals_recording_each_grade(demo_workspace: Workspace, programmes, tmp_path: Path) -> None:
    """Same file, two paths: the bulk import, and record_grade one row at a time. The results,
    the resit registrations and every student's EC come out the same."""
    one = demo_workspace
    copy = tmp_path / "copy.sqlite"
    shutil.copy(one.path, copy)
    other = Workspace.open(copy, programmes, daily_backup=False)
    one.today = date(2027, 9, 1)  # every exam the file gives a result for (resits too) has been taken
    other.today = one.today
    try:
        rows, calls = _rows_for(one)
        assert len(rows) > 100
        kinds = {r[2] for r in rows}
        assert {"NS", "4.0", "7.5"} <= kinds
        before = _ec(one)
        preview = preview_import(one, _csv(tmp_path / "results.csv", rows))
        assert not preview.rejected, preview.rejected[:3]
        assert preview.new and preview.updated  # first results as well as corrections and resits
        apply_import(one, preview)
        for sid, code, grade, attempt, when in calls:
            record_grade(other, sid, code, grade, attempt=attempt, exam_date=when)
        assert _all_results(one) == _all_results(other)
        ec = _ec(one)
        assert ec == _ec(other)
        touched = sorted({c[0] for c in calls})
        assert {sid: ec[sid] for sid in touched} == _fresh_ec(one, touched)
        # The file changed the EC of some students, up as well as down.
        assert any(ec[sid] > before[sid] for sid in touched) and any(ec[sid] < before[sid] for sid in touched)
    finally:
        other.close()


def test_an_approved_optional_course_counts_once_passed(two_pm_students, tmp_path: Path) -> None:
    ws, a, b = two_pm_students
    set_optional_course(ws, a, "PM-OPT-PROT", "approved", decided_on=date(2025, 10, 1))
    path = _csv(
        tmp_path / "r.csv",
        [["2712001", "PM-OPT-PROT", "8", "30-10-2025", ""], ["2712002", "PM-OPT-PROT", "8", "30-10-2025", ""]],
    )
    apply_import(ws, preview_import(ws, path))
    assert _ec(ws)[a] == 6  # approved beforehand: counts
    assert _ec(ws)[b] == 0  # not approved: does not
    assert _ec(ws) == {**_ec(ws), **_fresh_ec(ws, [a, b])}


def test_a_capped_component_gains_nothing_more(two_pm_students, tmp_path: Path) -> None:
    """The compulsory component is worth 24 EC (four courses of 6); the EC comes from the rules,
    not from adding 6 per pass."""
    ws, a, _ = two_pm_students
    for code in ("PM-PERS", "PM-DSB", "PM-BCRR"):  # PM-BCRR's exam is scheduled after today: dated
        record_grade(ws, a, code, "7", exam_date=date(2025, 11, 21))
    path = _csv(
        tmp_path / "r.csv", [["2712001", "PM-IMGP", "8", "21-11-2025", ""], ["2712001", "PM-PERS", "9", "", "1"]]
    )
    apply_import(ws, preview_import(ws, path))
    assert _ec(ws)[a] == 24 == _fresh_ec(ws, [a])[a]


@pytest.fixture
def two_pm_students(workspace):  # type: ignore[no-untyped-def]
    a = add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))
    b = add_student(workspace, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))
    return workspace, a, b


# -- checked once; checked again only when the database changed ---------------------------------


def _students_file(path: Path, numbers: list[str]) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["Student number", "First name", "Surname", "Programme", "Cohort"])
    for n, number in enumerate(numbers):
        sheet.append([number, f"First{n}", f"Last{n}", "PM", 2025])
    wb.save(path)
    return path


def test_apply_writes_the_previewed_rows_without_checking_again(workspace, tmp_path: Path) -> None:
    preview = preview_import(workspace, _students_file(tmp_path / "s.xlsx", ["2712001", "2712002"]))

    def no_second_check(session: Any) -> Any:
        raise AssertionError("the rows were checked again though nothing changed")

    preview.plan.recheck = no_second_check
    result = apply_import(workspace, preview)
    assert (result.added, result.rechecked) == (2, False)


def test_a_student_added_after_the_preview_is_matched_not_duplicated(workspace, tmp_path: Path) -> None:
    preview = preview_import(workspace, _students_file(tmp_path / "s.xlsx", ["2712001", "2712002"]))
    assert len(preview.new) == 2
    add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))  # meanwhile, by hand
    result = apply_import(workspace, preview)
    assert result.rechecked
    assert (result.added, result.updated) == (1, 1)  # 2712001 now exists: its names are updated
    with workspace.read() as s:
        rows = s.execute(
            select(m.Student.student_number, m.Student.first_name).order_by(m.Student.student_number)
        ).all()
    assert [tuple(r) for r in rows] == [("2712001", "First0"), ("2712002", "First1")]


def test_a_change_after_the_preview_that_makes_a_row_wrong_refuses_everything(
    workspace, tmp_path: Path, fingerprint_of
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Student number", "First name", "Surname", "Programme", "Cohort"])
    wb.active.append(["2712001", "Anna", "Vries", "PM", 2025])
    wb.active.append(["2712002", "Bram", "Jansen", "PM", 2025])
    wb.save(path)
    preview = preview_import(workspace, path)
    add_student(workspace, NewStudent("PM", 2024, "2712002", "Bram", "Jansen"))  # now in another cohort
    before = fingerprint_of(workspace)
    with pytest.raises(import_service.ImportRefused, match="changed since the preview"):
        apply_import(workspace, preview)
    assert fingerprint_of(workspace) == before


def test_a_grade_recorded_after_the_preview_becomes_an_update(two_pm_students, tmp_path: Path) -> None:
    ws, a, _ = two_pm_students
    path = _csv(tmp_path / "r.csv", [["2712001", "PM-PERS", "7.5", "30-09-2025", "1"]])
    preview = preview_import(ws, path)
    assert len(preview.new) == 1
    record_grade(ws, a, "PM-PERS", "4")  # meanwhile: attempt 1 is a fail, a resit is registered
    result = apply_import(ws, preview)
    assert (result.rechecked, result.added, result.updated) == (True, 0, 1)
    with ws.read() as s:
        rows = s.execute(
            select(m.CourseResult.attempt, m.CourseResult.grade)
            .where(m.CourseResult.student_id == a)
            .order_by(m.CourseResult.attempt)
        ).all()
    assert [tuple(r) for r in rows] == [(1, 7.5), (2, None)]  # the resit stays registered, as with record_grade
    assert _ec(ws)[a] == 6 == _fresh_ec(ws, [a])[a]


def test_the_fingerprint_sees_every_coordinator_action(two_pm_students) -> None:
    ws, a, _ = two_pm_students
    with ws.read() as s:
        before = import_service.fingerprint(s)
    set_optional_course(ws, a, "PM-OPT-PROT", "requested")
    with ws.read() as s:
        assert import_service.fingerprint(s) != before


# -- bulk_write stores values exactly as the ORM does --------------------------------------------


def test_bulk_rows_read_back_like_orm_rows(two_pm_students) -> None:
    ws, a, _ = two_pm_students
    with ws.write() as s:
        course = s.scalar(select(m.Course.id).where(m.Course.code == "PM-DSB"))
        s.add(
            m.CourseResult(
                student_id=a,
                course_id=course,
                attempt=1,
                exam_date=date(2025, 10, 31),
                grade=4.0,
                no_show=False,
                registered_on=date(2025, 11, 1),
            )
        )
        insert_rows(
            s,
            m.CourseResult.__table__,
            [{"student_id": a, "course_id": course, "attempt": 2, "exam_date": date(2026, 1, 31), "grade": None}],
            {"no_show": True, "registered_on": date(2026, 2, 1)},
        )
        insert_rows(
            s,
            m.AuditEntry.__table__,
            [{"student_id": a, "field": "x", "old_value": None, "new_value": "y"}],
            {"at": datetime(2025, 11, 24, 9, 30, 15, 123456), "os_user": "u", "action": "t", "entity": "e"},
        )
    with ws.write() as s:
        first = s.scalar(
            select(m.CourseResult.id).where(m.CourseResult.course_id == course, m.CourseResult.attempt == 1)
        )
        update_rows(s, m.CourseResult.__table__, "id", [{"id": first, "grade": 6.5, "exam_date": date(2025, 12, 1)}])
    with ws.read() as s:
        rows = s.scalars(
            select(m.CourseResult).where(m.CourseResult.course_id == course).order_by(m.CourseResult.attempt)
        ).all()
        got = [(r.attempt, r.grade, r.no_show, r.exam_date, r.registered_on) for r in rows]
        entry = s.scalar(select(m.AuditEntry).where(m.AuditEntry.field == "x"))
        assert entry is not None and entry.at == datetime(2025, 11, 24, 9, 30, 15, 123456)
        raw = s.connection().exec_driver_sql("SELECT exam_date, no_show FROM course_result WHERE attempt = 2").one()
    assert got == [
        (1, 6.5, False, date(2025, 12, 1), date(2025, 11, 1)),
        (2, None, True, date(2026, 1, 31), date(2026, 2, 1)),
    ]
    assert tuple(raw) == ("2026-01-31", 1)


# 0: the file names most of the students (the student table is read); 20: a few among many (they are
# looked up by the programme and number index, services/imports/results.py): the same answers.
@pytest.mark.parametrize("others", [0, 20])
def test_a_number_in_two_programmes_needs_the_programme(workspace, tmp_path: Path, others: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(others):
        add_student(workspace, NewStudent("PM", 2024, f"28000{n:02d}", f"Other{n}", "Student"))
    add_student(workspace, NewStudent("PM", 2025, "2712001", "Anna", "Vries"))
    add_student(workspace, NewStudent("IMIM", 2024, "2712001", "Anna", "Vries"))
    add_student(workspace, NewStudent("PM", 2025, "2712002", "Bram", "Jansen"))
    path = _csv(tmp_path / "r.csv", [["2712001", "PM-DSB", "7,5", "", ""], ["2712002", "PM-DSB", "8", "", ""]])
    either = preview_import(workspace, path)
    assert [str(r) for r in either.rejected] == [
        "row 2, student number: student number 2712001 is in more than one programme; choose the programme"
    ]
    assert [r.student_number for r in either.new] == ["2712002"]
    chosen = preview_import(workspace, path, programme="PM")
    assert not chosen.rejected and [r.student_number for r in chosen.new] == ["2712001", "2712002"]


def test_update_by_value_sets_each_row_its_own_value_and_no_other_row(workspace) -> None:  # type: ignore[no-untyped-def]
    ids = [add_student(workspace, NewStudent("PM", 2025, f"27120{n:02d}", f"First{n}", "Last")) for n in range(5)]
    totals = {ids[0]: 12, ids[1]: 18, ids[2]: 12, ids[3]: 0}  # ids[4] is left alone
    with workspace.write() as s:
        s.execute(m.Student.__table__.update().values(ec_earned=6))
        update_by_value(
            s, m.Student.__table__, "id", "ec_earned", [{"id": i, "ec_earned": ec} for i, ec in totals.items()]
        )
    with workspace.read() as s:
        stored = dict(s.execute(select(m.Student.id, m.Student.ec_earned)).all())
    assert stored == {**totals, ids[4]: 6}


def test_one_of_is_a_condition_by_itself_on_sqlite(workspace) -> None:  # type: ignore[no-untyped-def]
    """`x IN (json list)`, not `(x IN (json list)) = 1` (a slower expression for SQLite), either way round."""
    from coordinator_app.services.imports.cells import one_of

    kept = [add_student(workspace, NewStudent("PM", 2025, f"27121{n:02d}", f"First{n}", "Last")) for n in range(3)]
    S = m.Student.__table__
    with workspace.read() as s:
        dialect = s.connection().dialect
        chosen = select(S.c.id).where(one_of(S.c.id, kept[:2]))
        others = select(S.c.id).where(~one_of(S.c.id, kept[:2]))
        assert str(chosen.compile(dialect=dialect)).endswith("IN (SELECT value FROM json_each(?))")
        assert "NOT student.id IN" in str(others.compile(dialect=dialect))
        assert sorted(s.scalars(chosen)) == sorted(kept[:2])
        assert list(s.scalars(others)) == [kept[2]]


def test_an_imported_student_is_the_same_as_one_added_by_hand(make_workspace, tmp_path: Path) -> None:
    by_hand, imported = make_workspace("hand.sqlite"), make_workspace("import.sqlite")
    add_student(by_hand, NewStudent("PM", 2025, "2712001", "Anna", "de Vries", "anna@student.vu.nl", "medical_imaging"))
    add_student(by_hand, NewStudent("IMIM", 2024, "2712002", "Bram", "Jansen"))
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Student number", "First name", "Surname", "E-mail", "Programme", "Cohort", "Specialization"])
    wb.active.append(["2712001", "Anna", "de Vries", "anna@student.vu.nl", "PM", 2025, "Medical Imaging"])
    wb.active.append(["2712002", "Bram", "Jansen", "", "IMIM", 2024, ""])
    wb.save(path)
    apply_import(imported, preview_import(imported, path))

    def record(ws: Workspace) -> list[tuple[Any, ...]]:
        with ws.read() as s:
            students = [
                (
                    st.student_number,
                    st.first_name,
                    st.last_name,
                    st.email,
                    st.status,
                    st.specialization,
                    st.tuition_paid,
                    st.enrolled,
                    st.ec_earned,
                    st.participation_fee_paid,
                    st.notes,
                    st.programme.code,
                    st.cohort.start_year,
                )
                for st in s.scalars(select(m.Student).order_by(m.Student.id))
            ]
            items = [
                (i.student_id, i.component, i.kind, i.name, i.due_date, i.received_date, i.note)
                for i in s.scalars(select(m.PortfolioItem).order_by(m.PortfolioItem.id))
            ]
            audit = [
                (a.student_id, a.entity, a.entity_id, a.field, a.old_value, a.new_value)
                for a in s.scalars(
                    select(m.AuditEntry).where(m.AuditEntry.student_id.is_not(None)).order_by(m.AuditEntry.id)
                )
            ]
        return [students, items, audit]

    assert record(imported) == record(by_hand)


def test_repeated_cells_are_checked_once_but_by_their_own_type(two_pm_students, tmp_path: Path) -> None:
    """Grades, dates and attempts repeat down a column and are checked once per value; a TRUE
    cell is not the number 1, even though True == 1 in Python."""
    ws, _, _ = two_pm_students
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Student number", "Grade", "Exam date"])
    wb.active.append(["2712001", True, datetime(2025, 9, 30)])
    wb.active.append(["2712002", 1, datetime(2025, 9, 30)])
    wb.save(path)
    preview = preview_import(ws, path, course="PM-PERS")
    assert [(r.row, r.column) for r in preview.rejected] == [(2, "Grade")]
    assert [(r.row, r.values["grade"]) for r in preview.new] == [(3, 1.0)]


def test_the_cycle_collector_is_held_only_while_a_file_is_imported(
    workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = import_service.plan_students

    def watched(*args: Any, **kw: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kw)

    monkeypatch.setattr("coordinator_app.spreadsheets.importer.plan_students", watched)
    preview = preview_import(workspace, _students_file(tmp_path / "s.xlsx", ["2712001"]))
    assert seen == [False] and gc.isenabled()
    apply_import(workspace, preview)
    assert gc.isenabled()
    pdf = tmp_path / "list.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(ImportFileError):
        preview_import(workspace, pdf)
    assert gc.isenabled()  # also after a file that cannot be imported
