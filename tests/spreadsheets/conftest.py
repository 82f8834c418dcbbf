"""Spreadsheet test helpers: a small demo database and a fingerprint that proves nothing was written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from datetime import date

TODAY = date(2025, 11, 24)   # the same fixed 'today' as tests/conftest.py

TABLES = ("student", "cohort", "course_result", "portfolio_item", "audit_entry", "internship", "mentor_meeting")


def fingerprint(ws) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """Row count and a checksum of every row per table: equal fingerprints = nothing changed."""
    out = {}
    with ws.engine.connect() as conn:
        for table in TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            out[table] = (len(rows), hash(tuple(map(tuple, rows))))
    return out


@pytest.fixture
def demo_workspace(tmp_path: Path, programmes):  # type: ignore[no-untyped-def]
    """A demo database of 120 students (both programmes, every stage), 'today' fixed."""
    from coordinator_app.services.demo import build_demo
    from coordinator_app.services.workspace import Workspace

    path = tmp_path / "demo.sqlite"
    build_demo(path, students=120, seed=3, as_of=TODAY)
    ws = Workspace.open(path, programmes)
    ws.today = TODAY
    yield ws
    ws.close()


@pytest.fixture
def fingerprint_of() -> Callable:  # type: ignore[type-arg]
    return fingerprint
