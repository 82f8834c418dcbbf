"""Spreadsheet test helpers: a small demo database and a fingerprint that proves nothing was written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import built_once, copy_database

TODAY = date(2025, 11, 24)  # the same fixed 'today' as tests/conftest.py

TABLES = ("student", "cohort", "course_result", "portfolio_item", "audit_entry", "internship", "mentor_meeting")


def fingerprint(ws) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """Row count and a checksum of every row per table: equal fingerprints = nothing changed."""
    out = {}
    with ws.engine.connect() as conn:
        for table in TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            out[table] = (len(rows), hash(tuple(map(tuple, rows))))
    return out


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo of 120 students (both programmes, every stage) as of TODAY, built once per session."""
    from coordinator_app.services.demo import build_demo

    return built_once(tmp_path_factory, "demo.sqlite", lambda path: build_demo(path, students=120, seed=3, as_of=TODAY))


@pytest.fixture(scope="session")
def small_demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo of 60 students (seed 2) as of 24 November 2025, built once per session."""
    from coordinator_app.services.demo import build_demo

    return built_once(tmp_path_factory, "demo.sqlite", lambda path: build_demo(path, students=60, seed=2, as_of=TODAY))


@pytest.fixture
def small_demo(tmp_path: Path, small_demo_database: Path) -> Path:
    """A copy of the 60-student demo, in the test's folder (the command line opens it by its path)."""
    return copy_database(small_demo_database, tmp_path / "demo.sqlite")


@pytest.fixture
def demo_workspace(make_workspace, demo_database: Path):  # type: ignore[no-untyped-def]
    """A copy of the demo database, opened as a coordinator opens an existing file; 'today' fixed."""
    return make_workspace("demo.sqlite", copy_of=demo_database, daily_backup=True)


@pytest.fixture
def fingerprint_of() -> Callable:  # type: ignore[type-arg]
    return fingerprint
