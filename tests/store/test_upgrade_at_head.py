"""A database at the latest schema is not migrated again: a restore's copy is upgraded only when it is
older, and Alembic is not even loaded for one that is not (~50 ms of processor time a restore)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command

from coordinator_app.store.engine import make_engine
from coordinator_app.store.migrate import current_revision, head_revision, stored_revision, upgrade
from tests.conftest import copy_database

pytestmark = pytest.mark.sqlite_only  # about a file the app migrates; the server is set up by `server init`


def test_a_database_at_head_is_left_alone(
    tmp_path: Path, blank_database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(copy_database(blank_database, tmp_path / "at-head.sqlite"))
    try:
        assert stored_revision(engine) == head_revision()

        def migrate(*args: Any, **kwargs: Any) -> None:
            raise AssertionError("a database at the latest schema was migrated again")

        monkeypatch.setattr(command, "upgrade", migrate)
        upgrade(engine)
    finally:
        engine.dispose()


def test_an_older_or_new_database_is_migrated_to_head(tmp_path: Path) -> None:
    older = make_engine(tmp_path / "older.sqlite")
    new = make_engine(tmp_path / "new.sqlite")
    try:
        assert stored_revision(new) is None  # no alembic_version table at all
        upgrade(older, "0001")
        assert stored_revision(older) == "0001"
        for engine in (older, new):
            upgrade(engine)
            assert stored_revision(engine) == current_revision(engine) == head_revision()
    finally:
        older.dispose()
        new.dispose()
