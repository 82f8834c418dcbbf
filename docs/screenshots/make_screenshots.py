"""Regenerate the screenshots in this folder: `.venv/bin/python docs/screenshots/make_screenshots.py [FOLDER]`.

A 300-student demo database (as of 24-11-2025), the window at 1366x768 (the smallest screen the
layout is made for), offscreen; settings in a temporary folder so your own are not touched.
The window runs in its own event loop (`app.exec()`): each step is a timer callback that
acts as the coordinator would, waits until the window's jobs are done and it has painted,
then grabs it, as a coordinator would see it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

TMP = Path(tempfile.mkdtemp(prefix="coordinator-shots-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(TMP / "config")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
AS_OF = date(2025, 11, 24)
SETTLE_MS = 150  # after the jobs are done: a few frames for the last repaint


def main(out: Path) -> int:
    from PySide6.QtCore import QTimer

    from coordinator_app.services.demo import build_demo
    from coordinator_app.services.student_list import student_rows
    from coordinator_app.ui.app import apply_style, make_application
    from coordinator_app.ui.exchange import ExportDialog, ImportDialog
    from coordinator_app.ui.icons import icon
    from coordinator_app.ui.main_window import ATTENTION_TAB, DASHBOARD_TAB, MainWindow

    db = TMP / "demo.sqlite"
    build_demo(db, students=300, as_of=AS_OF)
    app = make_application(["screenshots"])
    app.setWindowIcon(icon("app"))
    apply_style(app)
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(db, today=AS_OF)
    window.resize(1366, 768)
    dialogs: list[object] = []

    def shot(name: str, widget: object = None) -> None:
        (widget or window).grab().save(str(out / name))  # type: ignore[attr-defined]
        print("saved", out / name)

    def record(student: Callable[[], int], tab: str, kind: str | None = None) -> Callable[[], None]:
        def act() -> None:
            window.open_student(student(), tab)
            if kind:
                page = window.record_pane.view.pages["internships"]  # type: ignore[union-attr]
                page.inner.setCurrentIndex(list(page.panels).index(kind))  # type: ignore[attr-defined]  # its tab clicked

        return act

    def dialog(make: Callable[[], object]) -> Callable[[], None]:
        def act() -> None:
            d = make()
            dialogs.append(d)
            d.show()  # type: ignore[attr-defined]

        return act

    picked: dict[str, int] = {}

    def pick() -> None:
        rows = student_rows(window.session.ws)  # type: ignore[arg-type]
        picked["pm"] = next(
            r.id
            for r in rows
            if r.programme == "PM" and r.cohort == 2024 and r.stage == "major" and r.status == "active"
        )
        picked["imim"] = next(r.id for r in rows if r.programme == "IMIM" and r.cohort == 2024 and r.status == "active")

    # (what to do, the file to save or None, the widget to grab: None = the window, or the last dialog)
    steps: list[tuple[Callable[[], None], str | None, bool]] = [(pick, "main_window.png", False)]
    for tab in ("overview", "courses", "internships", "literature", "academic_core", "graduation"):
        steps.append(
            (record(lambda: picked["pm"], tab, "major" if tab == "internships" else None), f"pm_{tab}.png", False)
        )

    def type_into(field: str, text: str) -> None:
        """As a coordinator edits the major internship: type, then leave the field (undoable)."""
        panel = window.record_pane.view.pages["internships"].panels["major"]  # type: ignore[union-attr, attr-defined]
        editor = next(form.editors[field] for form in panel.forms if field in form.editors)
        editor.setText(text)
        editor.editingFinished.emit()

    # Two edits for the History tab (and the Undo button, whose label stays short).
    steps.append((record(lambda: picked["pm"], "internships", "major"), None, False))
    steps.append((lambda: type_into("start_date", "27-10-2025"), None, False))
    steps.append(
        (lambda: type_into("topic", "Radiomics of lung nodules in early-stage non-small-cell lung cancer"), None, False)
    )
    steps.append((record(lambda: picked["pm"], "history"), "pm_history.png", False))
    for tab in ("overview", "courses", "imim", "graduation"):
        steps.append((record(lambda: picked["imim"], tab), f"imim_{tab}.png", False))
    steps.append((lambda: window.show_tab(ATTENTION_TAB), "attention.png", False))

    def dashboard() -> None:
        """PM's 2024-2025 cohort on the Dashboard tab (built as the tab is first opened)."""
        for box, value in ((window.students.programme_box, "PM"), (window.students.cohort_box, 2024)):
            box.setCurrentIndex(box.findData(value))
            box.activated.emit(box.currentIndex())
        window.show_tab(DASHBOARD_TAB)

    def all_programmes() -> None:
        for box in (window.students.programme_box, window.students.cohort_box):
            box.setCurrentIndex(0)
            box.activated.emit(0)

    steps.append((dashboard, "dashboard.png", False))
    steps.append((all_programmes, None, False))
    steps.append(
        (
            dialog(lambda: ExportDialog(window, window.session.ws, window.session.jobs, "PM", 2024, None)),  # type: ignore[arg-type]
            "export_dialog.png",
            True,
        )
    )
    steps.append((lambda: dialogs.pop().close(), None, False))  # type: ignore[attr-defined]
    steps.append(
        (
            dialog(lambda: ImportDialog(window, window.session.ws, window.session.jobs)),  # type: ignore[arg-type]
            "import_dialog.png",
            True,
        )
    )
    steps.append((lambda: dialogs.pop().close(), None, False))  # type: ignore[attr-defined]

    def deadlines() -> object:
        from coordinator_app.services.deadlines import set_deadline
        from coordinator_app.ui.deadlines_dialog import DeadlinesDialog

        set_deadline(window.session.ws, "PM", 2026, 1, date(2026, 1, 9))  # type: ignore[arg-type]
        return DeadlinesDialog(window.session, window.session.ws, window, "PM", (2026, 1))  # type: ignore[arg-type]

    def removed() -> object:
        from coordinator_app.services.students import remove_student
        from coordinator_app.ui.removed_students import RemovedStudentsDialog

        rows = student_rows(window.session.ws)  # type: ignore[arg-type]
        for row in [r for r in rows if r.status == "active"][:3]:
            remove_student(window.session.ws, row.id)  # type: ignore[arg-type]
        return RemovedStudentsDialog(window.session, window.session.ws, window)  # type: ignore[arg-type]

    steps.append((dialog(deadlines), "deadlines_dialog.png", True))
    steps.append((lambda: dialogs.pop().close(), None, False))  # type: ignore[attr-defined]
    steps.append((dialog(removed), "removed_students.png", True))
    steps.append((lambda: dialogs.pop().close(), None, False))  # type: ignore[attr-defined]

    # Issue 18: the registers, documents, Allocate and the what-if planner.
    def attach_demo_document() -> None:
        from coordinator_app.services.attachments import attach

        view = window.record_pane.view
        panel = view.pages["internships"].panels["major"]  # type: ignore[union-attr, attr-defined]
        item = next(i for i in panel.portfolio.items if "List of Agreements" in i.name)
        signed = TMP / "List of Agreements (signed).pdf"
        signed.write_bytes(b"%PDF-1.4\n" + b"0" * 180_000)
        attach(window.session.ws, picked["pm"], "portfolio_item", item.id, signed, True)  # type: ignore[arg-type]
        window.session.reload()

    def select_agreements() -> None:
        panel = window.record_pane.view.pages["internships"].panels["major"]  # type: ignore[union-attr, attr-defined]
        row = next(r for r, i in enumerate(panel.portfolio.items) if "List of Agreements" in i.name)
        panel.portfolio.table.selectRow(row)

    steps.append((record(lambda: picked["pm"], "internships", "major"), None, False))
    steps.append((attach_demo_document, None, False))
    steps.append((select_agreements, "pm_internship_documents.png", False))

    def registers() -> object:
        from coordinator_app.ui.registers_dialog import RegistersDialog

        dialog = RegistersDialog(window.session, window.session.ws, window, "hosts")  # type: ignore[arg-type]
        dialog.resize(1300, 700)
        return dialog

    def allocate() -> object:
        from coordinator_app.ui.allocate_dialog import AllocateDialog

        return AllocateDialog(window.session, window.session.ws, window, "PM")  # type: ignore[arg-type]

    def what_if() -> object:
        from coordinator_app.ui.whatif_dialog import WhatIfDialog

        sid = picked["pm"]
        row = window.students.student(sid)
        name = f"{row.student_number} {row.first_name} {row.last_name}" if row else str(sid)
        return WhatIfDialog(window.session, window.session.ws, {sid: name}, window, (2026, 6))  # type: ignore[arg-type]

    def select_first_host_with_placements() -> None:
        tab = dialogs[-1].hosts  # type: ignore[attr-defined]
        row = next(r for r in range(tab.model.rowCount()) if int(tab.model.index(r, 5).data() or 0) > 1)
        tab.view.selectRow(row)

    steps.append((dialog(registers), None, True))
    steps.append((select_first_host_with_placements, "registers_hosts.png", True))
    steps.append((lambda: dialogs[-1].tabs.setCurrentIndex(0), "registers_people.png", True))  # type: ignore[attr-defined]
    steps.append((lambda: dialogs.pop().close(), None, False))  # type: ignore[attr-defined]
    steps.append((dialog(allocate), "allocate_dialog.png", True))
    steps.append((lambda: dialogs.pop().close(), None, False))  # type: ignore[attr-defined]
    steps.append((dialog(what_if), "what_if_dialog.png", True))
    steps.append((lambda: dialogs.pop().close(), None, False))  # type: ignore[attr-defined]
    steps.extend(outbox_steps(window, dialogs))
    todo = iter(steps)
    pending: dict[str, object] = {}

    def settled() -> bool:
        return window.is_ready and not window.session.busy

    def tick() -> None:
        """One step at a time: wait for the window to settle, grab what the last step showed, act again."""
        if not settled():
            QTimer.singleShot(20, tick)
            return
        if pending:
            name, on_dialog = pending.pop("name"), pending.pop("dialog")
            if name:
                shot(name, dialogs[-1] if on_dialog else None)  # type: ignore[arg-type]
        step = next(todo, None)
        if step is None:
            window.close()
            app.quit()
            return
        act, name, on_dialog = step
        act()
        pending.update(name=name, dialog=on_dialog)
        QTimer.singleShot(SETTLE_MS, tick)

    window.show()
    QTimer.singleShot(0, tick)
    return app.exec()


def outbox_steps(window: Any, dialogs: list[object]) -> list[tuple[Callable[[], None], str | None, bool]]:
    """Issue 14: lines of the attention list selected, Remind…'s review, students selected and a bulk preview."""
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QDialog

    from coordinator_app.services.bulk_actions import MarkReceived
    from coordinator_app.ui.bulk_dialogs import run_bulk
    from coordinator_app.ui.changes import Kind
    from coordinator_app.ui.main_window import ATTENTION_TAB

    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows

    def select_lines() -> None:
        window.show_tab(ATTENTION_TAB)
        table = window.attention.table
        table.clearSelection()
        for row in (0, 1, 2, 4, 5, 7):  # as with Ctrl-click
            table.selectionModel().select(table.model().index(row, 0), flags)

    def found(name: str) -> Callable[[], None]:
        return lambda: dialogs.append(window.findChild(QDialog, name))

    def close_last() -> None:
        dialogs.pop().close()  # type: ignore[attr-defined]

    def select_students() -> None:
        model = window.students.model
        window.students.select_students([model.student_id(r) for r in range(3, 11)])
        window.students.view.scrollToTop()

    def bulk_preview() -> None:
        action = MarkReceived(
            "academic_core", "cv_assignment", "CV assignment", "Academic Core", date(2025, 11, 20), AS_OF
        )
        run_bulk(window.session, window, lambda _ws: action, window.students.selected_students(), Kind.PORTFOLIO)

    return [
        (select_lines, "attention_multiselect.png", False),
        (lambda: window.attention.ask_remind(), None, False),
        (found("remindersDialog"), "reminders_dialog.png", True),
        (close_last, None, False),
        (select_students, "students_multiselect.png", False),
        (bulk_preview, None, False),
        (found("bulkPreview"), "bulk_preview.png", True),
        (close_last, None, False),
    ]


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent))
