"""Fixtures for the use-case tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from coordinator_app.services.workspace import Workspace
from tests.services.service_helpers import snapshot_db


@pytest.fixture
def unchanged(workspace: Workspace) -> Callable[[], AbstractContextManager[None]]:
    """`with unchanged():` asserts the block wrote nothing at all to the database."""

    @contextmanager
    def check() -> Iterator[None]:
        before = snapshot_db(workspace)
        yield
        assert snapshot_db(workspace) == before

    return check
