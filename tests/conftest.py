"""Test-wide setup: Qt offscreen, a private data folder, and a factory for fresh databases."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from coordinator_app.domain.programme import Programme  # noqa: E402
from coordinator_app.domain.programme_file import load_programmes  # noqa: E402
from coordinator_app.paths import programmes_dir  # noqa: E402

TODAY = date(2025, 11, 24)   # a fixed "today" (a Monday) so due dates in tests never drift


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's real data folder or settings."""
    monkeypatch.setenv("COORDINATOR_APP_DATA", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture(scope="session")
def programmes() -> dict[str, Programme]:
    return load_programmes(programmes_dir())


@pytest.fixture
def make_workspace(tmp_path: Path, programmes: dict[str, Programme]) -> Iterator[Callable[..., object]]:
    """`make_workspace()` -> a Workspace on a new database file, its 'today' fixed to TODAY."""
    from coordinator_app.services.workspace import Workspace

    opened: list[Workspace] = []

    def factory(name: str = "test.sqlite", today: date | None = TODAY) -> Workspace:
        ws = Workspace.open(tmp_path / name, programmes)
        ws.today = today
        opened.append(ws)
        return ws

    yield factory
    for ws in opened:
        ws.close()


@pytest.fixture
def workspace(make_workspace: Callable[..., object]):  # type: ignore[no-untyped-def]
    return make_workspace()
