"""Long work off the GUI thread, the first start, and the export/import dialogs."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QTabWidget, QToolBar

from coordinator_app.ui.jobs import Cancelled, JobRunner
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort, real_start_environment

pytestmark = OFFSCREEN_NOISE


@dataclass
class Step:
    done: int
    total: int
    message: str


def test_a_job_runs_off_the_gui_thread_and_returns_on_it(qtbot: Any) -> None:
    runner = JobRunner()
    seen: dict[str, Any] = {}

    def work() -> str:
        seen["thread"] = threading.current_thread()
        return "result"

    with qtbot.waitSignal(
        runner.run(work, lambda r: seen.setdefault("result", (r, threading.current_thread()))).ended, timeout=5000
    ):
        pass
    assert seen["thread"] is not threading.main_thread()
    assert seen["result"] == ("result", threading.main_thread())


def test_a_quick_job_shows_no_progress_dialog_a_slow_one_does_and_cancel_closes_it(qtbot: Any) -> None:
    runner = JobRunner()
    quick = runner.run(lambda: 1)
    with qtbot.waitSignal(quick.ended, timeout=5000):
        pass
    assert quick.dialog is None
    release = threading.Event()
    closed = threading.Event()
    failures: list[BaseException] = []

    def slow() -> Any:
        try:
            for n in range(1000):
                yield Step(n, 1000, f"{n} done")
                release.wait(5)  # held until the test has seen the dialog
                release.clear()
        finally:
            closed.set()  # the export removes its temp file here

    job = runner.run(slow, None, failures.append, label="Exporting", cancellable=True)
    qtbot.waitUntil(lambda: job.dialog is not None, timeout=5000)  # after ~600 ms
    assert job.dialog.labelText().startswith("Exporting")
    with qtbot.waitSignal(job.ended, timeout=5000):
        job.dialog.canceled.emit()  # the Cancel button
        release.set()
    assert closed.is_set()
    assert isinstance(failures[0], Cancelled)


def test_a_failing_job_reports_on_the_gui_thread(qtbot: Any) -> None:
    runner = JobRunner()
    failures: list[BaseException] = []

    def broken() -> None:
        raise ValueError("no")

    with qtbot.waitSignal(runner.run(broken, None, failures.append).ended, timeout=5000):
        pass
    assert isinstance(failures[0], ValueError)


@pytest.mark.parametrize("demo", [True, False])
@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_first_start_creates_the_database_and_offers_a_demo_cohort(
    qtbot: Any, tmp_path: Path, programmes: Any, monkeypatch: pytest.MonkeyPatch, demo: bool
) -> None:
    from coordinator_app.ui.dialogs import FirstStart, StartChoice
    from coordinator_app.ui.main_window import MainWindow

    asked: list[tuple[Path, Path]] = []
    choice = StartChoice.DEMO if demo else StartChoice.EMPTY
    monkeypatch.setattr(
        FirstStart, "ask", classmethod(lambda cls, parent, path, demo_path: asked.append((path, demo_path)) or choice)
    )
    path = tmp_path / "new" / "coordinator.sqlite"
    window = MainWindow(path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=30000)
    # Not the default database: a demo asked for goes into this new file itself.
    assert asked == [(path, path)] and path.exists()
    assert window.students.model.total == (200 if demo else 0)
    window.session.wait()


def test_the_window_paints_before_the_database_is_opened(qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    from coordinator_app.ui.main_window import MainWindow

    window = MainWindow(cohort.ws.path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    assert window.session.ws is None and not window.is_ready  # nothing opened while building the shell
    window.show()
    with qtbot.waitSignal(window.ready, timeout=15000):
        pass
    assert window.students.model.total == 4
    window.session.wait()


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_the_first_frame_is_the_list_and_search_box_and_the_rest_follows_without_user_action(
    qtbot: Any, cohort: Cohort, programmes: Any
) -> None:
    from coordinator_app.ui.main_window import MainWindow

    window = MainWindow(cohort.ws.path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    # Before the first paint: the search box, the list and the status bar, nothing else.
    assert (
        window.students.search.isEnabled() and window.students.view is not None and window.students.counts is not None
    )
    assert not window.is_shell_built
    assert window.findChild(QToolBar) is None and window.findChild(QMenu) is None
    assert window.findChild(QTabWidget) is None
    seen: list[str] = []
    window.first_painted.connect(lambda: seen.append("first paint"))
    window.shell_built.connect(lambda: seen.append("shell"))
    window.ready.connect(lambda: seen.append("list filled"))
    window.show()
    with qtbot.waitSignal(window.ready, timeout=15000):
        pass  # nothing clicked or typed: it builds itself
    assert seen == ["first paint", "shell", "list filled"]
    assert [a.text().replace("&", "") for a in window.menuBar().actions()] == [
        "File",
        "Edit",
        "Plan",
        "Students",
        "View",
        "Help",
    ]
    assert window.findChild(QToolBar, "mainToolbar") is not None
    assert window.splitter.widget(1) is window.tabs and window.tabs.count() == 3  # Attention, record, Dashboard
    assert window.dashboard is None  # the dashboard is built only when its tab is first opened
    assert window.acts.find.shortcut() == QKeySequence("Ctrl+F")
    assert window.acts.attention.shortcut() == QKeySequence("Ctrl+1")
    assert window.acts.record.shortcut() == QKeySequence("Ctrl+2")
    assert window.acts.open.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.students.search.isClearButtonEnabled()
    window.session.wait()


def test_typing_in_the_search_box_at_first_paint_is_applied_when_the_list_loads(
    qtbot: Any, cohort: Cohort, programmes: Any
) -> None:
    from PySide6.QtTest import QTest

    from coordinator_app.ui.main_window import MainWindow

    window = MainWindow(cohort.ws.path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    typed_before_shell: list[bool] = []

    def type_at_first_paint() -> None:
        # The first frame is on screen; menus, toolbar and panes are not built yet.
        typed_before_shell.append(not window.is_shell_built and window.session.ws is None)
        window.students.search.setFocus()
        QTest.keyClicks(window.students.search, "de ")

    window.first_painted.connect(type_at_first_paint)
    window.show()
    with qtbot.waitSignal(window.ready, timeout=15000):
        pass
    assert typed_before_shell == [True]
    assert window.students.search.text() == "de "
    shown = {window.students.model.index(r, 0).data() for r in range(window.students.model.rowCount())}
    assert shown == {"2712345", "2711111"}  # de Vries, de Jong
    assert window.students.counts.text() == "2 of 4 students shown"
    window.session.wait()


def test_a_window_closed_before_its_shell_is_built_keeps_the_saved_panes(
    qtbot: Any, cohort: Cohort, programmes: Any
) -> None:
    from PySide6.QtCore import QByteArray

    from coordinator_app.ui import settings
    from coordinator_app.ui.main_window import MainWindow

    settings.save_state("attention_header", QByteArray(b"kept"))
    window = MainWindow(cohort.ws.path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    window.close()  # never shown: no attention pane to save
    assert settings.load_state("attention_header") == b"kept"
    assert settings.load_state("students_header") is not None


def test_the_window_start_skips_the_command_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator_app import cli

    started: list[Path] = []

    def no_parser() -> None:
        raise AssertionError("the whole parser was built")

    monkeypatch.setattr(cli, "build_parser", no_parser)
    monkeypatch.setattr(cli, "cmd_gui", lambda args: started.append(cli.database_path(args)) or 0)
    monkeypatch.setenv("COORDINATOR_APP_DATA", "/data")
    assert cli.main(["--db", "x.sqlite"]) == 0
    assert cli.main(["--db=y.sqlite"]) == 0
    assert cli.main([]) == 0
    assert started == [Path("x.sqlite"), Path("y.sqlite"), Path("/data/coordinator.sqlite")]
    for argv in (["--db", "x.sqlite", "check"], ["--version"], ["--db"], ["--db", "--help"], ["check"]):
        with pytest.raises(AssertionError, match="whole parser"):
            cli.main(argv)


def test_an_exception_before_the_hook_is_installed_installs_it_and_is_handled(monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator_app.ui import app, errors

    handled: list[BaseException] = []
    before = sys.excepthook
    hooks_seen_by_install: list[Any] = []

    def fake_install() -> Any:
        hooks_seen_by_install.append(sys.excepthook)
        sys.excepthook = lambda exc_type, exc, tb: handled.append(exc)
        return sys.excepthook

    monkeypatch.setattr(errors, "install_exception_hook", fake_install)
    monkeypatch.setattr(sys, "excepthook", before)
    app._hook_exceptions_from_now_on()
    assert sys.excepthook is app._hook_on_first_use
    problem = ValueError("early")
    sys.excepthook(ValueError, problem, None)
    # The real hook was installed over the one before ours (never over the stand-in: no loop)
    # and got the exception.
    assert hooks_seen_by_install == [before]
    assert handled == [problem]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the kernel's process start time is Linux-only")
@pytest.mark.slow
def test_without_a_launcher_time_the_start_is_the_process_start() -> None:
    # A fresh process: a test worker may have lived for many minutes, so only a child's start
    # can be pinned between two clock readings.
    before = time.time()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from coordinator_app.ui.app import _process_started; print(repr(_process_started('1')))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    after = time.time()
    assert before - 0.5 <= float(done.stdout) <= after


def test_a_launchers_start_time_is_taken_as_given() -> None:
    from coordinator_app.ui.app import _process_started

    assert _process_started("1700000000.25") == 1700000000.25


@pytest.mark.slow
def test_the_real_start_reports_first_paint_shell_and_filled_list(cohort: Cohort, tmp_path: Path) -> None:
    # As a coordinator starts it (python -m coordinator_app -> cli.main -> ui.app.run).
    env = real_start_environment(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "coordinator_app", "--db", str(cohort.ws.path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    match = re.search(
        r"^coordinator-app start: first_paint=([\d.]+) shell=([\d.]+) filled=([\d.]+) "
        r"opened=([\d.]+) first_paint_cpu=([\d.]+) filled_cpu=([\d.]+) opened_cpu=([\d.]+) "
        r"early=(\d) students=4$",
        done.stdout,
        re.MULTILINE,
    )
    assert match, done.stdout + done.stderr
    first_paint, shell, filled, opened, cpu, filled_cpu, opened_cpu, early = map(float, match.groups())
    assert (
        0 < first_paint <= filled <= opened < 120 and first_paint <= shell <= opened
    )  # the shell: once the list shows
    assert 0 < cpu <= filled_cpu <= opened_cpu
    assert early == 1  # the list was read from the file before the database was opened


def test_export_dialog_writes_the_workbook_through_the_job_runner(
    window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    from coordinator_app.ui.exchange import ExportDialog

    window.students.search.setText("de ")
    ids = [window.students.model.student_id(r) for r in range(window.students.model.shown)]
    dialog = ExportDialog(window, cohort.ws, window.session.jobs, None, None, ids)
    qtbot.addWidget(dialog)
    assert dialog.listed.isChecked()
    target = tmp_path / "out.xlsx"
    dialog.target.setText(str(target))
    with qtbot.waitSignal(dialog.accepted, timeout=30000):
        dialog.start()
    assert dialog.saved == target and target.exists()
    assert not list(tmp_path.glob("*.part"))


def test_the_status_bar_says_what_was_saved_and_keeps_saying_a_workbook_is_too_large_to_come_back(
    window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer

    from coordinator_app.spreadsheets import app_workbook
    from coordinator_app.ui.exchange import ExportDialog

    def export_to(target: Path) -> Path | None:
        def start() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, ExportDialog)
            dialog.target.setText(str(target))
            dialog.start()

        QTimer.singleShot(0, start)
        return ExportDialog.ask(window, cohort.ws, window.session.jobs, None, None, None)

    assert export_to(tmp_path / "small.xlsx") == tmp_path / "small.xlsx"
    said = window.statusBar().currentMessage()
    assert said.startswith("Saved ") and said.endswith(f"students to {tmp_path / 'small.xlsx'}")
    monkeypatch.setattr(app_workbook, "MAX_BACK_ROWS", 5)  # the ledger of this cohort has more rows
    assert export_to(tmp_path / "big.xlsx") == tmp_path / "big.xlsx"
    said = window.statusBar().currentMessage()
    assert "big.xlsx (too large to import back into the app" in said and "export one cohort" in said


def test_export_into_a_missing_folder_shows_the_message(
    window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    from coordinator_app.ui.exchange import ExportDialog

    dialog = ExportDialog(window, cohort.ws, window.session.jobs, None, None, None)
    qtbot.addWidget(dialog)
    dialog.target.setText(str(tmp_path / "nowhere" / "out.xlsx"))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=10000)
    assert "does not exist" in dialog.error.text()


def test_import_dialog_checks_then_imports(window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path) -> None:
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
    assert dialog.refusals.rowCount() == 1
    dialog.skip.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.apply()
    assert dialog.result.added == 1
    QApplication.processEvents()


def test_the_import_dialog_keeps_its_rejected_signal(qtbot: Any, cohort: Cohort) -> None:
    """The table of refused rows once shadowed QDialog.rejected: Cancel's signal was gone from Python."""
    from coordinator_app.ui.exchange import ImportDialog

    dialog = ImportDialog(None, cohort.ws, JobRunner())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        dialog.reject()


def test_export_dialog_sets_status_as_of_and_names_the_file(
    window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path
) -> None:
    """As `export --as-of` does: the statuses are worked out for the chosen day, and the proposed
    file name says what is in it and that day."""
    import openpyxl
    from PySide6.QtCore import QDate

    from coordinator_app.ui.exchange import ExportDialog

    dialog = ExportDialog(window, cohort.ws, window.session.jobs, "PM", 2024, None)
    qtbot.addWidget(dialog)
    assert Path(dialog.target.text()) == Path.home() / "PM cohort 2024-2025 (2025-11-24).xlsx"
    assert dialog.as_of.date() == QDate(2025, 11, 24) and dialog.as_of_note.text() == "today"
    dialog.as_of.setDate(QDate(2025, 6, 30))
    assert Path(dialog.target.text()).name == "PM cohort 2024-2025 (2025-06-30).xlsx"
    assert dialog.as_of_note.text() == "Monday; today is 24-11-2025"
    target = tmp_path / "mine.xlsx"
    dialog.target.setText(str(target))
    dialog.as_of.setDate(QDate(2025, 7, 1))
    assert dialog.target.text() == str(target)  # a name the coordinator typed stays
    with qtbot.waitSignal(dialog.accepted, timeout=30000):
        dialog.start()
    custom = {p.name: p.value for p in openpyxl.load_workbook(target).custom_doc_props.props}
    assert custom["As of"] == "2025-07-01"


def test_export_dialog_lists_the_sheets_of_the_programme(window: Any, qtbot: Any, cohort: Cohort) -> None:
    from coordinator_app.ui.exchange import ExportDialog

    imim = ExportDialog(window, cohort.ws, window.session.jobs, "IMIM", None, None)
    qtbot.addWidget(imim)
    texts = [label.text() for label in imim.findChildren(QLabel)]
    assert "Sheets: Overview, Courses, Attention, Dashboard." in texts
    assert Path(imim.target.text()).name == "IMIM all cohorts (2025-11-24).xlsx"
