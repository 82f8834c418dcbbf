"""Which database the window works in: a --db database is for one session, a database chosen in the
window is the one a plain start reopens, and the first start never creates or fills a database the
coordinator did not ask for."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from coordinator_app import APP_NAME
from coordinator_app.paths import default_database_path
from coordinator_app.ui import settings
from coordinator_app.ui.app import start_database
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

pytestmark = OFFSCREEN_NOISE
ROOT = Path(__file__).resolve().parents[2]


def _window(qtbot: Any, path: Path, programmes: Any) -> Any:
    from coordinator_app.ui.main_window import MainWindow

    window = MainWindow(path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    return window


def _empty_database(path: Path) -> Path:
    from coordinator_app.services.workspace import Workspace

    Workspace.open(path, daily_backup=False).close()
    return path


def _open_through_file_menu(window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    window.is_ready = False
    window.acts.open.trigger()
    qtbot.waitUntil(lambda: window.is_ready and not window.session.busy, timeout=15000)


# -- which database a start opens ------------------------------------------------------------------------
@pytest.mark.slow
def test_a_database_chosen_in_the_window_is_reopened_and_a_db_session_does_not_change_that(
    window: Any, qtbot: Any, cohort: Cohort, programmes: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window fixture was started on gui.sqlite as with --db: not what a plain start opens.
    assert start_database(default_database_path()) == default_database_path()
    chosen = _empty_database(tmp_path / "chosen.sqlite")
    _open_through_file_menu(window, qtbot, monkeypatch, chosen)
    assert window.windowTitle() == f"chosen.sqlite — {APP_NAME}"
    assert window.database_status.path_label.text() == f"Database: {chosen}"
    assert start_database(default_database_path()) == chosen.resolve()
    # A later session with --db demo.sqlite: used then, forgotten after.
    demo = _empty_database(tmp_path / "demo.sqlite")
    assert start_database(demo) == demo
    later = _window(qtbot, demo, programmes)
    later.show()
    qtbot.waitUntil(lambda: later.is_ready and not later.session.busy, timeout=15000)
    assert "this session only" in later.database_status.path_label.text()
    assert chosen.name in later.database_status.path_label.toolTip()
    later.close()
    assert start_database(default_database_path()) == chosen.resolve()
    assert settings.recent_databases()[0] == demo.resolve()  # still offered under Open recent


def test_a_db_database_opened_again_from_open_recent_becomes_the_chosen_one(
    window: Any, qtbot: Any, cohort: Cohort
) -> None:
    assert settings.chosen_database() is None
    window.acts.recent_menu.aboutToShow.emit()
    entry = next(a for a in window.acts.recent_menu.actions() if a.text() == str(cohort.ws.path.resolve()))
    window.is_ready = False
    entry.trigger()
    qtbot.waitUntil(lambda: window.is_ready and not window.session.busy, timeout=15000)
    assert start_database(default_database_path()) == cohort.ws.path.resolve()


def test_a_plain_start_opens_the_default_database_not_the_last_one_an_older_version_saved(tmp_path: Path) -> None:
    # Earlier versions saved every database the window opened, a --db demo too, as "database/last".
    demo = _empty_database(tmp_path / "demo.sqlite")
    settings.settings().setValue("database/last", str(demo))
    assert start_database(default_database_path()) == default_database_path()
    settings.remember_database(demo)
    assert start_database(default_database_path()) == demo.resolve()
    demo.unlink()  # a chosen database that is gone: back to the default
    assert start_database(default_database_path()) == default_database_path()


def _start(path: Path | None, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "coordinator_app", *(["--db", str(path)] if path else [])],
        env=dict(env, COORDINATOR_APP_REPORT_START=repr(time.time())),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    match = re.search(r"^coordinator-app start: .* students=(\d+)$", done.stdout, re.MULTILINE)
    assert match, done.stdout + done.stderr
    return match.group(1)


@pytest.mark.slow
def test_trying_the_demo_with_db_leaves_a_plain_start_on_the_default_database(cohort: Cohort, tmp_path: Path) -> None:
    # The README's "Try it" (coordinator-app --db demo.sqlite), then a plain coordinator-app.
    data = tmp_path / "data"
    data.mkdir()
    _empty_database(data / "coordinator.sqlite")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        COORDINATOR_APP_DATA=str(data),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    assert _start(cohort.ws.path, env) == "4"
    assert _start(None, env) == "0"  # the default database, not the 4 demo students


def test_the_title_names_the_database_from_the_first_frame(qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    window = _window(qtbot, cohort.ws.path, programmes)
    assert window.windowTitle() == f"gui.sqlite — {APP_NAME}"  # before the first paint
    window.show()
    qtbot.waitUntil(lambda: window.is_ready and not window.session.busy, timeout=15000)
    assert window.windowTitle() == f"gui.sqlite — {APP_NAME}"
    assert str(cohort.ws.path) in window.database_status.path_label.text()


# -- the first start ---------------------------------------------------------------------------------
def _answer_first_start(answer: Callable[[QMessageBox], None]) -> list[str]:
    """Answer the first-start dialog as the coordinator would, once it is up; returns its texts."""
    seen: list[str] = []

    def poll(tries: int = 500) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.extend([box.text(), box.informativeText(), *(b.text() for b in box.buttons())])
            answer(box)
        elif tries:
            QTimer.singleShot(20, lambda: poll(tries - 1))

    QTimer.singleShot(0, poll)
    return seen


def _key(key: Qt.Key) -> Callable[[QMessageBox], None]:
    return lambda box: QTest.keyClick(box, key)


def _button(text: str) -> Callable[[QMessageBox], None]:
    def click(box: QMessageBox) -> None:
        matching = [b for b in box.findChildren(QPushButton) if text in b.text()]
        assert len(matching) == 1, [b.text() for b in box.buttons()]
        matching[0].click()

    return click


@pytest.mark.parametrize(
    "answer", [_key(Qt.Key.Key_Escape), _button("Quit"), QMessageBox.close], ids=["Esc", "Quit", "closing the dialog"]
)
def test_leaving_the_first_start_dialog_creates_nothing_and_quits(
    qtbot: Any, tmp_path: Path, programmes: Any, answer: Callable[[QMessageBox], None]
) -> None:
    typo = tmp_path / "typo" / "Documnets" / "coordinator.sqlite"
    window = _window(qtbot, typo, programmes)
    seen = _answer_first_start(answer)
    with qtbot.waitSignal(window.start_cancelled, timeout=15000):
        window.show()
    assert str(typo) in seen[0]
    assert not (tmp_path / "typo").exists()
    assert not window.isVisible() and window.session.ws is None and not window.session.busy


def test_enter_starts_an_empty_database(qtbot: Any, tmp_path: Path, programmes: Any) -> None:
    path = tmp_path / "new" / "coordinator.sqlite"
    window = _window(qtbot, path, programmes)
    seen = _answer_first_start(_key(Qt.Key.Key_Return))
    window.show()
    qtbot.waitUntil(lambda: window.is_ready and not window.session.busy, timeout=15000)
    assert "Start empty" in seen
    assert path.exists() and window.students.model.total == 0


def test_the_demo_choice_fills_a_new_database_given_with_db(qtbot: Any, tmp_path: Path, programmes: Any) -> None:
    path = tmp_path / "try" / "demo.sqlite"
    window = _window(qtbot, path, programmes)
    seen = _answer_first_start(_button("made-up"))
    window.show()
    qtbot.waitUntil(lambda: window.is_ready and not window.session.busy, timeout=60000)
    assert "Fill it with 200 made-up demo students" in seen
    assert window.session.path == path and window.students.model.total == 200


def test_the_demo_never_goes_into_the_default_database(qtbot: Any, programmes: Any) -> None:
    default = default_database_path()
    window = _window(qtbot, default, programmes)
    seen = _answer_first_start(_button("made-up"))
    window.show()
    qtbot.waitUntil(lambda: window.is_ready and not window.session.busy, timeout=60000)
    demo = default.with_name("demo.sqlite")
    assert any("separate file, demo.sqlite" in text for text in seen)
    assert window.students.model.total == 200 and window.session.path == demo
    assert not default.exists()  # the real database is still to be started
    assert window.windowTitle() == f"demo.sqlite — {APP_NAME}"
    assert "this session only" in window.database_status.path_label.text()
    assert start_database(default) == default


ESC_AT_FIRST_START = r"""
import sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from coordinator_app import cli

def press_esc():
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        print("asked:", box.text().replace("\n", " "), flush=True)
        QTest.keyClick(box, Qt.Key.Key_Escape)
    else:
        QTimer.singleShot(20, press_esc)

QTimer.singleShot(0, press_esc)
sys.exit(cli.main(["--db", sys.argv[1]]))
"""


@pytest.mark.slow
def test_quitting_the_first_start_ends_the_app_with_exit_code_0(tmp_path: Path) -> None:
    # As a coordinator starts it (cli.main -> ui.app.run), in its own process: app.exec() ends there.
    typo = tmp_path / "typo" / "Documnets" / "coordinator.sqlite"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        COORDINATOR_APP_DATA=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    env.pop("COORDINATOR_APP_REPORT_START", None)
    env.pop("COORDINATOR_APP_QUIT_AFTER_MS", None)
    done = subprocess.run(
        [sys.executable, "-c", ESC_AT_FIRST_START, str(typo)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"asked: There is no database at: {typo}" in done.stdout
    assert not (tmp_path / "typo").exists()
