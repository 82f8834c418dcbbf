"""The ORM session of a coordinator's write (services/workspace.Workspace.write), kept per connection."""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from coordinator_app.store.sessions import StoreSession

_WRITE_SESSION = "workspace: the session of a write on this connection"


def write_session(conn: Connection) -> Session:
    """The session of a write on `conn`, inside the write's transaction: what it flushes is committed
    with that transaction (store/databases.commit, before the session is closed), and rolled back with
    it on an error. One is kept per connection (`Connection.info` lasts as long as the sqlite3 or psycopg
    connection) and made ready again by `release` after each write: making a new one was ~20 us of a
    ~350 us edit (docs/performance.md, "Issue 12: one edit"). Plain calls, not a context manager: the
    workspace's write holds the try/finally (a context manager's own work was ~2 us of an edit)."""
    session = conn.info.get(_WRITE_SESSION)
    if session is None or session.bind is not conn:
        session = conn.info[_WRITE_SESSION] = StoreSession(
            bind=conn, expire_on_commit=False, join_transaction_mode="rollback_only"
        )
    return session


def release(session: Session) -> None:
    """At the end of the write, whatever happened: nothing is held from one write to the next (no
    object, no mark in `info`). A write that ran only Core statements (a grade, a field) left nothing to
    close (~2 us of its Python, issue 12)."""
    if session.in_transaction() or session.identity_map or session.new or session.deleted:
        session.close()
    session.info.clear()
