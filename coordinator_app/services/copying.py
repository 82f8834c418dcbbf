"""`coordinator-app copy --from FILE_OR_URL --to FILE_OR_URL`: a whole database, moved in or out of team mode.

From a file: a consistent snapshot of it (SQLite's backup API, even while a window has it open),
brought to this version's schema in a private folder; the file itself is never changed. From a
server: one REPEATABLE READ transaction, so the copy is one moment of the data.

Into a file: a new file only, built under a private name and linked into place whole. Into a
server database: one set up with `server init` that holds no students yet (a restore is the way to
replace a database's students: services/server_backups.py); every row replaced in one transaction
holding the app's write lock. Either way the counts of every table are compared, source against
target, before the commit, and the target's audit trail says where the data came from; a copy that
is refused (or whose counts differ) leaves the target as it was.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.exc import DBAPIError

from coordinator_app.location import Location
from coordinator_app.services.workspace import os_user
from coordinator_app.store import copying, server
from coordinator_app.store import models as m
from coordinator_app.store.databases import open_server, read_generation
from coordinator_app.store.errors import DatabaseProblem, DatabaseReadOnly, translate
from coordinator_app.store.migrate import look_at, refusal, upgrade
from coordinator_app.store.restore import discard, prepare_copy

__all__ = ["CopyRefused", "CopyResult", "copy_database"]


class CopyRefused(DatabaseProblem):
    """The copy was not made; the message says why, and that the target is as it was."""


@dataclass(frozen=True)
class CopyResult:
    source: Location
    target: Location
    counts: dict[str, tuple[int, int]]  # table -> (rows in the source, rows in the copy)
    seconds: float

    @property
    def students(self) -> int:
        return self.counts.get("student", (0, 0))[1]


def copy_database(source: Location, target: Location, replace: bool = False) -> CopyResult:
    """Copy every row of `source` into `target` (see the module's notes). `replace`: a server target may
    already hold students (used by restore and by the tests' fixtures), else it must hold none."""
    if str(source) == str(target) or (
        source.path is not None and target.path is not None and source.path.resolve() == target.path.resolve()
    ):
        raise CopyRefused("The source and the target are the same database; nothing was copied.")
    started = time.perf_counter()
    if target.path is not None and target.path.exists():
        raise CopyRefused(
            f"{target.path} already exists; a copy goes into a new file, so nothing there is overwritten. "
            "Choose a new file name."
        )
    try:
        with _reading(source) as src:
            if target.server is not None:
                counts = _into_server(src, source, target, replace)
            else:
                counts = copying.into_new_file(src, target.file_path, audit_note(os_user(), "copy from", str(source)))
    except copying.CountsDiffer as exc:
        raise CopyRefused(
            f"The copy did not match its source ({exc}), so it was not kept; nothing was changed."
        ) from exc
    except FileExistsError as exc:
        raise CopyRefused(f"{target} appeared while copying; it was left as it is.") from exc
    except DBAPIError as exc:
        problem = translate(exc, target.path, target.server) or translate(exc, source.path, source.server)
        if problem is None:
            raise
        raise CopyRefused(f"Nothing was copied: {problem}") from exc
    return CopyResult(source, target, counts, time.perf_counter() - started)


@contextmanager
def _reading(source: Location) -> Iterator[Connection]:
    """A connection that sees one moment of the source, at this version's schema."""
    if source.server is not None:
        opened = open_server(source.server)
        try:
            with server.reader(opened.engine).connect() as conn, conn.begin():
                yield conn
        finally:
            opened.engine.dispose()
        return
    path = source.file_path
    if not path.exists():
        raise CopyRefused(f"There is no database at {path}; nothing was copied.")
    problem = refusal(path, look_at(path))
    if problem is not None:
        raise CopyRefused(f"{problem} Nothing was copied.")
    with tempfile.TemporaryDirectory(prefix="coordinator-copy-") as folder:
        prepared = prepare_copy(path, Path(folder), upgrade)
        try:
            from coordinator_app.store.engine import make_engine

            engine: Engine = make_engine(prepared)
            try:
                with engine.connect() as conn, conn.begin():
                    yield conn
            finally:
                engine.dispose()
        finally:
            discard(prepared)


def _into_server(src: Connection, source: Location, target: Location, replace: bool) -> dict[str, tuple[int, int]]:
    assert target.server is not None
    opened = open_server(target.server)
    try:
        if not opened.may_write:
            raise DatabaseReadOnly(
                f"The login {opened.login} may only read {target.name}; a copy into it needs a coordinator's "
                "login (or the one that set it up). Nothing was copied."
            )
        with server.writer(opened.engine).begin() as conn:
            students = conn.execute(select(func.count()).select_from(m.table(m.Student))).scalar_one()
            if students and not replace:
                raise CopyRefused(
                    f"{target.name} already holds {students} students; a copy goes into a database without "
                    "students, so nothing was copied. To put a copy's data back over them, use "
                    "coordinator-app restore (it keeps a copy of what is there first)."
                )
            counts = copying.replace_rows(src, conn, audit_note(opened.login or os_user(), "copy from", str(source)))
            new_generation(conn)
        return counts
    finally:
        opened.engine.dispose()


def new_generation(conn: Connection) -> int:
    """Move a server database's restore generation on (windows that had it open reload before writing)."""
    generation = read_generation(conn) + 1
    table = m.table(m.RestoreGeneration)
    from sqlalchemy import delete

    conn.execute(delete(table))
    conn.execute(insert(table).values(id=1, generation=generation))
    return generation


def audit_note(user: str, action: str, what: str, field_name: str = "source") -> Callable[[Connection], None]:
    """The audit entry a copy or restore writes into its target, in the same transaction."""

    def note(conn: Connection) -> None:
        conn.execute(
            insert(m.table(m.AuditEntry)).values(
                at=datetime.now(UTC).replace(tzinfo=None),
                os_user=user,
                action=action,
                student_id=None,
                entity="database",
                entity_id=None,
                field=field_name,
                old_value=None,
                new_value=what,
            )
        )

    return note
