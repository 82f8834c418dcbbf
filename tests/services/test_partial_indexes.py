"""The partial indexes are partial on both engines, and the models name no PostgreSQL option: that made
every start on a file import the whole PostgreSQL dialect (~50 ms of asyncpg and asyncio)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from coordinator_app.services.workspace import Workspace

PARTIAL = {
    "ix_portfolio_open_due": "received_date IS NULL",
    "ix_portfolio_open_by_due": "received_date IS NULL",
    "ix_audit_reminder": "reminder",
}


@pytest.mark.slow
def test_the_models_do_not_import_the_postgresql_dialect() -> None:
    code = (
        "import sys; import coordinator_app.store.models, coordinator_app.services.student_list; "
        "print('sqlalchemy.dialects.postgresql' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_partial_indexes_are_partial_on_both_engines(workspace: Workspace) -> None:
    with workspace.engine.connect() as conn:
        if workspace.is_server:
            made = dict(conn.execute(text("SELECT indexname, indexdef FROM pg_indexes")).all())  # type: ignore[arg-type]
        else:
            made = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all())  # type: ignore[arg-type]
    for name, condition in PARTIAL.items():
        definition = made[name]
        assert " WHERE " in definition and condition in definition, (name, definition)
