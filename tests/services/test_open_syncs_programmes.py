"""Every open brings the programme and course tables in line with the programme definitions, and an
open that finds them in line writes nothing (no write lock taken: a colleague saving meanwhile is no
reason to fail an open, and the suite opens thousands of databases)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from coordinator_app.services.workspace import Workspace, programme_tables_match
from coordinator_app.store import models as m

pytestmark = pytest.mark.sqlite_only


def _course(ws: Workspace, code: str) -> tuple[str, int]:
    with ws.read() as s:
        return s.execute(select(m.Course.name, m.Course.ec).where(m.Course.code == code)).one()


def test_an_open_that_finds_the_tables_in_line_writes_nothing(
    make_workspace: Callable[..., Workspace], programmes: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace()
    with ws.read() as s:
        assert programme_tables_match(s, programmes)

    def no_write(self: Workspace) -> Any:
        raise AssertionError("an open with the programme tables in line wrote to the database")

    monkeypatch.setattr(Workspace, "write", no_write)
    Workspace.open(ws.path, programmes, daily_backup=False).close()


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        ("UPDATE course SET name = 'Name of an older version' WHERE code = ?", "name"),
        ("UPDATE course SET ec = ec + 1 WHERE code = ?", "ec"),
        ("UPDATE course SET component = 'elsewhere' WHERE code = ?", "component"),
        ("DELETE FROM course WHERE code = ?", "a missing course"),
    ],
)
def test_an_open_puts_a_course_that_differs_back_in_line(
    make_workspace: Callable[..., Workspace], programmes: dict[str, Any], sql: str, what: str
) -> None:
    ws = make_workspace()
    course = programmes["PM"].courses[0]
    ws.close()
    con = sqlite3.connect(ws.path)
    con.execute(sql, (course.code,))
    con.commit()
    con.close()
    reopened = Workspace.open(ws.path, programmes, daily_backup=False)
    try:
        assert _course(reopened, course.code) == (course.name, course.ec), what
        with reopened.read() as s:
            assert programme_tables_match(s, programmes)
    finally:
        reopened.close()


def test_an_open_puts_a_renamed_programme_back_in_line(
    make_workspace: Callable[..., Workspace], programmes: dict[str, Any]
) -> None:
    ws = make_workspace()
    ws.close()
    con = sqlite3.connect(ws.path)
    con.execute("UPDATE programme SET name = 'Old name' WHERE code = 'PM'")
    con.commit()
    con.close()
    reopened = Workspace.open(ws.path, programmes, daily_backup=False)
    try:
        with reopened.read() as s:
            assert s.scalar(select(m.Programme.name).where(m.Programme.code == "PM")) == programmes["PM"].name
    finally:
        reopened.close()
