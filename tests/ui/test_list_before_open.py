"""At start the student list is read straight from the file (no SQLAlchemy yet) and shown, searchable,
while the database is opened; once it is open the rows stand if nothing changed, else are read again."""

from __future__ import annotations

import sqlite3
from typing import Any

from coordinator_app.services.students import update_student
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

pytestmark = OFFSCREEN_NOISE


def _window(qtbot: Any, cohort: Cohort, programmes: Any) -> Any:
    from coordinator_app.ui.main_window import MainWindow

    win = MainWindow(cohort.ws.path, today=TODAY, programmes=programmes)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    return win


def test_the_list_shows_and_searches_before_the_database_is_open(qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    win = _window(qtbot, cohort, programmes)
    seen: dict[str, Any] = {}

    def shown() -> None:
        seen["open"] = win.session.ws is not None
        win.students.search.setText("eriksson")
        seen["found"] = [win.students.model.student_id(r) for r in range(win.students.model.shown)]
        win.students.search.setText("")

    win.list_shown.connect(shown)
    with qtbot.waitSignal(win.ready, timeout=20000):
        win.show()
    assert seen == {"open": False, "found": [cohort.lars]}
    assert win.students.model.total == 4 and win.is_ready
    # The rows read from the file stood: the model still has the texts it made then.
    assert win.students.model.texts(win.students.model._position[cohort.anouk])[1] == "de Vries, Anouk"
    win.session.wait(10000)


def test_a_change_before_the_database_opens_is_read_again(qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    win = _window(qtbot, cohort, programmes)
    # A colleague saves between the list read from the file and the open: the list follows.
    win.list_shown.connect(lambda: update_student(cohort.ws, cohort.anouk, last_name="Jansen"))
    with qtbot.waitSignal(win.ready, timeout=20000):
        win.show()
    assert win.students.model.student(cohort.anouk).last_name == "Jansen"
    win.session.wait(10000)


def test_rows_of_a_file_that_does_not_open_are_not_left_shown(qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    with sqlite3.connect(cohort.ws.path) as db:  # made by a newer version of the app
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    cohort.ws.close()
    win = _window(qtbot, cohort, programmes)
    with qtbot.waitSignal(win.database_failed, timeout=20000):
        win.show()
    assert win.list_is_shown  # the rows were shown first,
    assert win.students.model.total == 0 and not win.students.view.isEnabled()  # then taken away
    win.session.wait(10000)
