"""An empty database of each kind, for the migration tests (their steps: tests/store/migrating.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from coordinator_app.store.engine import make_engine
from coordinator_app.store.server import make_server_engine
from tests.engines import SQLITE, PostgresServer


@pytest.fixture
def empty(tmp_path: Path, engine_kind: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty database of each kind: a new SQLite file, a new server database."""
    if engine_kind == SQLITE:
        engine = make_engine(tmp_path / "empty.sqlite")
        yield engine
        engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.empty_database()
    address = server.location(name).server
    assert address is not None
    engine = make_server_engine(address)
    try:
        yield engine
    finally:
        engine.dispose()
        server.drop(name)
