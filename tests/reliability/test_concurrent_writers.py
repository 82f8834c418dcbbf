"""Two instances on one database: two processes write at once; a held lock gives DatabaseBusy."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from coordinator_app.services.students import NewStudent, add_student, count_students, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.engine import make_engine
from coordinator_app.store.errors import DatabaseBusy
from tests.reliability.process_helpers import Child, integrity, query

EDITS_PER_PROCESS = 60
CONTESTED = 20


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    ws = Workspace.open(path)
    shared = add_student(ws, NewStudent("PM", 2024, "2700000", "Shared", "Student"))
    ws.close()
    a = Child("writers", path, 1, EDITS_PER_PROCESS, CONTESTED, shared, "first_name")
    b = Child("writers", path, 2, EDITS_PER_PROCESS, CONTESTED, shared, "last_name")
    a.wait_for("ready")
    b.wait_for("ready")
    lines = {"a": a.finish(), "b": b.finish()}

    assert integrity(path) == "ok"
    attempted = stored = 0
    for base, out in ((1, lines["a"]), (2, lines["b"])):
        added = {int(m.group(1)): int(m.group(2)) for m in (re.fullmatch(r"add (\d+) (\d+)", x) for x in out) if m}
        assert len(added) == EDITS_PER_PROCESS
        for i, sid in added.items():
            number, notes = query(path, "SELECT student_number, notes FROM student WHERE id = ?", sid)[0]
            assert number == f"6{base:02d}{i:05d}"
            assert notes == f"note {base} {i}"
            stored += 2
        shared_edits = [x for x in out if x.startswith("shared ")]
        assert len(shared_edits) == EDITS_PER_PROCESS
        attempted += 2 * EDITS_PER_PROCESS
    # Each process changed its own field of the shared student; neither overwrote the other's.
    first, last = query(path, "SELECT first_name, last_name FROM student WHERE id = ?", shared)[0]
    assert first == f"F1n{EDITS_PER_PROCESS - 1}"
    assert last == f"L2n{EDITS_PER_PROCESS - 1}"
    # A contested student number ends up in the database exactly once; one process was told "already there".
    for i in range(CONTESTED):
        won = [x for x in lines["a"] + lines["b"] if x.startswith(f"won {i} ")]
        dup = [x for x in lines["a"] + lines["b"] if x == f"dup {i}"]
        assert len(won) == 1 and len(dup) == 1
        assert query(path, "SELECT count(*) FROM student WHERE student_number = ?", f"7{i:05d}")[0][0] == 1
    busy = sum(1 for out in lines.values() for x in out if x.startswith("busy "))
    attempted += 2 * EDITS_PER_PROCESS + CONTESTED * 2
    stored += 2 * EDITS_PER_PROCESS + CONTESTED
    print(
        f"\nconcurrent writers: {attempted} edits attempted, {stored} stored, {CONTESTED} refused as duplicates, "
        f"{busy} busy retries"
    )
    assert attempted - stored == CONTESTED


@pytest.fixture
def held_write_lock(make_workspace: Any):  # type: ignore[no-untyped-def]
    """A database whose write lock another connection (another instance) holds until released."""
    ws = make_workspace(
        "locked.sqlite", today=None
    )  # a copy of the blank database built once (tests/conftest.py), not a new one
    path = ws.path
    add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries"))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    short = make_engine(path, busy_timeout_ms=200)
    ws.engine.dispose()
    ws.engine = short
    yield ws, other
    if other.in_transaction:
        other.execute("ROLLBACK")
    other.close()
    ws.close()


def test_a_write_that_cannot_get_the_lock_says_busy_and_can_be_retried(held_write_lock) -> None:  # type: ignore[no-untyped-def]
    ws, other = held_write_lock
    new = NewStudent("PM", 2024, "2799999", "Bram", "Visser")
    started = time.monotonic()
    with pytest.raises(DatabaseBusy) as caught:
        add_student(ws, new)
    waited = time.monotonic() - started
    assert 0.15 < waited < 3, waited  # waited for the busy timeout, then gave up
    message = str(caught.value)
    assert "busy" in message and "Nothing was saved" in message and "try again" in message
    assert "Traceback" not in message and "sqlite" not in message.lower()
    # Reading still works while the other instance holds the write lock (WAL).
    assert count_students(ws) == 1
    other.execute("COMMIT")
    # The coordinator's input was kept; the same call now succeeds.
    sid = add_student(ws, new)
    assert count_students(ws) == 2
    assert update_student(ws, sid, notes="retry worked") == {"notes": ""}


def test_busy_during_an_update_changes_nothing(held_write_lock) -> None:  # type: ignore[no-untyped-def]
    ws, other = held_write_lock
    with ws.read() as s:
        from sqlalchemy import select

        from coordinator_app.store import models as m

        sid = s.scalar(select(m.Student.id))
    with pytest.raises(DatabaseBusy):
        update_student(ws, sid, first_name="Changed", email="x@example.org")
    other.execute("ROLLBACK")
    assert query(ws.path, "SELECT first_name, email FROM student WHERE id = ?", sid)[0] == ("Anouk", "")
