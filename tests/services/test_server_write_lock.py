"""The app's write lock on a server (store/server.py), now taken in one round trip with BEGIN and the first
reads: a colleague holding it makes a save wait at most the busy timeout, then say "busy" with nothing
written; once it is free the save goes through and sees the colleague's commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from coordinator_app.services.errors import DatabaseBusy, RecordChanged
from coordinator_app.services.record_versions import editing
from coordinator_app.services.record_view import load_record
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.server import WRITE_LOCK_KEY, make_server_engine
from tests.engines import PostgresServer
from tests.services.service_helpers import add_pm, snapshot_db

pytestmark = pytest.mark.slow


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[Any]:
    name = postgres_server.new_database("lock")
    yield postgres_server.location(name)
    postgres_server.drop(name)


def test_a_save_waits_out_a_held_lock_then_says_busy_and_writes_nothing(database: Any, programmes: Any) -> None:
    anna = Workspace.open(database, programmes)
    sid = add_pm(anna)
    ben = Workspace(database, make_server_engine(database.server, busy_timeout_ms=300), programmes, user="ben")
    ben.generation = ben.current_generation()
    try:
        with psycopg.connect(database.server.url(with_password=False)) as colleague:
            colleague.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")  # a colleague's long save
            before = snapshot_db(anna)
            with pytest.raises(DatabaseBusy):
                update_student(ben, sid, notes="Ben's note")
            assert snapshot_db(anna) == before
            version = load_record(ben, sid).version
            colleague.execute("UPDATE student SET notes = 'written under the lock' WHERE id = %s", (sid,))
            colleague.execute(
                "INSERT INTO audit_entry (at, os_user, action, student_id, entity, entity_id, field, old_value, "
                "new_value) VALUES (now(), 'anna', 'change student', %s, 'student', %s, 'notes', '', 'x')",
                (sid, sid),
            )
        # The colleague committed (leaving the block) while Ben's window still showed the older record:
        # Ben's next save is refused, so the reads under the lock saw that commit.
        with pytest.raises(RecordChanged), editing(sid, version):
            update_student(ben, sid, notes="Ben's note")
        update_student(ben, sid, notes="Ben's note")
        assert load_record(anna, sid).student["notes"] == "Ben's note"
    finally:
        ben.close()
        anna.close()
