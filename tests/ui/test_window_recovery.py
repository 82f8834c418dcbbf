"""The window (issue 11, items 1-4): an empty or damaged database gets an error screen from which
a backup is restored (not "Start empty"); a restore elsewhere makes the window reload and refuse
its pending edit; a failed daily backup shows in the status bar."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from coordinator_app.services.backups import back_up_now, restore_backup
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.ui import backup_dialog
from coordinator_app.ui.dialogs import FirstStart
from coordinator_app.ui.open_failed import OpenFailedPanel
from tests.reliability.process_helpers import query
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def saved_with_backup(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "coordinator.sqlite"
    ws = Workspace.open(path)
    for i in range(4):
        add_student(ws, NewStudent("PM", 2024, f"22{i:05d}", f"Window{i}", "Bos"))
    copy = back_up_now(ws).path
    ws.close()
    return path, copy


def _window(qtbot: Any, path: Path, programmes: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from coordinator_app.ui.main_window import MainWindow

    asked: list[Path] = []
    monkeypatch.setattr(FirstStart, "ask", classmethod(lambda cls, parent, p, demo: asked.append(p)))
    win = MainWindow(path, today=TODAY, programmes=programmes)
    win.first_start_asked = asked
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    return win


def _stand_in(monkeypatch: pytest.MonkeyPatch, copy: Path) -> list[str]:
    """The coordinator picks `copy` in the restore list and says yes; returns the questions asked."""
    from coordinator_app.services.backups import inspect_backup

    questions: list[str] = []
    monkeypatch.setattr(
        backup_dialog.RestoreDialog, "ask", classmethod(lambda cls, parent, target: inspect_backup(copy))
    )
    monkeypatch.setattr(backup_dialog, "confirm", lambda parent, title, text: questions.append(text) or True)
    monkeypatch.setattr(backup_dialog, "inform", lambda parent, title, text: questions.append(text))
    return questions


@pytest.mark.parametrize("spoil", ["empty", "damaged"])
@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_an_unusable_database_gets_an_error_screen_that_restores_the_newest_backup(
    qtbot: Any, programmes: Any, monkeypatch: pytest.MonkeyPatch, saved_with_backup: tuple[Path, Path], spoil: str
) -> None:
    path, copy = saved_with_backup
    if spoil == "empty":
        for side in ("-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
        path.write_bytes(b"")
    else:
        con = sqlite3.connect(path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        roots = [r[0] for r in con.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'student'")]
        con.close()
        with path.open("r+b") as handle:
            for root in roots:
                handle.seek((root - 1) * 4096)
                handle.write(b"\xde\xad\xbe\xef" * 1024)
    spoiled = path.read_bytes()
    win = _window(qtbot, path, programmes, monkeypatch)
    qtbot.waitUntil(lambda: win.open_failed_panel is not None, timeout=15000)
    panel = win.open_failed_panel
    assert isinstance(panel, OpenFailedPanel) and panel.isVisible()
    assert win.first_start_asked == []  # never "Start empty" over an existing file
    assert copy.name in panel.message.text()  # the newest good backup is named
    assert panel.restore_button.isVisible() and win.acts.restore.isEnabled()
    assert path.read_bytes() == spoiled

    questions = _stand_in(monkeypatch, copy)
    panel.restore_button.click()
    qtbot.waitUntil(lambda: win.is_ready and not win.session.busy, timeout=15000)
    assert "kept unchanged" in questions[0]  # the confirmation says what happens to the file
    assert win.students.model.total == 4 and win.open_failed_panel is None and win.tabs.isVisible()
    aside = list(path.parent.glob("coordinator-damaged-*.sqlite"))
    assert len(aside) == 1 and aside[0].read_bytes() == spoiled


@pytest.mark.slow
def test_a_restore_elsewhere_reloads_the_window_and_refuses_its_pending_edit(
    window: Any, qtbot: Any, cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = back_up_now(cohort.ws).path
    extra = add_student(cohort.ws, NewStudent("PM", 2025, "2799999", "Added", "Later"))
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    window.session.reload()
    qtbot.waitUntil(lambda: window.students.model.total == 5 and not window.session.busy, timeout=10000)
    window.open_student(cohort.daan, "overview")
    page = window.record_pane.view.pages["overview"]
    first = page.form.editors["first_name"]
    first.selectAll()
    qtbot.keyClicks(first, "Daniel")  # typed, not saved yet ...
    restore_backup(window.session.path, copy)  # ... when a colleague restores the backup
    before = query(window.session.path, "SELECT first_name FROM student ORDER BY id")
    qtbot.keyClick(first, Qt.Key.Key_Return)  # the pending edit
    assert "restored from a backup" in window.record_pane.view.message_text()
    assert query(window.session.path, "SELECT first_name FROM student ORDER BY id") == before  # not written
    qtbot.waitUntil(lambda: window.students.model.total == 4 and not window.session.replaced_pending, timeout=10000)
    assert window.students.model.row_of(extra) is None  # the window shows the restored data
    assert "restored from a backup" in window.statusBar().currentMessage()
    assert window.session.undo_stack.count() == 0  # no undo can write old edits into it
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    # Edits go into the restored data again, once it is what the window shows.
    first.setText("Daniel")
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert cohort.student(cohort.daan).first_name == "Daniel"


def test_an_idle_window_notices_a_restore_by_itself(window: Any, qtbot: Any, cohort: Cohort) -> None:
    copy = back_up_now(cohort.ws).path
    add_student(cohort.ws, NewStudent("PM", 2025, "2799998", "Added", "Later"))
    restore_backup(window.session.path, copy)
    window.session.replaced_watch.check_now()  # what its timer does every few seconds
    qtbot.waitUntil(lambda: "restored from a backup" in window.statusBar().currentMessage(), timeout=5000)
    qtbot.waitUntil(lambda: not window.session.replaced_pending and not window.session.busy, timeout=10000)
    assert window.students.model.total == 4
    assert not window.session.ws.was_replaced()


def test_no_backup_today_shows_in_the_status_bar(
    qtbot: Any, programmes: Any, monkeypatch: pytest.MonkeyPatch, saved_with_backup: tuple[Path, Path]
) -> None:
    path, copy = saved_with_backup
    copy.unlink()
    (path.parent / "backups").rmdir()
    (path.parent / "backups").write_text("a file where the folder should be")
    win = _window(qtbot, path, programmes, monkeypatch)
    qtbot.waitUntil(lambda: win.is_ready and not win.session.busy, timeout=15000)
    label = win.findChild(QLabel, "backupWarning")
    assert label is not None and label.isVisible() and "No backup today" in label.text()
    assert "is a file, not a folder" in label.toolTip()
    told: list[str] = []
    monkeypatch.setattr(backup_dialog, "inform", lambda parent, title, text: told.append(text))
    label.linkActivated.emit("why")
    assert told and "No backup could be made today" in told[0]
