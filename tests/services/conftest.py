"""Fixtures for the use-case tests: every one runs on SQLite and on PostgreSQL (tests/engines.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest

from coordinator_app.services.workspace import Workspace
from tests.engines import both_engines
from tests.services.service_helpers import snapshot_db


@pytest.fixture
def make_workspace(
    request: pytest.FixtureRequest, make_workspace: Callable[..., Any], engine_kind: str, programmes: dict[str, Any]
) -> Iterator[Callable[..., Any]]:
    """The test-wide make_workspace, on SQLite and then on a server database."""
    yield from both_engines(request, make_workspace, engine_kind, programmes)


@pytest.fixture
def unchanged(workspace: Workspace) -> Callable[[], AbstractContextManager[None]]:
    """`with unchanged():` asserts the block wrote nothing at all to the database."""

    @contextmanager
    def check() -> Iterator[None]:
        before = snapshot_db(workspace)
        yield
        assert snapshot_db(workspace) == before

    return check
