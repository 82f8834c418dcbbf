"""Backups of a server database: portable SQLite copies on the coordinator's own computer.

What a backup means on a server, and why:
- The server's own backups (pg_dump, point-in-time recovery) are its managers' work; the app does not
  copy a shared database on every coordinator's first open of the day (ten colleagues, ten copies of
  100,000 students over the network each morning). So there is no automatic daily copy of a server.
- File > Back up now and `coordinator-app backup` write a portable SQLite copy of it (the same file a
  single coordinator's database is): it can be opened, taken offline, copied back (`copy`) or restored
  anywhere. Copies go to `server-backups/<database>@<server>/` in the user data folder.
- A restore onto a server replaces every row for everyone, so it asks first (the window and the
  command line; `--yes` for a script), and first keeps the server's data as it was, as a portable
  `before-restore` copy, taken under the same write lock as the swap, so no colleague's save falls in
  between. The restore generation (the restore_generation row) moves on in the same transaction:
  every window that had the database open reloads before it writes again (DatabaseReplaced).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from coordinator_app.location import Location
from coordinator_app.paths import server_backups_dir
from coordinator_app.services.copying import CopyRefused, audit_note, copy_database, new_generation
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import copying, server
from coordinator_app.store.backup import new_backup_path
from coordinator_app.store.databases import open_server
from coordinator_app.store.errors import DatabaseProblem, DatabaseReadOnly, translate
from coordinator_app.store.migrate import upgrade
from coordinator_app.store.restore import discard, prepare_copy


def backups_folder(location: Location) -> Path:
    assert location.server is not None
    return server_backups_dir(location.server.database, location.server.host_label)


def stand_in(location: Location) -> Path:
    """The name the copies of a server database are listed under (store.backup names copies after a file)."""
    return backups_folder(location) / f"{location.stem}.sqlite"


def back_up_server(location: Location, output: Path | None = None, kind: str = "manual") -> Path:
    """A portable SQLite copy of the server database, at `output` or in its backups folder."""
    destination = output or new_backup_path(stand_in(location), kind, backups_folder(location))
    copy_database(location, Location.file(destination))
    return destination


def restore_onto_server(
    target: Workspace | Location, backup: Path, prepare: Callable[[Engine], None] = upgrade
) -> tuple[Path, int, int, float, float]:
    """Replace every row of the server database with the copy's; returns (before-restore copy, students,
    generation, seconds waited for the write lock, seconds it was held). See the module's notes. `prepare`:
    what is done to the copy first (upgraded; services/backups.prepared_for also syncs its programme tables)."""
    location = target.location if isinstance(target, Workspace) else target
    assert location.server is not None
    user = target.user if isinstance(target, Workspace) else None
    folder = backups_folder(location)
    with tempfile.TemporaryDirectory(prefix="coordinator-restore-") as work:
        prepared = prepare_copy(backup, Path(work), prepare)
        try:
            from coordinator_app.store.engine import make_engine

            source_engine = make_engine(prepared)
            opened = open_server(location.server)
            try:
                if not opened.may_write:
                    raise DatabaseReadOnly(
                        f"The login {opened.login} may only read {location.name}; a restore needs a coordinator's "
                        "login. Nothing was restored."
                    )
                safety = new_backup_path(stand_in(location), "before-restore", folder)
                asked = time.perf_counter()
                with server.writer(opened.engine).begin() as conn, source_engine.connect() as src:
                    locked = time.perf_counter()
                    copying.into_new_file(conn, safety)  # what everyone had confirmed, under the lock
                    counts = copying.replace_rows(
                        src, conn, audit_note(user or opened.login or "", "restore from backup", backup.name, "file")
                    )
                    generation = new_generation(conn)
                held = time.perf_counter() - locked
            finally:
                opened.engine.dispose()
                source_engine.dispose()
        except copying.CountsDiffer as exc:
            raise CopyRefused(f"The restore did not match the copy ({exc}); nothing was restored.") from exc
        except DBAPIError as exc:
            problem = translate(exc, None, location.server)
            if problem is None:
                raise
            raise DatabaseProblem(f"Nothing was restored: {problem}") from exc
        finally:
            discard(prepared)
    if isinstance(target, Workspace):
        target.adopt_restored(generation)
    return safety, counts.get("student", (0, 0))[1], generation, locked - asked, held
