"""A restore is never half-done: the programme and course tables of the copy are brought in line with the
programme definitions as part of the restore, under its lock, not in a step after it that a colleague
saving at that moment could make fail (issue 13; main 74fd131 left it to the next open then)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from coordinator_app.services.backups import back_up_now, restore_backup
from coordinator_app.services.errors import DatabaseBusy
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_pm


def _course_name(ws: Workspace, code: str) -> str | None:
    with ws.read() as s:
        return s.scalar(select(m.Course.name).where(m.Course.code == code))


def test_the_restored_copy_comes_in_with_its_programme_tables_synced(
    make_workspace: Callable[..., Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = make_workspace()
    add_pm(ws)
    course = ws.programmes["PM"].courses[0]
    copy = back_up_now(ws)
    # A copy made by an older version, whose programme file named the course otherwise.
    con = sqlite3.connect(copy.path)
    con.execute("UPDATE course SET name = 'Name of an older version' WHERE code = ?", (course.code,))
    con.commit()
    con.close()

    def busy(self: Workspace) -> Any:  # a colleague holds the write lock just after the swap
        raise DatabaseBusy("busy")

    monkeypatch.setattr(Workspace, "sync_programmes", busy)
    result = restore_backup(ws, copy.path)
    assert result.students == 1
    assert _course_name(ws, course.code) == course.name
