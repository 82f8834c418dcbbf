"""Open a database file: refuse what is not ours, empty, damaged or too new, back up, then migrate to head."""

from __future__ import annotations

import ast
import functools
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from coordinator_app.paths import backups_dir_for, migrations_dir
from coordinator_app.store import health
from coordinator_app.store.backup import pre_migration_backup
from coordinator_app.store.engine import make_engine
from coordinator_app.store.errors import (
    DatabaseEmpty,
    DatabaseProblem,
    DatabaseTooNew,
    ForeignDatabase,
    NotADatabase,
    NotAFile,
    damaged,
)

if TYPE_CHECKING:  # Alembic (with Mako and Pygments) is imported only to migrate: ~0.15 s off each start
    from alembic.config import Config
    from alembic.script import ScriptDirectory

NEW_SUFFIX = ".new"

STALE_NEW_SECONDS = 3600  # an unfinished new database this old belongs to a process that died


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


@functools.lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@functools.lru_cache(maxsize=1)
def _revisions() -> dict[str, str | None]:
    """Each migration's revision -> its down_revision, read from the scripts' own assignments
    (`revision = "0005"`) without importing Alembic. Read once per process: every open asks for
    the head and the known schemas; tests/store/test_migrations.py compares it with Alembic's."""
    found: dict[str, str | None] = {}
    for script in sorted((migrations_dir() / "versions").glob("*.py")):
        said: dict[str, object] = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                        said[target.id] = ast.literal_eval(node.value)
        if isinstance(said.get("revision"), str):
            down = said.get("down_revision")
            found[str(said["revision"])] = down if isinstance(down, str) else None
    return found


def head_revision() -> str:
    revisions = _revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) == 1:
        return heads.pop()
    return _scripts().get_current_head() or ""  # none or several (a merge): Alembic says, or refuses


def known_revisions() -> set[str]:
    return set(_revisions())


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def look_at(path: Path, check: str | None = None) -> health.FileState:
    """What is at `path` (store.health), judged against the schemas this version knows."""
    return health.look(Path(path), known_revisions(), check)


def refusal(path: Path, state: health.FileState) -> DatabaseProblem | None:
    """Why the file in `state` cannot be opened as a database, or None when it can."""
    if state.kind == health.EMPTY:
        return DatabaseEmpty(
            f"{path} is empty ({state.detail}): it holds no students and is not a Coordinator App "
            f"database. It was left untouched."
        )
    if state.kind == health.NOT_A_FILE:
        return NotAFile(f"{path} is {state.detail}, not a database file. It was left untouched.")
    if state.kind == health.NOT_SQLITE:
        return NotADatabase(
            f"{path} is not a Coordinator App database (it is not an SQLite file). It was left untouched."
        )
    if state.kind == health.FOREIGN:
        return ForeignDatabase(f"{path} is an SQLite database of another application. It was left untouched.")
    if state.kind == health.TOO_NEW:
        return DatabaseTooNew(
            f"{path} was written by a newer version of Coordinator App (schema {state.revision}). "
            "Install the newer version to open it; the file was left untouched."
        )
    if state.kind == health.DAMAGED:
        return damaged(path, state.detail)
    return None


def stored_revision(engine: Engine) -> str | None:
    """The schema the database says it is at (its `alembic_version` row), None without one; read
    without Alembic."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no such table: a new or foreign database, Alembic decides
        return None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to `revision`. A database at the latest schema already (a restored copy, most often)
    is left as it is without loading Alembic: ~50 ms of processor time a restore."""
    if revision == "head" and stored_revision(engine) == head_revision():
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def open_database(path: Path, backup_before_migration: bool = True) -> Engine:
    """An engine on `path`, created if there is no file, migrated to the latest schema.

    Only a path with no file at all is a new database. A file that is empty, not SQLite, an
    SQLite file of another application, damaged where SQLite can see it at once, or written by
    a newer Coordinator App is refused with a clear message and left as it was.
    """
    path = Path(path)
    state = look_at(path)
    if state.kind == health.MISSING:
        create_database(path)
        state = look_at(path)
    problem = refusal(path, state)
    if problem is not None:
        raise problem
    engine = make_engine(path)
    if state.revision != head_revision():
        if backup_before_migration:
            pre_migration_backup(path, state.revision, backups_dir_for(path))
        upgrade(engine)
    return engine


def create_database(path: Path) -> None:
    """A new database at `path`, at the latest schema, appearing whole or not at all.

    It is built under a private temporary name in the same folder and then linked to its name,
    so a start killed halfway never leaves an empty file where the database should be (which
    every later start would rightly refuse). If another process created the database first, its
    file is kept and ours is dropped.
    """
    from coordinator_app.durable import fsync_file, fsync_folder
    from coordinator_app.store.backup import private_folder

    folder = private_folder(path.parent)
    _remove_stale_new(folder, path.name)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=NEW_SUFFIX, dir=folder)
    os.close(handle)
    building = Path(name)
    try:
        engine = make_engine(building)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        con = sqlite3.connect(building)
        try:
            # Fold the -wal into the file: what is linked below must hold everything by itself.
            con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()
        fsync_file(building)
        try:
            os.link(building, path)
        except FileExistsError:
            pass  # another instance was first: use its database
        except OSError:
            if not path.exists():  # a file system without hard links (FAT, some shares)
                os.replace(building, path)
        fsync_folder(folder)
    finally:
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm"), Path(f"{building}-journal")):
            leftover.unlink(missing_ok=True)


def _remove_stale_new(folder: Path, name: str) -> None:
    limit = time.time() - STALE_NEW_SECONDS
    for entry in folder.glob(f".{name}.*{NEW_SUFFIX}*"):
        try:
            if entry.stat().st_mtime < limit:
                entry.unlink()
        except OSError:
            continue
