"""SQLite engines share the dialect and its compiled statements (store/engine.py), and nothing of a
file's own: each keeps its busy timeout, its connections and its data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import column, select, table, text

from coordinator_app.store.engine import make_engine

pytestmark = pytest.mark.sqlite_only  # about SQLite engines; the server's are made elsewhere

NOTE = table("note", column("id"), column("said"))


def test_a_statement_compiled_for_one_file_is_not_compiled_again_for_another(tmp_path: Path) -> None:
    quick, patient = make_engine(tmp_path / "a.sqlite", busy_timeout_ms=200), make_engine(tmp_path / "b.sqlite")
    try:
        assert quick.dialect is patient.dialect
        cache = quick.get_execution_options()["compiled_cache"]
        assert cache is patient.get_execution_options()["compiled_cache"]
        for engine, said in ((quick, "in a"), (patient, "in b")):
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, said TEXT)"))
                conn.execute(NOTE.insert().values(said=said))
        query = select(NOTE.c.said).where(NOTE.c.id == 1)
        with quick.connect() as conn:
            assert conn.execute(query).scalar() == "in a"
        compiled = len(cache)
        with patient.connect() as conn:
            assert conn.execute(query).scalar() == "in b"  # its own file, the statement compiled once
        assert len(cache) == compiled
        with quick.connect() as a, patient.connect() as b:  # each file's own settings
            assert a.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200
            assert b.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert a.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        quick.dispose()
        patient.dispose()
