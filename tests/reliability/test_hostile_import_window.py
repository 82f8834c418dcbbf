"""The window's import dialog given a file that used to abort the whole process (issue 11 item 7:
"SIGABRT, in the window too"). Run in its own process, so that on a reader that still aborts
this test fails instead of taking the test run down with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

DIALOG = r"""
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from coordinator_app.services.workspace import Workspace
from coordinator_app.ui.exchange import ImportDialog
from coordinator_app.ui.jobs import JobRunner

app = QApplication([])
ws = Workspace.open(Path(sys.argv[1]), daily_backup=False)
dialog = ImportDialog(None, ws, JobRunner(app))
dialog.path.setText(sys.argv[2])
dialog.show()
dialog.check()
deadline = 600
while dialog.error.isHidden() and dialog.preview is None and deadline:
    app.processEvents()
    import time; time.sleep(0.05); deadline -= 1
print("ERROR:" + dialog.error.text())
print("BUTTON:" + str(dialog.check_button.isEnabled()))
ws.close()
"""


@pytest.mark.slow
def test_the_import_dialog_shows_the_refusal_and_the_window_lives_on(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Student number", "First name", "Surname"])
    wb.active["XFD1048576"] = "x"
    far = tmp_path / "far.xlsx"
    wb.save(far)
    from coordinator_app.services.workspace import Workspace

    db = tmp_path / "db.sqlite"
    Workspace.open(db, daily_backup=False).close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run(
        [sys.executable, "-c", DIALOG, str(db), str(far)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines() if line.startswith(("ERROR:", "BUTTON:")))
    assert "reaches row 1,048,576 (cell XFD1048576)" in lines["ERROR"]
    assert lines["BUTTON"] == "True"  # the coordinator can choose another file
