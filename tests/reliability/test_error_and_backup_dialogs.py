"""The calm error dialog, the global exception hook, and File > Back up now / Restore from backup."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from coordinator_app import logging_setup
from coordinator_app.domain.errors import DomainError
from coordinator_app.services.backups import back_up_now as service_back_up_now
from coordinator_app.services.students import NewStudent, add_student, count_students
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.errors import (
    BUSY_MESSAGE,
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseFull,
    DatabaseGone,
    DatabaseReadOnly,
)
from coordinator_app.ui import backup_dialog, errors


def _raised(exc: BaseException) -> tuple[type[BaseException], BaseException, object]:
    try:
        raise exc
    except BaseException:
        return sys.exc_info()  # type: ignore[return-value]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[errors.Problem]:
    """Stand in for the coordinator: record every problem dialog instead of blocking on it."""
    problems: list[errors.Problem] = []
    monkeypatch.setattr(
        errors.ProblemDialog, "show_problem", classmethod(lambda cls, problem, parent=None: problems.append(problem))
    )
    return problems


@pytest.mark.parametrize(
    "exc, title",
    [
        (DatabaseBusy(BUSY_MESSAGE), "The database is busy"),
        (DatabaseReadOnly("The database file x is read-only."), "The database cannot be saved to"),
        (DatabaseFull("The disk is full."), "The disk is full"),
        (DatabaseGone("The database file x can no longer be reached."), "The database can no longer be reached"),
        (DatabaseCorrupt("The database file x is damaged."), "The database file is damaged"),
        (sqlite3.OperationalError("database or disk is full"), "The disk is full"),
        (DomainError("'7,55' is not a grade.", "grade"), "This cannot be saved"),
    ],
)
def test_known_problems_get_their_own_words(exc: BaseException, title: str) -> None:
    problem = errors.describe(*_raised(exc))  # type: ignore[arg-type]
    assert problem.title == title and not problem.is_bug
    assert problem.what_to_do and problem.what_happened
    assert "Traceback" not in problem.what_happened + problem.what_to_do


# The offscreen platform (tests only) cannot resize a shown dialog to its hints and says so.
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_a_bug_gets_a_calm_message_and_details_without_the_message(qtbot) -> None:  # type: ignore[no-untyped-def]
    problem = errors.describe(*_raised(KeyError("Anouk de Vries")))  # type: ignore[arg-type]
    assert problem.is_bug and problem.title == "Something went wrong"
    assert "saved work is safe" in problem.what_happened
    assert "KeyError" in problem.details and "Anouk" not in problem.details
    assert "test_error_and_backup_dialogs.py" in problem.details  # where it happened, for the maintainer

    dialog = errors.ProblemDialog(problem)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Something went wrong"
    assert dialog.what_happened.text() == problem.what_happened
    assert not dialog.details.isVisible()  # no traceback on sight
    dialog.show_details_button.click()
    assert dialog.details.isVisible() and "KeyError" in dialog.details.toPlainText()
    dialog.copy_button.click()
    assert "KeyError" in QGuiApplication.clipboard().text()


def test_the_hook_logs_and_shows_the_dialog(qapp: QApplication, tmp_path: Path, shown: list[errors.Problem]) -> None:
    log_path = logging_setup.setup_logging(tmp_path / "logs")
    hook = errors.install_exception_hook()
    try:
        assert sys.excepthook is hook
        sys.excepthook(*_raised(DatabaseBusy(BUSY_MESSAGE)))
        sys.excepthook(*_raised(ZeroDivisionError("division by zero")))
    finally:
        hook.uninstall()
        logging_setup.shutdown_logging()
    assert sys.excepthook is not hook
    assert [p.title for p in shown] == ["The database is busy", "Something went wrong"]
    text = log_path.read_text(encoding="utf-8")
    assert "DatabaseBusy" in text and "ZeroDivisionError" in text and "unexpected error" in text


def test_an_error_in_a_worker_thread_is_shown_on_the_gui_thread(
    qapp: QApplication,
    qtbot,  # type: ignore[no-untyped-def]
    shown: list[errors.Problem],
) -> None:
    hook = errors.install_exception_hook()
    seen_on: list[threading.Thread] = []
    original = errors.ProblemDialog.show_problem

    def record(cls, problem, parent=None):  # type: ignore[no-untyped-def]
        seen_on.append(threading.current_thread())
        original(problem, parent)

    errors.ProblemDialog.show_problem = classmethod(record)  # type: ignore[method-assign, assignment]
    try:
        worker = threading.Thread(target=lambda: 1 / 0)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(shown) == 1)
    finally:
        hook.uninstall()
        logging_setup.shutdown_logging()
    assert seen_on == [threading.main_thread()]
    assert shown[0].is_bug


@pytest.fixture
def ws(make_workspace: Any):  # type: ignore[no-untyped-def]
    ws = make_workspace(
        "coordinator.sqlite", today=None
    )  # a copy of the blank database built once (tests/conftest.py), not a new one
    for i in range(3):
        add_student(ws, NewStudent("PM", 2024, f"29{i:05d}", f"Student{i}", "Bakker"))
    yield ws
    ws.close()


def test_back_up_now_from_the_menu(qapp: QApplication, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(backup_dialog, "inform", lambda parent, title, text: told.append(text))
    info = backup_dialog.back_up_now(None, ws)
    assert info is not None and info.path.exists() and info.students == 3
    assert "3 students" in told[0] and str(info.path) in told[0]


def test_back_up_now_on_a_vanished_drive_shows_the_calm_message(
    qapp: QApplication, ws: Workspace, tmp_path: Path, shown: list[errors.Problem]
) -> None:
    ws.path.rename(tmp_path / "elsewhere.sqlite")
    assert backup_dialog.back_up_now(None, ws) is None
    assert shown and shown[0].title == "The database can no longer be reached"


def test_restore_dialog_lists_copies_with_date_kind_and_student_count(qtbot, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    first = service_back_up_now(ws)
    add_student(ws, NewStudent("PM", 2024, "2999999", "Later", "Student"))
    second = service_back_up_now(ws)
    broken = first.path.with_name(first.path.name.replace("manual", "daily"))
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # damaged copy: listed, not choosable
    dialog = backup_dialog.RestoreDialog(ws)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    rows = {dialog.table.item(r, 1).text(): r for r in range(3)}
    assert dialog.table.item(rows["made by hand"], 2).text() in ("3", "4")
    students = sorted(dialog.table.item(r, 2).text() for r in range(3))
    assert students == ["3", "4", "unreadable"]
    assert dialog.restore_button.isEnabled()  # newest usable copy preselected
    assert dialog.table.item(rows["daily (automatic)"], 0).flags() == Qt.ItemFlag.NoItemFlags
    dialog.table.selectRow(next(r for r in range(3) if dialog.table.item(r, 2).text() == "3"))
    dialog.restore_button.click()
    assert dialog.chosen is not None and dialog.chosen.path == first.path
    assert second.path.exists()


def test_restore_from_backup_asks_confirms_and_restores(
    qapp: QApplication, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = service_back_up_now(ws)
    add_student(ws, NewStudent("PM", 2024, "2999999", "Later", "Student"))
    told: list[str] = []
    questions: list[str] = []
    monkeypatch.setattr(backup_dialog.RestoreDialog, "ask", classmethod(lambda cls, parent, w: copy))
    monkeypatch.setattr(backup_dialog, "confirm", lambda parent, title, text: questions.append(text) or True)
    monkeypatch.setattr(backup_dialog, "inform", lambda parent, title, text: told.append(text))
    result = backup_dialog.restore_from_backup(None, ws)
    assert result is not None and count_students(ws) == 3
    assert "3 students" in questions[0] and "backup first" in questions[0]
    assert "3 students" in told[0] and result.safety_copy is not None and result.safety_copy.name in told[0]


def test_restore_cancelled_at_the_question_changes_nothing(
    qapp: QApplication, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = service_back_up_now(ws)
    add_student(ws, NewStudent("PM", 2024, "2999999", "Later", "Student"))
    monkeypatch.setattr(backup_dialog.RestoreDialog, "ask", classmethod(lambda cls, parent, w: copy))
    monkeypatch.setattr(backup_dialog, "confirm", lambda parent, title, text: False)
    assert backup_dialog.restore_from_backup(None, ws) is None
    assert count_students(ws) == 4
