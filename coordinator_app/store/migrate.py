"""Open a database file: refuse what is not ours or too new, back up, then migrate to head."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from coordinator_app.paths import backups_dir_for, migrations_dir
from coordinator_app.store.backup import pre_migration_backup
from coordinator_app.store.engine import make_engine
from coordinator_app.store.errors import DatabaseTooNew, NotADatabase

SQLITE_HEADER = b"SQLite format 3\x00"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _check_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotADatabase(f"{path} is not a Coordinator App database (it is not an SQLite file). It was left untouched.")


def _inspect_read_only(path: Path) -> tuple[str | None, set[str]]:
    """The schema revision and table names, read without writing anything to the file."""
    # Without a -wal file there is nothing beyond the main file to read: `immutable` then
    # keeps SQLite from creating -wal/-shm files next to a file we may refuse.
    wal = path.with_name(path.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True)
    except sqlite3.Error as exc:
        raise NotADatabase(f"{path} cannot be opened as a database ({exc}). It was left untouched.") from exc
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return revision, tables
    except sqlite3.DatabaseError as exc:
        raise NotADatabase(f"{path} cannot be read as a database ({exc}). It was left untouched.") from exc
    finally:
        conn.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def open_database(path: Path, backup_before_migration: bool = True) -> Engine:
    """An engine on `path`, created if missing, migrated to the latest schema.

    A file that is not SQLite, an SQLite file of another application, or a database written
    by a newer Coordinator App is refused with a clear message and left as it was.
    """
    path = Path(path)
    _check_file(path)
    new = not path.exists()
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
    # Look before touching: opening through make_engine switches the file to WAL, which
    # rewrites its header. A file we refuse must stay byte-for-byte as it was.
    revision, tables = (None, set()) if new else _inspect_read_only(path)
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if revision is None and tables - {"alembic_version"}:
        raise NotADatabase(f"{path} is an SQLite database of another application. It was left untouched.")
    if revision is not None and revision not in known:
        raise DatabaseTooNew(
            f"{path} was written by a newer version of Coordinator App (schema {revision}). "
            "Install the newer version to open it; the file was left untouched."
        )
    engine = make_engine(path)
    head = script.get_current_head()
    if revision != head:
        if revision is not None and backup_before_migration:
            pre_migration_backup(path, revision, backups_dir_for(path))
        upgrade(engine)
    if os.name == "posix" and new:
        os.chmod(path, 0o600)
    return engine
