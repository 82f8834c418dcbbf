"""The documents' tests: PDFs written to tmp_path and read back as text (pypdf, in the test extras)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _one_application(qapp: object, tmp_path: Path) -> Iterator[None]:
    """pytest-qt's QApplication, made before a document needs Qt's fonts: otherwise `ensure_gui` would
    make a QGuiApplication, and the window's tests after these in the same run would find no QApplication.
    And private settings (the coordinator's name the certificate is signed with), as the window's tests have."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield
