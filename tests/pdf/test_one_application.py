"""A command run in-process (as the command-line tests do) leaves an application the window can use."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow  # starts a Python process
def test_a_document_made_first_leaves_an_application_with_widgets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    script = (
        "import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from pathlib import Path\n"
        "from coordinator_app.pdf.files import write_pdf\n"
        "from coordinator_app.pdf.pages import Document\n"
        f"write_pdf(Path({str(tmp_path / 'a.pdf')!r}), [Document('<p>x</p>', 'f')], 't')\n"
        "from PySide6.QtWidgets import QDialog\n"
        "QDialog().show()\n"
        "print('widgets ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "widgets ok"
