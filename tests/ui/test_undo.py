"""Undo and redo of every edit in the student record, driven through the real widgets.

Each test types into the fields and clicks the buttons of a real RecordView, then steps its
undo stack back and forth (undo, redo, undo, redo) and after every step reads the database
through the services and what the record shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from coordinator_app.services.academic_core import add_meeting
from coordinator_app.services.record_view import load_record
from coordinator_app.store import models as m
from coordinator_app.ui.changes import Changes, Kind, Origin
from coordinator_app.ui.forms import FieldForm
from coordinator_app.ui.record.overview import GraduatingNotReady
from coordinator_app.ui.record.view import RecordView
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def view(record_view: RecordView) -> RecordView:
    """The record on its own (tests/ui/conftest.record_view)."""
    return record_view


# -- driving the widgets ---------------------------------------------------------------------------
def open_tab(view: RecordView, student_id: int, tab: str) -> Any:
    assert view.show_student(student_id, tab)
    view.show_tab(tab)
    assert view.current_tab() == tab
    return view.pages[tab]


def type_into(qtbot: Any, editor: QLineEdit, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    if text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def choose(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def last(view: RecordView) -> str:
    """What the next undo takes back, as the stack names it."""
    return view.undo_stack.text(view.undo_stack.index() - 1)


def tick(box: QCheckBox) -> None:
    """Click a check box as the coordinator would (a mouse click at its centre can miss the box
    when the form stretches it wide)."""
    box.click()


def field(form: FieldForm, name: str) -> Any:
    return form.editors[name]


def shows(read: Callable[[], Any], expected: Any) -> Callable[[], None]:
    """A check for `back_and_forth`: what `read()` gives must be `expected`."""

    def check() -> None:
        assert read() == expected

    return check


def back_and_forth(
    view: RecordView, steps: int, before: Callable[[], None], after: Callable[[], None], rounds: int = 2
) -> None:
    """Undo the last `steps` edits and check `before`; redo them and check `after`; twice."""
    stack = view.undo_stack
    top = stack.index()
    for _ in range(rounds):
        for _ in range(steps):
            stack.undo()
        assert stack.index() == top - steps, view.message_text()
        before()
        for _ in range(steps):
            stack.redo()
        assert stack.index() == top, view.message_text()
        after()
        assert view.message_text() == ""


# -- reading the database through the services ---------------------------------------------------------
def record(cohort: Cohort, student_id: int) -> Any:
    return load_record(cohort.ws, student_id)


def meetings(cohort: Cohort, student_id: int) -> list[tuple[date, str, str]]:
    return [(x.when, x.topic, x.notes) for x in record(cohort, student_id).meetings]


def shown_meetings(page: Any) -> list[tuple[str, str]]:
    return [(page.meetings.item(r, 0).text(), page.meetings.item(r, 1).text()) for r in range(page.meetings.rowCount())]


def attempt_index(page: Any, code: str, attempt: int) -> QModelIndex:
    model = page.model
    for top in range(model.rowCount()):
        parent = model.index(top, 0)
        if parent.data(Qt.ItemDataRole.UserRole) != code:
            continue
        for r in range(model.rowCount(parent)):
            if model.index(r, 2, parent).data() == str(attempt):
                return model.index(r, 0, parent)
    raise AssertionError(f"no attempt {attempt} of {code} shown")


def shown_attempts(page: Any, code: str) -> list[tuple[str, str, str]]:
    model = page.model
    for top in range(model.rowCount()):
        parent = model.index(top, 0)
        if parent.data(Qt.ItemDataRole.UserRole) == code:
            return [
                (model.index(r, 2, parent).data(), model.index(r, 4, parent).data(), model.index(r, 5, parent).data())
                for r in range(model.rowCount(parent))
            ]
    raise AssertionError(f"{code} not shown")


def portfolio_received(table: Any, kind: str) -> str:
    for r, item in enumerate(table.items):
        if item.kind == kind:
            return table.table.item(r, 2).text()
    raise AssertionError(f"no {kind} shown")


def content(cohort: Cohort) -> dict[str, list[str]]:
    """Every row of every table but the audit trail and the stored verdicts, without row ids (a restored row may get a
    new one): what the coordinator would see, anywhere."""
    found = {}
    for name, rows in cohort.everything().items():
        # The stored verdicts are a cache: an edit may leave one out, to be worked out when asked
        # (services/verdicts.py; tests/services/test_verdicts.py checks every stored one is right).
        if name in ("audit_entry", "readiness"):
            continue
        columns = [c.name for c in m.Base.metadata.tables[name].columns]
        keep = [i for i, c in enumerate(columns) if c == "student_id" or not (c == "id" or c.endswith("_id"))]
        found[name] = sorted(repr(tuple(row[i] for i in keep)) for row in rows)
    return found


# -- Overview and IMIM ---------------------------------------------------------------------------------
def test_student_fields_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.sanne, "overview")
    type_into(qtbot, field(page.form, "last_name"), "Jansen")
    choose(field(page.form, "specialization"), "biomarkers_medicines")
    tick(field(page.form, "tuition_paid"))
    assert last(view) == "Change tuition paid to yes"
    assert view.undo_stack.text(1) == "Change specialization to Biomarkers & Medicines"
    assert view.undo_stack.text(0) == "Change last name to Jansen"

    def before() -> None:
        s = cohort.student(cohort.sanne)
        assert (s.last_name, s.specialization, s.tuition_paid) == ("de Jong", None, False)
        assert field(page.form, "last_name").text() == "de Jong"
        assert not field(page.form, "tuition_paid").isChecked()
        assert "de Jong" in view.title.text()

    def after() -> None:
        s = cohort.student(cohort.sanne)
        assert (s.last_name, s.specialization, s.tuition_paid) == ("Jansen", "biomarkers_medicines", True)
        assert field(page.form, "specialization").currentData() == "biomarkers_medicines"
        assert field(page.form, "tuition_paid").isChecked()
        assert "Jansen" in view.title.text()

    after()
    back_and_forth(view, 3, before, after)


def test_imim_fields_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.lars, "imim")
    choose(field(page.form, "year2_university"), "Groningen")
    type_into(qtbot, field(page.form, "english_overall"), "7,5")
    tick(field(page.form, "participation_fee_paid"))
    assert view.undo_stack.text(0) == "Change university of year 2 to Groningen"

    def before() -> None:
        s = cohort.student(cohort.lars)
        assert (s.year2_university, s.english_overall, s.participation_fee_paid) == (None, None, False)
        assert "University of year 2 not recorded" in page.problems.text()
        assert field(page.form, "english_overall").text() == ""

    def after() -> None:
        s = cohort.student(cohort.lars)
        assert (s.year2_university, s.english_overall, s.participation_fee_paid) == ("Groningen", 7.5, True)
        assert "University of year 2 not recorded" not in page.problems.text()
        assert field(page.form, "english_overall").text() == "7.5"

    after()
    back_and_forth(view, 3, before, after)


# -- Courses ---------------------------------------------------------------------------------------------
def test_a_failed_grade_and_its_resit_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.daan, "courses")
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "4,0")
    click(qtbot, page.record_button)
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "7,5")
    qtbot.keyClicks(page.exam, "21-11-2025")  # the resit is scheduled for January, after "today"
    click(qtbot, page.record_button)
    assert view.undo_stack.text(0) == "Record grade 4.0 for Daan Bakker, Data Science & Bioinformatics"
    assert last(view) == "Record grade 7.5 for Daan Bakker, Data Science & Bioinformatics"

    def before() -> None:
        assert cohort.grades(cohort.daan, "PM-DSB") == []
        assert "0 of 120 EC" in page.ec_label.text()

    def after() -> None:
        assert cohort.grades(cohort.daan, "PM-DSB") == [(1, 4.0, False), (2, 7.5, False)]
        assert shown_attempts(page, "PM-DSB") == [("1", "4.0", "fail"), ("2", "7.5", "pass")]
        assert "6 of 120 EC" in page.ec_label.text()

    after()
    back_and_forth(view, 2, before, after)
    view.undo_stack.undo()  # only the resit's grade: the registration stays open
    assert cohort.grades(cohort.daan, "PM-DSB") == [(1, 4.0, False), (2, None, False)]
    assert shown_attempts(page, "PM-DSB")[1] == ("2", "", "resit registered")


@pytest.mark.slow
def test_deleting_attempts_undo_and_redo_with_later_commands_on_the_restored_rows(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    page = open_tab(view, cohort.daan, "courses")
    for code, grade in (("PM-DSB", "4,0"), ("PM-PERS", "8,0")):  # PM-PERS's row: a higher id
        page.course.setCurrentIndex(page.course.findData(code))
        qtbot.keyClicks(page.grade, grade)
        click(qtbot, page.record_button)
    # Delete the failed first attempt, then the open resit registration.
    page.tree.setCurrentIndex(attempt_index(page, "PM-DSB", 1))
    click(qtbot, page.delete_button)
    assert last(view) == "Delete attempt 1 of Data Science & Bioinformatics for Daan Bakker"
    page.tree.setCurrentIndex(attempt_index(page, "PM-DSB", 2))
    click(qtbot, page.delete_button)
    assert cohort.grades(cohort.daan, "PM-DSB") == []
    # The resit registration comes back, then a grade is recorded into it (it refers to its new id).
    view.undo_stack.undo()
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "6,0")
    qtbot.keyClicks(page.exam, "21-11-2025")  # the resit is scheduled for January, after "today"
    click(qtbot, page.record_button)
    assert cohort.grades(cohort.daan, "PM-DSB") == [(2, 6.0, False)]

    def start() -> None:
        assert cohort.grades(cohort.daan, "PM-DSB") == []
        assert cohort.grades(cohort.daan, "PM-PERS") == []
        assert shown_attempts(page, "PM-DSB") == []

    def end() -> None:
        assert cohort.grades(cohort.daan, "PM-DSB") == [(2, 6.0, False)]
        assert cohort.grades(cohort.daan, "PM-PERS") == [(1, 8.0, False)]
        assert shown_attempts(page, "PM-DSB") == [("2", "6.0", "pass")]
        assert "12 of 120 EC" in page.ec_label.text()

    end()
    stack = view.undo_stack
    for _ in range(2):
        stack.undo()  # the 6.0
        assert cohort.grades(cohort.daan, "PM-DSB") == [(2, None, False)]
        stack.undo()  # the delete of attempt 1: it is back (with a new id)
        assert cohort.grades(cohort.daan, "PM-DSB") == [(1, 4.0, False), (2, None, False)]
        assert shown_attempts(page, "PM-DSB") == [("1", "4.0", "fail"), ("2", "", "resit registered")]
        stack.undo()  # PM-PERS
        stack.undo()  # the 4.0 and its resit: found by their new ids
        start()
        for _ in range(4):
            stack.redo()
        end()
        assert view.message_text() == ""


@pytest.mark.slow
def test_optional_course_approval_and_an_added_course_undo_and_redo(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    page = open_tab(view, cohort.daan, "courses")
    choose(page.opt_course, "PM-OPT-PROT")
    page.opt_status.setCurrentIndex(page.opt_status.findData("requested"))
    click(qtbot, page.opt_save)
    assert last(view) == "Set Biomedical Proteomics to requested"
    page.opt_status.setCurrentIndex(page.opt_status.findData("approved"))
    page.opt_date.setText("15-10-2025")
    click(qtbot, page.opt_save)
    click(qtbot, page.opt_save)  # saved again as it is: nothing to undo
    assert view.undo_stack.count() == 2
    qtbot.keyClicks(page.ext_name, "Summer school Oxford")
    click(qtbot, page.ext_add)
    assert last(view) == "Add course Summer school Oxford"

    def approvals() -> list[tuple[str, str, date | None]]:
        return [(line.code, line.status, line.decided_on) for line in record(cohort, cohort.daan).optional]

    def choices() -> set[str]:
        return {page.opt_course.itemData(i) for i in range(page.opt_course.count())}

    def before() -> None:
        assert approvals() == []
        assert page.optional.rowCount() == 0
        assert "EXT-SUMMERSCHOOL" not in choices()

    def after() -> None:
        assert approvals() == [("PM-OPT-PROT", "approved", date(2025, 10, 15))]
        assert page.optional.item(0, 2).text() == "approved"
        assert "EXT-SUMMERSCHOOL" in choices()

    after()
    back_and_forth(view, 3, before, after)
    view.undo_stack.undo()
    view.undo_stack.undo()  # the approval: back to requested
    assert approvals() == [("PM-OPT-PROT", "requested", None)]
    assert page.optional.item(0, 2).text() == "requested"


# -- Internships -------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_internship_fields_marks_and_the_first_field_that_planned_it(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    page = open_tab(view, cohort.daan, "internships")
    panel = page.panels["minor"]
    place, marks = panel.forms[0], panel.forms[4]
    assert not record(cohort, cohort.daan).internships["minor"].planned
    type_into(qtbot, field(place, "host"), "AMC")
    assert last(view) == "Change host of the minor internship to AMC"
    type_into(qtbot, field(panel.forms[3], "start_date"), "01-12-2025")
    type_into(qtbot, field(marks, "practical_mark"), "7,5")
    choose(field(panel.forms[2], "approval_status"), "requested")

    def before() -> None:
        minor = record(cohort, cohort.daan).internships["minor"]
        assert not minor.planned and minor.items == ()
        assert "not planned yet" in panel.status.text()
        assert field(place, "host").text() == ""
        assert panel.portfolio.table.rowCount() == 0

    def after() -> None:
        minor = record(cohort, cohort.daan).internships["minor"]
        assert minor.planned
        assert (
            minor.fields["host"],
            minor.fields["start_date"],
            minor.fields["practical_mark"],
            minor.fields["approval_status"],
        ) == ("AMC", date(2025, 12, 1), 7.5, "requested")
        assert field(place, "host").text() == "AMC"
        assert field(marks, "practical_mark").text() == "7.5"
        assert field(panel.forms[3], "planned_end").text().startswith("22-03-2026")
        assert portfolio_received(panel.portfolio, "list_of_agreements") == ""
        assert len(minor.items) == panel.portfolio.table.rowCount() == 8

    after()
    back_and_forth(view, 4, before, after)
    view.undo_stack.undo()
    view.undo_stack.undo()  # the mark only
    assert record(cohort, cohort.daan).internships["minor"].fields["practical_mark"] is None
    assert field(marks, "practical_mark").text() == ""


@pytest.mark.slow
def test_interruptions_and_portfolio_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.anouk, "internships")
    panel = page.panels["minor"]
    end = field(panel.forms[3], "planned_end")
    for start, until in (("22-12-2025", "04-01-2026"), ("10-02-2026", "12-02-2026")):
        panel.int_start.setText(start)
        panel.int_end.setText(until)
        click(qtbot, panel.int_add)
    assert last(view) == "Add interruption 10-02-2026 - 12-02-2026 to the minor internship"
    panel.interruptions.selectRow(0)
    click(qtbot, panel.int_remove)
    assert last(view) == "Remove interruption 22-12-2025 - 04-01-2026 from the minor internship"
    panel.portfolio.select(kind="list_of_agreements")
    panel.portfolio.date.setText("20-11-2025")
    click(qtbot, panel.portfolio.mark_button)
    assert last(view) == "Mark List of Agreements (A) received on 20-11-2025"

    def periods() -> list[tuple[date, date]]:
        return [(p.start, p.end) for p in record(cohort, cohort.anouk).internships["minor"].interruptions]

    def received() -> date | None:
        return next(
            i.received
            for i in record(cohort, cohort.anouk).internships["minor"].items
            if i.kind == "list_of_agreements"
        )

    def before() -> None:
        assert periods() == []
        assert end.text().startswith("20-02-2026")
        assert received() is None and portfolio_received(panel.portfolio, "list_of_agreements") == ""

    def after() -> None:
        assert periods() == [(date(2026, 2, 10), date(2026, 2, 12))]
        assert end.text().startswith("23-02-2026")
        assert received() == date(2025, 11, 20)
        assert portfolio_received(panel.portfolio, "list_of_agreements") == "20-11-2025"

    after()
    back_and_forth(view, 4, before, after)
    view.undo_stack.undo()
    view.undo_stack.undo()  # the removal: the first interruption is back
    assert periods() == [(date(2025, 12, 22), date(2026, 1, 4)), (date(2026, 2, 10), date(2026, 2, 12))]
    assert panel.interruptions.rowCount() == 2
    view.undo_stack.undo()  # the second one, removed by its remembered id
    assert periods() == [(date(2025, 12, 22), date(2026, 1, 4))]
    view.undo_stack.redo()
    view.undo_stack.redo()  # removes the restored first one again
    assert periods() == [(date(2026, 2, 10), date(2026, 2, 12))]


def test_clearing_a_received_date_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.anouk, "internships")
    panel = page.panels["minor"]
    panel.portfolio.select(kind="list_of_agreements")
    panel.portfolio.date.setText("20-11-2025")
    click(qtbot, panel.portfolio.mark_button)
    panel.portfolio.select(kind="list_of_agreements")
    panel.portfolio.date.setText("20-11-2025")
    click(qtbot, panel.portfolio.mark_button)  # the same date again: nothing to undo
    assert view.undo_stack.count() == 1
    panel.portfolio.select(kind="list_of_agreements")
    click(qtbot, panel.portfolio.clear_button)
    assert last(view) == "Clear the received date of List of Agreements (A)"

    def received() -> tuple[date | None, str]:
        item = next(
            i for i in record(cohort, cohort.anouk).internships["minor"].items if i.kind == "list_of_agreements"
        )
        return item.received, portfolio_received(panel.portfolio, "list_of_agreements")

    back_and_forth(view, 1, shows(received, (date(2025, 11, 20), "20-11-2025")), shows(received, (None, "")))
    view.undo_stack.undo()
    assert portfolio_received(panel.portfolio, "list_of_agreements") == "20-11-2025"


# -- Literature Study ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_literature_study_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.daan, "literature")
    plan, marks = page.forms
    type_into(qtbot, field(plan, "subject"), "Imaging biomarkers")
    assert last(view) == "Change subject of the Literature Study to Imaging biomarkers"
    type_into(qtbot, field(plan, "start_date"), "03-11-2025")
    type_into(qtbot, field(marks, "outline_mark"), "8")
    page.portfolio.select(kind="survey_outline")
    page.portfolio.date.setText("21-11-2025")
    click(qtbot, page.portfolio.mark_button)

    def before() -> None:
        literature = record(cohort, cohort.daan).literature
        assert literature is not None and not literature.planned and literature.items == ()
        assert "not planned yet" in page.status.text()
        assert field(plan, "subject").text() == ""

    def after() -> None:
        literature = record(cohort, cohort.daan).literature
        assert literature is not None and literature.planned
        assert (literature.fields["subject"], literature.fields["outline_mark"]) == ("Imaging biomarkers", 8.0)
        assert field(marks, "outline_mark").text() == "8.0"
        assert portfolio_received(page.portfolio, "survey_outline") == "21-11-2025"

    after()
    back_and_forth(view, 4, before, after)


# -- Academic Core ------------------------------------------------------------------------------------------
@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_mentor_first_and_changed_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.sanne, "academic_core")
    page.mentor_name.setText("Dr. P. Bakker")
    page.mentor_org.setText("Philips")
    click(qtbot, page.mentor_save)
    assert last(view) == "Set mentor to Dr. P. Bakker"
    page.mentor_name.setText("Dr. K. Smit")
    click(qtbot, page.mentor_save)

    def before() -> None:
        assert record(cohort, cohort.sanne).mentor == {"name": "", "organisation": "", "email": ""}
        assert page.mentor_name.text() == "" and page.mentor_org.text() == ""

    def after() -> None:
        assert record(cohort, cohort.sanne).mentor == {"name": "Dr. K. Smit", "organisation": "Philips", "email": ""}
        assert page.mentor_name.text() == "Dr. K. Smit"

    after()
    back_and_forth(view, 2, before, after)
    view.undo_stack.undo()
    assert record(cohort, cohort.sanne).mentor["name"] == "Dr. P. Bakker"


@pytest.mark.slow
def test_meetings_added_changed_and_deleted_undo_and_redo_repeatedly(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    add_meeting(cohort.ws, cohort.sanne, date(2025, 10, 1), "Kick-off")  # not on the stack
    page = open_tab(view, cohort.sanne, "academic_core")
    for when, topic in (("10-11-2025", "Career plans"), ("17-11-2025", "Internship choice")):
        page.m_date.setText(when)
        page.m_topic.setText(topic)
        click(qtbot, page.m_add)
    assert last(view) == "Add mentor meeting of 17-11-2025"
    page.meetings.selectRow(1)
    page.m_topic.setText("Career and PhD plans")
    click(qtbot, page.m_save)
    assert last(view) == "Change mentor meeting of 10-11-2025"
    page.meetings.selectRow(0)
    click(qtbot, page.m_delete)  # the kick-off: comes back with a new id
    page.meetings.selectRow(0)
    click(qtbot, page.m_delete)  # the changed one (made by this stack)
    assert last(view) == "Delete mentor meeting of 10-11-2025"
    page.meetings.selectRow(0)
    page.m_notes.setPlainText("Chose the AMC")
    click(qtbot, page.m_save)

    def before() -> None:
        assert meetings(cohort, cohort.sanne) == [(date(2025, 10, 1), "Kick-off", "")]
        assert shown_meetings(page) == [("01-10-2025", "Kick-off")]

    def after() -> None:
        assert meetings(cohort, cohort.sanne) == [(date(2025, 11, 17), "Internship choice", "Chose the AMC")]
        assert shown_meetings(page) == [("17-11-2025", "Internship choice")]
        assert "1 of at least" in page.status.text()

    after()
    back_and_forth(view, 6, before, after, rounds=3)
    stack = view.undo_stack
    stack.undo()
    stack.undo()  # the second delete: back, and the first delete's meeting is still gone
    assert meetings(cohort, cohort.sanne) == [
        (date(2025, 11, 10), "Career and PhD plans", ""),
        (date(2025, 11, 17), "Internship choice", ""),
    ]
    stack.undo()
    stack.undo()  # the change of the restored meeting is undone on its new id
    assert meetings(cohort, cohort.sanne)[1] == (date(2025, 11, 10), "Career plans", "")
    stack.redo()
    stack.redo()
    stack.redo()
    stack.redo()
    after()


@pytest.mark.slow
def test_academic_core_portfolio_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.anouk, "academic_core")
    for kind, when in (
        ("first_year_assignments", "01-09-2025"),
        ("cv_assignment", "20-11-2025"),
        ("final_portfolio", "24-11-2025"),
    ):
        page.portfolio.select(kind=kind)
        page.portfolio.date.setText(when)
        click(qtbot, page.portfolio.mark_button)
    assert last(view) == "Mark Final portfolio meeting received on 24-11-2025"

    def shown() -> list[str]:
        return [
            portfolio_received(page.portfolio, k)
            for k in ("first_year_assignments", "cv_assignment", "final_portfolio")
        ]

    back_and_forth(view, 3, shows(shown, ["", "", ""]), shows(shown, ["01-09-2025", "20-11-2025", "24-11-2025"]))
    assert [i.received for i in record(cohort, cohort.anouk).core_items] == [
        date(2025, 9, 1),
        date(2025, 11, 20),
        date(2025, 11, 24),
    ]
    view.undo_stack.undo()
    assert [i.received for i in record(cohort, cohort.anouk).core_items][2] is None
    assert shown()[2] == ""


# -- Graduation ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_graduation_plan_ceremony_and_attendance_undo_and_redo(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.anouk, "graduation")
    core_dues = [i.due for i in record(cohort, cohort.anouk).core_items]
    assert not page.attends.isEnabled()
    page.year.setValue(2026)
    page.month.setCurrentIndex(6)  # July
    click(qtbot, page.plan_button)
    assert last(view) == "Plan graduation in July 2026"
    tick(page.attends)
    assert last(view) == "Mark as attending the ceremony"
    page.month.setCurrentIndex(9)  # October: a later ceremony
    click(qtbot, page.plan_button)

    def before() -> None:
        graduation = record(cohort, cohort.anouk).graduation
        assert graduation.planned is None and graduation.attends is None
        assert page.form.editors["graduation_date"].text() == "no month planned"
        assert not page.attends.isEnabled() and not page.attends.isChecked()
        assert [i.due for i in record(cohort, cohort.anouk).core_items] == core_dues

    def after() -> None:
        graduation = record(cohort, cohort.anouk).graduation
        assert (graduation.planned, graduation.ceremony, graduation.attends) == ((2026, 10), (2027, 1), True)
        assert page.form.editors["graduation_date"].text() == "30-10-2026"
        assert page.attends.isChecked()

    after()
    back_and_forth(view, 3, before, after)
    view.undo_stack.undo()
    graduation = record(cohort, cohort.anouk).graduation
    assert (graduation.planned, graduation.ceremony, graduation.attends) == ((2026, 7), (2026, 9), True)
    view.undo_stack.undo()
    assert record(cohort, cohort.anouk).graduation.attends is None  # not known, as before (not "no")


@pytest.mark.slow
def test_graduating_shows_the_graduation_date_and_undo_takes_it_back(
    view: RecordView, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anouk is not ready: the Examination Board's decision, confirmed (tests/ui/test_graduating_not_ready.py).
    monkeypatch.setattr(GraduatingNotReady, "ask", classmethod(lambda cls, parent, name, blockers: True))
    overview = open_tab(view, cohort.anouk, "overview")
    choose(field(overview.form, "status"), "graduated")  # no month planned: no graduation date
    assert view.undo_stack.count() == 0
    assert "Plan the graduation month first" in overview.form.errors["status"].text()
    page = open_tab(view, cohort.anouk, "graduation")
    page.year.setValue(2025)
    page.month.setCurrentIndex(10)  # November, this month: its last working day is Friday 28 November 2025
    click(qtbot, page.plan_button)
    open_tab(view, cohort.anouk, "overview")
    choose(field(overview.form, "status"), "graduated")
    assert last(view) == "Change status to graduated"
    open_tab(view, cohort.anouk, "graduation")

    def shown() -> list[str]:
        return [page.blockers.item(r).text() for r in range(page.blockers.count())]

    def before() -> None:
        assert cohort.student(cohort.anouk).status == "active"
        assert record(cohort, cohort.anouk).graduation.graduated_on is None
        assert not any(line.startswith("Graduated on") for line in shown())

    def after() -> None:
        assert cohort.student(cohort.anouk).status == "graduated"
        assert record(cohort, cohort.anouk).graduation.graduated_on == date(2025, 11, 28)
        assert "Graduated on 28-11-2025" in shown()

    after()
    back_and_forth(view, 1, before, after)
    # The plan of a graduate stays: another month is refused and nothing reaches the stack.
    steps = view.undo_stack.count()
    page.month.setCurrentIndex(7)
    click(qtbot, page.plan_button)
    assert view.undo_stack.count() == steps
    assert "The student graduated on 28-11-2025; the plan stays." in page.form.errors["month"].text()
    assert record(cohort, cohort.anouk).graduation.planned == (2025, 11)


# -- refused edits, a long mixed sequence, the Edit menu -----------------------------------------------------
def test_a_refused_edit_never_reaches_the_stack(view: RecordView, qtbot: Any, cohort: Cohort) -> None:
    page = open_tab(view, cohort.daan, "courses")
    before = cohort.everything()
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "eleven")
    click(qtbot, page.record_button)
    assert view.undo_stack.count() == 0
    assert cohort.everything() == before


@pytest.mark.slow
def test_a_long_mixed_sequence_undoes_and_redoes_to_the_same_state_at_every_step(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    sid = cohort.sanne
    states = [content(cohort)]

    def done() -> None:
        assert view.message_text() == "", view.message_text()
        states.append(content(cohort))
        assert view.undo_stack.index() == len(states) - 1

    page = open_tab(view, sid, "overview")
    type_into(qtbot, field(page.form, "first_name"), "Susanne")
    done()
    page = open_tab(view, sid, "courses")
    page.course.setCurrentIndex(page.course.findData("PM-PERS"))
    qtbot.keyClicks(page.grade, "NS")
    click(qtbot, page.record_button)
    done()
    page = open_tab(view, sid, "academic_core")
    page.m_date.setText("10-11-2025")
    page.m_topic.setText("Start")
    click(qtbot, page.m_add)
    done()
    page = open_tab(view, sid, "internships")
    panel = page.panels["minor"]
    type_into(qtbot, field(panel.forms[3], "start_date"), "03-11-2025")
    done()
    panel.int_start.setText("22-12-2025")
    panel.int_end.setText("02-01-2026")
    click(qtbot, panel.int_add)
    done()
    panel.portfolio.select(kind="list_of_agreements")
    panel.portfolio.date.setText("17-11-2025")
    click(qtbot, panel.portfolio.mark_button)
    done()
    page = open_tab(view, sid, "academic_core")
    page.meetings.selectRow(0)
    click(qtbot, page.m_delete)
    done()
    page = open_tab(view, sid, "courses")
    page.tree.setCurrentIndex(attempt_index(page, "PM-PERS", 1))
    click(qtbot, page.delete_button)
    done()
    page = open_tab(view, sid, "courses")
    page.course.setCurrentIndex(page.course.findData("PM-PERS"))
    qtbot.keyClicks(page.grade, "6,5")  # into the resit registration
    qtbot.keyClicks(page.exam, "21-11-2025")  # taken before its January date
    click(qtbot, page.record_button)
    done()
    page = open_tab(view, sid, "graduation")
    page.year.setValue(2027)
    page.month.setCurrentIndex(7)
    click(qtbot, page.plan_button)
    done()
    page = open_tab(view, sid, "internships")
    panel = page.panels["minor"]
    panel.interruptions.selectRow(0)
    click(qtbot, panel.int_remove)
    done()
    page = open_tab(view, sid, "literature")
    type_into(qtbot, field(page.forms[0], "supervisor"), "Dr. A. de Boer")
    done()
    choose(field(page.forms[0], "approval_status"), "requested")
    done()
    stack = view.undo_stack
    assert len({repr(s) for s in states}) == len(states)  # every step changed something
    for _ in range(3):
        while stack.canUndo():
            stack.undo()
            assert content(cohort) == states[stack.index()], (stack.index(), view.message_text())
        while stack.canRedo():
            stack.redo()
            assert content(cohort) == states[stack.index()], (stack.index(), view.message_text())
        # Halfway and back again.
        for _ in range(7):
            stack.undo()
        assert content(cohort) == states[len(states) - 8]
        for _ in range(7):
            stack.redo()
        assert content(cohort) == states[-1]
    assert view.message_text() == ""
    assert view.record is not None and view.record.student["first_name"] == "Susanne"
    assert [m.topic for m in view.record.meetings] == []
    assert view.record.graduation.planned == (2027, 8)


def test_undoing_an_edit_of_another_student_refreshes_that_student(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    page = open_tab(view, cohort.sanne, "overview")
    type_into(qtbot, field(page.form, "first_name"), "Susanne")
    changed: list[Changes] = []
    view.session.changed.connect(changed.append)
    open_tab(view, cohort.daan, "overview")
    view.undo_stack.undo()
    assert cohort.student(cohort.sanne).first_name == "Sanne"
    assert changed == [Changes(Kind.STUDENT, frozenset({cohort.sanne}), Origin.THIS_WINDOW)]  # the list follows it
    assert view.student_id == cohort.daan and field(page.form, "first_name").text() == "Daan"


@pytest.mark.slow
def test_the_edit_menu_names_what_will_be_undone(window: Any, qtbot: Any, cohort: Cohort) -> None:
    window.open_student(cohort.daan, "courses")
    page = window.record_pane.view.pages["courses"]
    page.course.setCurrentIndex(page.course.findData("PM-DSB"))
    qtbot.keyClicks(page.grade, "7,5")
    click(qtbot, page.record_button)
    # "&&" shows as "&" in a menu (a single one would underline the next letter).
    assert window.acts.undo.text() == "&Undo Record grade 7.5 for Daan Bakker, Data Science && Bioinformatics"
    window.acts.undo.trigger()
    assert cohort.grades(cohort.daan, "PM-DSB") == []
    assert window.acts.redo.text() == "&Redo Record grade 7.5 for Daan Bakker, Data Science && Bioinformatics"
    window.acts.redo.trigger()
    assert cohort.grades(cohort.daan, "PM-DSB") == [(1, 7.5, False)]
    assert "6 of 120 EC" in page.ec_label.text()


# -- the registers: what an edit added on the fly, its undo takes out again ---------------------------------
def test_a_host_and_a_mentor_added_on_the_fly_leave_the_register_on_undo(
    view: RecordView, qtbot: Any, cohort: Cohort
) -> None:
    """Typing a host or mentor the register does not know adds them to it; the coordinator who undoes
    that edit expects the typo gone from the register too (the Registers dialog, the type-ahead), and
    back on redo. One chosen elsewhere meanwhile stays (tests/services: the register keeps it)."""
    from sqlalchemy import select

    def hosts() -> list[str]:
        with cohort.ws.read() as s:
            return sorted(s.scalars(select(m.HostOrganisation.name)))

    def people() -> list[str]:
        with cohort.ws.read() as s:
            return sorted(s.scalars(select(m.Person.name)))

    hosts_before, people_before = hosts(), people()
    page = open_tab(view, cohort.daan, "internships")
    place = page.panels["minor"].forms[0]
    type_into(qtbot, field(place, "host"), "Hubrecht Institutte")  # a typo, not in the register
    assert "Hubrecht Institutte" in hosts()
    view.undo_stack.undo()
    assert hosts() == hosts_before and not record(cohort, cohort.daan).internships["minor"].planned
    view.undo_stack.redo()
    assert "Hubrecht Institutte" in hosts()

    page = open_tab(view, cohort.sanne, "academic_core")
    page.mentor_name.setText("Dr. Q. Nieuw")
    click(qtbot, page.mentor_save)
    assert "Dr. Q. Nieuw" in people()
    page.mentor_name.setText("Dr. Q. Nieuwe")  # corrected: another new person
    click(qtbot, page.mentor_save)
    assert {"Dr. Q. Nieuw", "Dr. Q. Nieuwe"} <= set(people())
    view.undo_stack.undo()  # back to Dr. Q. Nieuw: the corrected name leaves the register
    assert "Dr. Q. Nieuwe" not in people() and record(cohort, cohort.sanne).mentor["name"] == "Dr. Q. Nieuw"
    view.undo_stack.undo()  # no mentor: Dr. Q. Nieuw leaves it too
    assert people() == people_before
    view.undo_stack.redo()
    assert record(cohort, cohort.sanne).mentor["name"] == "Dr. Q. Nieuw" and "Dr. Q. Nieuw" in people()
