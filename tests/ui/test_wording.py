"""Words a coordinator understands on the record tabs and in the import/export dialogs:
counts in the right number, history in local time, refusals that name the tick box."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from coordinator_app.services.courses import record_grade
from coordinator_app.services.internships import update_internship
from coordinator_app.services.students import update_student
from coordinator_app.store import models as m
from coordinator_app.ui.record.base import counted
from coordinator_app.ui.record.history import WHAT
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


def _open(window: Any, student_id: int, tab: str) -> Any:
    window.open_student(student_id, tab)
    assert window.record_pane.view.student_id == student_id
    return window.record_pane.view.pages[tab]


def test_counted_says_one_course_and_two_courses() -> None:
    assert counted(1, "compulsory course") == "1 compulsory course"
    assert counted(0, "compulsory course") == "0 compulsory courses"
    assert counted(2, "blocker") == "2 blockers"
    assert counted(1_200, "student") == "1,200 students"
    assert counted(3, "analysis", "analyses") == "3 analyses"


def test_one_compulsory_course_passed_is_singular(window: Any, cohort: Cohort) -> None:
    record_grade(cohort.ws, cohort.sanne, "PM-PERS", "7")
    text = _open(window, cohort.sanne, "courses").ec_label.text()
    assert "1 compulsory course passed" in text and "(s)" not in text


def test_graduation_blockers_are_counted_without_s_in_brackets(window: Any, cohort: Cohort) -> None:
    text = _open(window, cohort.daan, "graduation").ready.text()
    assert "Not ready:" in text and "(s)" not in text
    assert "blocker" in text


@pytest.fixture
def amsterdam_time() -> Iterator[None]:
    """This computer in Amsterdam (UTC+1 in November) for one test."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Amsterdam"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_history_shows_local_time_not_utc(window: Any, cohort: Cohort, amsterdam_time: None) -> None:
    page = _open(window, cohort.anouk, "history")
    with cohort.ws.read() as s:
        stored = list(s.scalars(select(m.AuditEntry.at).where(m.AuditEntry.student_id == cohort.anouk)))
    assert stored and all(at.tzinfo is None for at in stored)  # naive UTC in the database
    shown = {page.table.item(r, 0).text() for r in range(page.table.rowCount())}
    assert shown == {f"{at + timedelta(hours=1):%d-%m-%Y %H:%M}" for at in stored}
    assert "UTC" not in page.note.text()


def test_history_names_each_field_as_the_record_form_does(window: Any, cohort: Cohort) -> None:
    ws = cohort.ws
    update_student(ws, cohort.anouk, email="anouk.devries@student.vu.nl", tuition_paid="yes")
    update_internship(ws, cohort.anouk, "major", approval_status="requested")
    update_student(ws, cohort.lars, year1_university="Uppsala")

    def what(student_id: int) -> set[str]:
        page = _open(window, student_id, "history")
        return {page.table.item(r, WHAT).text() for r in range(page.table.rowCount())}

    anouk = what(cohort.anouk)
    assert {"e-mail", "tuition paid", "major approval"} <= anouk  # not "email", "major approval status"
    assert "university of year 1" in what(cohort.lars)  # not "year1 university"
    assert not any("_" in text for text in anouk)


def test_local_time_leaves_an_aware_time_its_moment() -> None:

    from coordinator_app.ui.record.history import local_time

    aware = datetime(2025, 11, 24, 9, 30, tzinfo=UTC)
    assert local_time(aware) == aware and local_time(aware.replace(tzinfo=None)) == aware


def test_refused_import_names_the_tick_box(window: Any, qtbot: Any, cohort: Cohort, tmp_path: Any) -> None:
    from coordinator_app.ui.exchange import ImportDialog

    source = tmp_path / "new.csv"
    source.write_text(
        "Student number,First name,Surname,Programme,Cohort\n2766666,Eva,Smit,PM,2025\n12,Bad,Number,PM,2025\n", "utf-8"
    )
    dialog = ImportDialog(window, cohort.ws, window.session.jobs)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(source))
    dialog.check()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    dialog.apply()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=10000)
    text = dialog.error.text()
    assert text.startswith("Nothing was imported")
    assert text.endswith(
        "Correct the file, or tick 'Import the accepted rows and skip the refused ones' and press Import again."
    )
    assert dialog.skip.text() in text


def test_export_of_one_listed_student_is_singular(window: Any, qtbot: Any, cohort: Cohort) -> None:
    from coordinator_app.ui.exchange import ExportDialog

    dialog = ExportDialog(window, cohort.ws, window.session.jobs, None, None, [cohort.anouk])
    qtbot.addWidget(dialog)
    assert dialog.listed.text() == "Only the 1 student now in the list"
