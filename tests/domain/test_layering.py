"""The domain is plain Python: importing it must not pull in Qt or SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts a Python of its own

ROOT = Path(__file__).resolve().parents[2]

CHECK = (
    "import coordinator_app.domain.student, coordinator_app.domain.programme, sys; "
    "assert not any(m.startswith(('PySide6','sqlalchemy')) for m in sys.modules)"
)


def test_domain_imports_no_qt_or_sqlalchemy() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_every_domain_module_imports_no_qt_or_sqlalchemy() -> None:
    modules = sorted(p.stem for p in (ROOT / "coordinator_app" / "domain").glob("*.py") if p.stem != "__init__")
    assert {"grades", "marks", "internships", "programme", "student"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('coordinator_app.domain.' + name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'sqlalchemy', 'alembic', 'openpyxl')))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_check_can_fail() -> None:
    # the same check with a module that does import SQLAlchemy must fail, so the test above means something
    check = "import sqlalchemy, sys; " + CHECK.split("; ", 1)[1]
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
