"""The audit entries a write added are counted as they are added (services/written_entries.py): the
record's version and the newest entry at the end of a write are what the database holds, whichever
way the entries went in, and the write reads them back only when it cannot know."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import func, select

from coordinator_app.domain.errors import DomainError
from coordinator_app.services import written_entries
from coordinator_app.services.courses import record_grade
from coordinator_app.services.record_versions import editing
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from tests.services.service_helpers import add_pm


@pytest.fixture
def reads_counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int | None]]:
    """The writes that read their entries back (the check the suite runs is off here: it reads always)."""
    monkeypatch.setattr(written_entries, "CHECK_AGAINST_THE_DATABASE", False)
    reads: list[int | None] = []
    real = written_entries.write_end

    def counted(conn, edited):  # type: ignore[no-untyped-def]
        reads.append(edited)
        return real(conn, edited)

    monkeypatch.setattr(written_entries, "write_end", counted)
    yield reads


def _held(ws: Workspace, sid: int) -> tuple[int, int]:
    with ws.read() as s:
        version = s.scalar(select(func.max(m.AuditEntry.id)).where(m.AuditEntry.student_id == sid)) or 0
        return int(version), int(s.scalar(select(func.max(m.AuditEntry.id))) or 0)


def test_an_edit_knows_its_entries_without_reading_them_back(workspace: Workspace, reads_counted: list) -> None:
    if workspace.engine.dialect.name != "sqlite":
        pytest.skip("a server's write end is one round trip that also tells the other windows: always read")
    sid, other = add_pm(workspace, cohort=2024), add_pm(workspace, cohort=2024, number="2700002")
    reads_counted.clear()
    with editing(sid, _held(workspace, sid)[0]):
        update_student(workspace, sid, notes="first")
        update_student(workspace, other, notes="someone else's")  # no entry of the edited record
        update_student(workspace, sid, notes="second")  # based on the first: not refused as a colleague's
    record_grade(workspace, sid, "PM-PERS", "7,5")
    assert reads_counted == []
    assert workspace.own_writes.__contains__(_held(workspace, sid)[1])


def test_entries_added_in_bulk_or_as_objects_are_read_back(workspace: Workspace, reads_counted: list) -> None:
    sid = add_pm(workspace, cohort=2024)
    reads_counted.clear()
    with workspace.write() as s:
        s.add(
            m.AuditEntry(
                at=datetime(2025, 11, 24, 9), os_user="t", action="test", student_id=sid, entity="student", field="x"
            )
        )
    assert len(reads_counted) == 1
    assert workspace.own_writes.__contains__(_held(workspace, sid)[1])


def test_a_refused_action_among_many_takes_back_its_entries_and_rows(workspace: Workspace, reads_counted: list) -> None:
    sid = add_pm(workspace, cohort=2024)
    before = _held(workspace, sid)
    reads_counted.clear()
    with workspace.together():
        with pytest.raises(ValueError), workspace.write() as s:
            workspace.audit(s, "test", "student", sid, sid, "notes", None, "gone again")
            raise ValueError("taken back")
        with pytest.raises(DomainError):  # the note is checked and audited before the status is refused
            update_student(workspace, sid, notes="never saved", status="nonsense")
        record_grade(workspace, sid, "PM-PERS", "7,5")  # and the one that goes through is kept
    with workspace.read() as s:
        assert s.scalar(select(m.Student.notes).where(m.Student.id == sid)) == ""
        entries = list(s.scalars(select(m.AuditEntry.action).where(m.AuditEntry.id > before[1])))
    assert entries == ["record grade"]
    assert len(reads_counted) == 1  # the refused actions' entries were counted: the end read them instead
