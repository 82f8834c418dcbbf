"""The documents from the window (issue 15): File > Save report as PDF, Print report (Ctrl+P),
Attendance certificate and Reports for the list, each made in the job runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coordinator_app.services.students import update_student
from coordinator_app.ui.pdf_actions import BatchChoice
from tests.pdf.pdfs import pdf_text
from tests.ui.conftest import OFFSCREEN_NOISE, Cohort

pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What the window says in a message box, without stopping the test at a modal dialog."""
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "coordinator_app.ui.pdf_actions.QMessageBox.information",
        lambda _parent, title, text: said.append((title, text)),
    )
    return said


def test_the_file_menu_offers_the_documents(window: Any) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    for text in ("Save report as &PDF…", "&Print report…", "Attendance &certificate…", "&Reports for the list…"):
        assert text in texts
    assert window.acts.documents.print.shortcut().toString() == "Ctrl+P"


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_save_the_open_record_as_pdf(window: Any, cohort: Cohort, qtbot: Any, tmp_path: Path) -> None:
    window.open_student(cohort.anouk)
    target = tmp_path / "anouk.pdf"
    window.acts.documents.save_report(target)
    qtbot.waitUntil(lambda: target.exists() and not window.session.busy, timeout=15000)
    text = pdf_text(target)
    assert "Progress report: Anouk de Vries" in text and "Medical Imaging" in text
    assert window.statusBar().currentMessage() == f"Saved the progress report of 2712345 Anouk de Vries in {target}."


def test_print_paints_the_report_on_the_printer(window: Any, cohort: Cohort, qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    window.open_student(cohort.lars)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a printer that prints to a file, to read back
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    window.acts.documents.print_report(printer)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Printed"), timeout=15000)
    assert "Bench to Bedside and Back" in pdf_text(tmp_path / "printed.pdf")


def test_a_certificate_is_refused_with_the_reason_for_an_active_student(
    window: Any, cohort: Cohort, qtbot: Any, tmp_path: Path, told: list[tuple[str, str]]
) -> None:
    window.open_student(cohort.anouk)
    window.acts.documents.make_certificate(tmp_path / "c.pdf", "Marieke Smit")
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert told[0][0] == "No attendance certificate" and "this student is still active" in told[0][1]
    assert not (tmp_path / "c.pdf").exists()


def test_a_certificate_for_a_student_who_stopped(window: Any, cohort: Cohort, qtbot: Any, tmp_path: Path) -> None:
    update_student(cohort.ws, cohort.anouk, status="stopped")
    # Saved beside the window, as a colleague's save: once the window has said so, its status line is
    # free for the certificate's message (said later, it overwrote it in a loaded CI run).
    qtbot.waitUntil(lambda: "saved changes to 1 student" in window.statusBar().currentMessage(), timeout=10000)
    window.open_student(cohort.anouk)
    target = tmp_path / "c.pdf"
    window.acts.documents.make_certificate(target, "Marieke Smit")
    qtbot.waitUntil(lambda: target.exists() and not window.session.busy, timeout=15000)
    text = pdf_text(target)
    assert "Attendance certificate" in text and "Anouk de Vries" in text and "Total 24" in text
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Saved the attendance certificate of Anouk de Vries: 4 components, 24 EC")
    )
    from coordinator_app.pdf.settings import coordinator_name

    assert coordinator_name() == "Marieke Smit"  # remembered for the next one


@pytest.mark.slow  # four reports in one PDF: over a second of processor time
def test_reports_for_everyone_in_one_pdf(window: Any, qtbot: Any, tmp_path: Path) -> None:
    target = tmp_path / "all.pdf"
    window.acts.documents.reports_for_list(BatchChoice(only_listed=False, one_pdf=True, target=target))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Saved"), timeout=20000)
    text = pdf_text(target)
    for name in ("Anouk de Vries", "Daan Bakker", "Sanne de Jong", "Lars Eriksson"):
        assert f"Progress report: {name}" in text
    assert window.statusBar().currentMessage() == f"Saved 4 progress reports in {target}."


def test_the_overview_of_a_student_who_stopped_offers_the_certificate(
    window: Any, cohort: Cohort, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.open_student(cohort.daan)
    overview = window.record_pane.view.pages["overview"]
    assert overview.certificate.isHidden()  # active: nothing offered
    update_student(cohort.ws, cohort.daan, status="stopped")
    window.record_pane.view.reload()
    assert not overview.certificate.isHidden()
    assert overview.certificate.text() == (
        "No attendance certificate: An attendance certificate needs at least 2 courses passed; "
        "this student has passed none."
    )
    update_student(cohort.ws, cohort.anouk, status="stopped")
    window.open_student(cohort.anouk)
    assert "make the attendance certificate…</a> (4 components completed, 24 EC)" in overview.certificate.text()
    asked: list[bool] = []
    monkeypatch.setattr(window.acts.documents, "make_certificate", lambda: asked.append(True))
    overview.certificate.linkActivated.emit("certificate")
    assert asked == [True]


def test_a_certificate_without_a_name_asks_for_it_in_the_one_settings_dialog(
    window: Any, cohort: Cohort, qtbot: Any, tmp_path: Path, told: list[tuple[str, str]]
) -> None:
    """The name that signs the certificate is Edit > Settings' "Your name", the one the reminders use:
    a first certificate opens that dialog, and what is saved there signs this and every later one."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from coordinator_app.pdf.settings import coordinator_name
    from coordinator_app.ui import settings as saved
    from coordinator_app.ui.settings_dialog import SettingsDialog

    update_student(cohort.ws, cohort.anouk, status="stopped")
    window.open_student(cohort.anouk)
    seen: list[str] = []

    def fill(cancel: bool, tries: int = 200) -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()]
        if not shown:
            if tries:  # the dialog opens after the record was read in a job
                QTimer.singleShot(50, lambda: fill(cancel, tries - 1))
            return
        dialog = shown[0]
        seen.append(dialog.why.text())
        if cancel:
            dialog.reject()
            return
        # Nothing may raise in here: the dialog would stay open and the test wait for ever.
        seen.append("focus on the name" if dialog.focusWidget() is dialog.name else "focus elsewhere")
        qtbot.keyClicks(dialog.name, "Marieke  Smit")
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    target = tmp_path / "c.pdf"
    QTimer.singleShot(50, lambda: fill(cancel=True))
    window.acts.documents.make_certificate(target)
    qtbot.waitUntil(lambda: len(seen) == 1 and not window.session.busy, timeout=15000)
    qtbot.wait(200)
    assert not target.exists() and coordinator_name() == ""  # cancelled: nothing written, nothing kept
    assert "signed by the programme coordinator" in seen[0]

    QTimer.singleShot(50, lambda: fill(cancel=False))
    window.acts.documents.make_certificate(target)
    qtbot.waitUntil(lambda: target.exists() and not window.session.busy, timeout=15000)
    assert seen[2] == "focus on the name"  # typing goes straight into it
    assert "Marieke Smit" in pdf_text(target)
    assert coordinator_name() == "Marieke Smit" and saved.sender()[0] == "Marieke Smit"  # one name for both


def test_the_name_set_in_earlier_versions_is_kept(window: Any) -> None:
    """Before there was one setting, the certificate kept its own name: it is read until Settings saves one."""
    from coordinator_app.pdf.settings import coordinator_name, set_coordinator_name
    from coordinator_app.ui import settings as saved

    saved.settings().setValue("documents/coordinator_name", "Marieke  Smit")
    assert coordinator_name() == "Marieke Smit" and saved.sender()[0] == "Marieke Smit"
    set_coordinator_name("")  # cleared in Settings: stays cleared
    assert coordinator_name() == ""
