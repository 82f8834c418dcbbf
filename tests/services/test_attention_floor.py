"""The attention benchmark's floor (benchmarks/attention_floor.py) returns the app's items, blockers included.

The benchmark's ratio only means something if both sides do the same work: the same items, with
the same words, due dates, urgencies and graduation blockers, on every day and window asked.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks.attention_floor import attention_floor
from coordinator_app.domain.attention import AttentionItem
from coordinator_app.services import students, verdicts
from coordinator_app.services.attention import attention_items
from coordinator_app.services.demo import build_demo
from coordinator_app.services.workspace import Workspace
from tests.conftest import TODAY

pytestmark = pytest.mark.slow  # a 400-student demo database and the list worked out several times


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("floor") / "demo.sqlite"
    build_demo(path, students=400, seed=5, as_of=TODAY)
    return path


@pytest.fixture
def ws(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    # The floor reads the stored verdicts: the app's list stores every one it works out here (in use
    # it stores them once there are KEEP_FROM, and works out the few others again at each refresh).
    monkeypatch.setattr(verdicts, "KEEP_FROM", 1)
    shutil.copy(demo_path, tmp_path / "demo.sqlite")
    opened = Workspace.open(tmp_path / "demo.sqlite", daily_backup=False)
    opened.today = TODAY
    yield opened
    opened.close()


def _as_floor(items: list[AttentionItem]) -> list[tuple[object, ...]]:
    return [(i.due, i.student_number, i.component, i.what, i.urgency.value, i.student_id) for i in items]


def _floor(ws: Workspace, day: object, within: int) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"file:{ws.path}?mode=ro", uri=True)
    try:
        return list(attention_floor(con, ws.programmes, day, within))  # type: ignore[arg-type]
    finally:
        con.close()


@pytest.mark.parametrize("days_on, within", [(0, 14), (0, 60), (-120, 30), (45, 14)])
def test_the_floor_lists_the_items_of_the_app(ws: Workspace, days_on: int, within: int) -> None:
    day = TODAY + timedelta(days=days_on)
    app = _as_floor(attention_items(ws, day, within))  # first: it stores the verdicts the floor reads
    assert any(c == "Graduation" and "not ready" in w for _d, _n, c, w, _u, _s in app), "no graduation blockers"
    assert len({row[2] for row in app}) >= 4, "too few kinds of item to compare"
    assert _floor(ws, day, within) == app


def test_the_floor_follows_edits_and_removals(ws: Workspace) -> None:
    before = _as_floor(attention_items(ws, TODAY))
    listed = sorted({row[5] for row in before})
    students.remove_student(ws, listed[0])
    students.update_student(ws, listed[1], tuition_paid=False)
    after = _as_floor(attention_items(ws, TODAY))
    assert after != before
    assert all(row[5] != listed[0] for row in after)
    assert _floor(ws, TODAY, 14) == after


@pytest.fixture(scope="module")
def server_ws(demo_path: Path, postgres_server: Any, programmes: dict[str, Any]) -> Iterator[Workspace]:
    """The same demo, copied onto a server database (as a team moves in: `copy`)."""
    from coordinator_app.location import Location
    from coordinator_app.services.copying import copy_database
    from coordinator_app.services.server_setup import init_server

    name = postgres_server.empty_database("floor")
    location = postgres_server.location(name)
    init_server(location.server)
    copy_database(Location.file(demo_path), location)
    opened = Workspace.open(location, programmes)
    opened.today = TODAY
    yield opened
    opened.close()
    postgres_server.drop(name)


@pytest.mark.parametrize("days_on, within", [(0, 14), (-120, 30)])
def test_the_server_floor_lists_the_items_of_the_app(
    server_ws: Workspace, days_on: int, within: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setattr(verdicts, "KEEP_FROM", 1)  # as in `ws`: the floor reads the stored verdicts

    day = TODAY + timedelta(days=days_on)
    app = _as_floor(attention_items(server_ws, day, within))
    assert any(c == "Graduation" and "not ready" in w for _d, _n, c, w, _u, _s in app), "no graduation blockers"
    assert server_ws.location.server is not None
    with psycopg.connect(server_ws.location.server.url(with_password=False)) as con:
        assert attention_floor(con, server_ws.programmes, day, within) == app
