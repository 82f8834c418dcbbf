"""The audit entries a write added, counted as they are added, so that its end need not read them back.

At the end of every write the workspace needs the edited record's version (its newest audit entry) and
the newest entry of all (services/workspace.write: the change feed leaves this window's own entries
out, and the next save of the record is based on this one). On SQLite both used to be read with one
more statement under the write lock; that statement was ~5 % of an edit's own work (issue 12,
docs/performance.md). Under the write lock nobody else adds an entry, so both are known from the
entries this write added itself, when each of them was added through `Workspace.audit`
(`entry_added`). An entry added any other way (a bulk insert of an import's entries, an ORM
object) makes the write's end read them as before (`entries_added_elsewhere`); the ORM's are noticed
by a mapper event, the bulk insert says so itself (services/bulk_write.py).

`CHECK_AGAINST_THE_DATABASE` (the test suite turns it on) reads them at every write all the same
and fails when the two differ: every write the tests make checks that no way of adding an entry was
missed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Mapper, Session, object_session

from coordinator_app.store import models as m
from coordinator_app.store.databases import WriteStart, is_server, write_end

CHECK_AGAINST_THE_DATABASE = False

_ADDED = "workspace: the audit entries this write added"


@dataclass
class AddedEntries:
    newest: int = 0  # the newest entry this write added (0: none)
    newest_of: dict[int, int] = field(default_factory=dict)  # per student: the newest entry added
    all_known: bool = True  # False: one was added in another way, so the ids above may not be the newest


def _added(session: Session) -> AddedEntries:
    added: AddedEntries | None = session.info.get(_ADDED)
    if added is None:
        added = session.info[_ADDED] = AddedEntries()
    return added


def entry_added(session: Session, entry_id: int, student_id: int | None) -> None:
    """`Workspace.audit` added this entry in the session's write."""
    added = _added(session)
    added.newest = entry_id
    if student_id is not None:
        added.newest_of[student_id] = entry_id


def entries_added_elsewhere(session: Session) -> None:
    """Entries were added in this write without `entry_added`: the write's end reads them."""
    _added(session).all_known = False


def versions_at_end(conn: Connection, session: Session, edited: int | None, start: WriteStart) -> tuple[int, int]:
    """(The edited record's version, the newest entry) at the end of the write, before its commit: from
    those at its start and the entries it added, else read (store/databases.write_end; on a server
    always, where that round trip also tells the other windows)."""
    worked_out = None if is_server(conn) else _worked_out(session, edited, start)
    if worked_out is not None and not CHECK_AGAINST_THE_DATABASE:
        return worked_out
    held = write_end(conn, edited)
    if worked_out is not None and worked_out != held:
        raise AssertionError(f"audit entries worked out as {worked_out}, the database holds {held}")
    return held


def _worked_out(session: Session, edited: int | None, start: WriteStart) -> tuple[int, int] | None:
    added: AddedEntries | None = session.info.get(_ADDED)
    if added is None:
        return start.version, start.newest
    if not added.all_known:
        return None
    version = start.version if edited is None else added.newest_of.get(edited, start.version)
    return version, added.newest or start.newest


@event.listens_for(m.AuditEntry, "after_insert")
def _added_as_an_object(_mapper: Mapper[Any], _conn: Connection, entry: m.AuditEntry) -> None:
    session = object_session(entry)
    if session is not None:
        entries_added_elsewhere(session)
