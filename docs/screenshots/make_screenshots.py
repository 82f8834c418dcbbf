"""Regenerate the screenshots in this folder: `.venv/bin/python docs/screenshots/make_screenshots.py`.

A 300-student demo database (as of 24-11-2025), the window at 1366x768 (the smallest screen the
layout is made for), offscreen; settings in a temporary folder so your own are not touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="coordinator-shots-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(TMP / "config")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
AS_OF = date(2025, 11, 24)


def main() -> None:
    from coordinator_app.services.demo import build_demo
    from coordinator_app.services.student_list import student_rows
    from coordinator_app.ui.app import apply_style, make_application
    from coordinator_app.ui.exchange import ExportDialog, ImportDialog
    from coordinator_app.ui.icons import icon
    from coordinator_app.ui.main_window import MainWindow

    db = TMP / "demo.sqlite"
    build_demo(db, students=300, as_of=AS_OF)
    app = make_application(["screenshots"])
    app.setWindowIcon(icon("app"))
    apply_style(app)
    out = Path(__file__).resolve().parent
    window = MainWindow(db, today=AS_OF)
    window.resize(1366, 768)
    window.show()
    while not window.is_ready or window.attention_loaded == 0:
        app.processEvents()
    window.jobs.wait()

    def shot(name: str, widget: object = None) -> None:
        app.processEvents()
        (widget or window).grab().save(str(out / name))  # type: ignore[attr-defined]
        print("saved", out / name)

    shot("main_window.png")
    rows = student_rows(window.ws)  # type: ignore[arg-type]
    pm = next(r for r in rows if r.programme == "PM" and r.cohort == 2024 and r.stage == "major" and r.status == "active")
    imim = next(r for r in rows if r.programme == "IMIM" and r.cohort == 2024 and r.status == "active")
    for tab in ("overview", "courses", "internships", "literature", "academic_core", "graduation", "history"):
        window.open_student(pm.id, tab)
        if tab == "internships":
            window.record_view.pages["internships"].show_kind("major")  # type: ignore[union-attr, attr-defined]
        shot(f"pm_{tab}.png")
    for tab in ("overview", "courses", "imim", "graduation"):
        window.open_student(imim.id, tab)
        shot(f"imim_{tab}.png")
    window.show_page(0)
    shot("attention.png")
    dialog = ExportDialog(window, window.ws, window.jobs, "PM", 2024, None)  # type: ignore[arg-type]
    dialog.show()
    shot("export_dialog.png", dialog)
    dialog.close()
    dialog = ImportDialog(window, window.ws, window.jobs)  # type: ignore[arg-type]
    dialog.show()
    shot("import_dialog.png", dialog)
    dialog.close()
    from coordinator_app.services.deadlines import set_deadline
    from coordinator_app.services.students import remove_student
    from coordinator_app.ui.deadlines_dialog import DeadlinesDialog
    from coordinator_app.ui.removed_students import RemovedStudentsDialog

    set_deadline(window.ws, "PM", 2026, 1, date(2026, 1, 9))  # type: ignore[arg-type]
    dialog = DeadlinesDialog(window.ws, window.undo_stack, window._schedule_changed,  # type: ignore[arg-type]
                             window._undo_failed, window, "PM", (2026, 1))
    dialog.show()
    shot("deadlines_dialog.png", dialog)
    dialog.close()
    for row in [r for r in rows if r.status == "active"][:3]:
        remove_student(window.ws, row.id)  # type: ignore[arg-type]
    dialog = RemovedStudentsDialog(window.ws, window.undo_stack, window._student_placed,  # type: ignore[arg-type]
                                   window._undo_failed, window)
    dialog.show()
    shot("removed_students.png", dialog)
    dialog.close()
    window.close()


if __name__ == "__main__":
    main()
