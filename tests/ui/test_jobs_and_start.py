"""Long work off the GUI thread, the first start, and the export/import dialogs."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from coordinator_app.ui.jobs import Cancelled, JobRunner
from tests.ui.conftest import OFFSCREEN_NOISE, TODAY, Cohort

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

    with qtbot.waitSignal(runner.run(work, lambda r: seen.setdefault("result", (r, threading.current_thread())))
                          .ended, timeout=5000):
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
                release.wait(5)            # held until the test has seen the dialog
                release.clear()
        finally:
            closed.set()                   # the export removes its temp file here

    job = runner.run(slow, None, failures.append, label="Exporting", cancellable=True)
    qtbot.waitUntil(lambda: job.dialog is not None, timeout=5000)        # after ~600 ms
    assert job.dialog.labelText().startswith("Exporting")
    with qtbot.waitSignal(job.ended, timeout=5000):
        job.dialog.canceled.emit()        # the Cancel button
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
def test_first_start_creates_the_database_and_offers_a_demo_cohort(qtbot: Any, tmp_path: Path, programmes: Any,
                                                                   monkeypatch: pytest.MonkeyPatch, demo: bool) -> None:
    from coordinator_app.ui.dialogs import FirstStart
    from coordinator_app.ui.main_window import MainWindow

    asked: list[Path] = []
    monkeypatch.setattr(FirstStart, "ask", classmethod(lambda cls, parent, path: asked.append(path) or demo))
    path = tmp_path / "new" / "coordinator.sqlite"
    window = MainWindow(path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.is_ready, timeout=30000)
    assert asked == [path] and path.exists()
    assert window.model.total == (200 if demo else 0)
    window.jobs.wait()


def test_the_window_paints_before_the_database_is_opened(qtbot: Any, cohort: Cohort, programmes: Any) -> None:
    from coordinator_app.ui.main_window import MainWindow

    window = MainWindow(cohort.ws.path, today=TODAY, programmes=programmes)
    qtbot.addWidget(window)
    assert window.ws is None and not window.is_ready        # nothing opened while building the shell
    window.show()
    with qtbot.waitSignal(window.ready, timeout=15000):
        pass
    assert window.model.total == 4
    window.jobs.wait()


def test_export_dialog_writes_the_workbook_through_the_job_runner(window: Any, qtbot: Any, cohort: Cohort,
                                                                 tmp_path: Path) -> None:
    from coordinator_app.ui.exchange import ExportDialog

    window.search.setText("de ")
    ids = [window.model.student_id(r) for r in range(window.model.shown)]
    dialog = ExportDialog(window, cohort.ws, window.jobs, None, None, ids)
    qtbot.addWidget(dialog)
    assert dialog.listed.isChecked()
    target = tmp_path / "out.xlsx"
    dialog.target.setText(str(target))
    with qtbot.waitSignal(dialog.accepted, timeout=30000):
        dialog.start()
    assert dialog.saved == target and target.exists()
    assert not list(tmp_path.glob("*.part"))


def test_export_into_a_missing_folder_shows_the_message(window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path) -> None:
    from coordinator_app.ui.exchange import ExportDialog

    dialog = ExportDialog(window, cohort.ws, window.jobs, None, None, None)
    qtbot.addWidget(dialog)
    dialog.target.setText(str(tmp_path / "nowhere" / "out.xlsx"))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=10000)
    assert "does not exist" in dialog.error.text()


def test_import_dialog_checks_then_imports(window: Any, qtbot: Any, cohort: Cohort, tmp_path: Path) -> None:
    from coordinator_app.ui.exchange import ImportDialog

    source = tmp_path / "new.csv"
    source.write_text("Student number,First name,Surname,Programme,Cohort\n2766666,Eva,Smit,PM,2025\n"
                      "12,Bad,Number,PM,2025\n", "utf-8")
    dialog = ImportDialog(window, cohort.ws, window.jobs)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(source))
    dialog.check()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert dialog.rejected.rowCount() == 1
    dialog.skip.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.apply()
    assert dialog.result.added == 1
    QApplication.processEvents()
