"""Put a backup's contents into the database: under one write lock, or over a damaged file.

`restore_in_place` is the normal case (the database is healthy, other windows may have it open):
one connection takes the write lock (`BEGIN IMMEDIATE`) and, holding it, makes the safety copy
and replaces every table's rows with the copy's, then commits. No other window or process can
commit between the safety copy and the swap, so every edit confirmed before the restore is in
the safety copy, and every edit after it is in the restored database. The copy is first brought
to this version's schema in a private temporary file and ATTACHed read-only, so the swap is
plain SQL and the database keeps its own page size and journal mode.

The database's `user_version` is its restore *generation*: each restore sets a new one in the
same transaction. A Workspace remembers the generation it opened and refuses to write when it
changed (services.workspace, DatabaseReplaced): an edit pending in a window opened before the
restore never goes into the restored data.

`replace_file` is for a database that cannot be used (damaged, empty, not SQLite): the file
(with its -wal and -shm) is renamed aside byte for byte, and the prepared copy renamed into
its place.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from coordinator_app.durable import fsync_file, fsync_folder
from coordinator_app.store import health
from coordinator_app.store.backup import PARTIAL_SUFFIX, SIDE_FILES, backup_to, private_folder
from coordinator_app.store.engine import make_engine

MAX_GENERATION = 2**31 - 1
_STAMP = "%Y%m%d-%H%M%S"


class SchemaMismatch(Exception):
    """The prepared copy's tables differ from the database's (both should be at the same schema)."""


@dataclass(frozen=True)
class AuditNote:
    """The audit entry the restore writes in its own transaction."""

    user: str
    action: str
    file_name: str


@dataclass(frozen=True)
class Swapped:
    generation: int
    safety_copy: Path | None = None  # restore_in_place: the database as it was
    kept_aside: Path | None = None  # replace_file: where the unusable file went
    waited_s: float = 0.0  # for the write lock (other windows were saving)
    held_s: float = 0.0  # the write lock: others' saves wait this long at most


def prepare_copy(backup: Path, folder: Path, upgrade: Callable[[Engine], None]) -> Path:
    """A private copy of `backup` in `folder`, upgraded to this version's schema (`upgrade(engine)`);
    a self-contained file (journal_mode DELETE). The caller removes it (`discard`)."""
    private_folder(folder)
    prepared = folder / f".{backup.name}.{secrets.token_hex(6)}.restore{PARTIAL_SUFFIX}"
    try:
        backup_to(backup, prepared, look_only=True)
        engine = make_engine(prepared)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        con = sqlite3.connect(prepared)
        try:
            con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()
    except BaseException:
        discard(prepared)
        raise
    return prepared


def discard(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}{side}") for side in SIDE_FILES)):
        leftover.unlink(missing_ok=True)


def restore_in_place(
    database: Path,
    prepared: Path,
    safety_copy: Path,
    note: AuditNote,
    busy_timeout_s: float,
    check_revision: Callable[[str | None], None],
) -> Swapped:
    """Under one write lock: copy the database to `safety_copy`, then replace its rows with `prepared`'s.

    `check_revision(revision)` raises if the database's schema (read under the lock) is not the
    one `prepared` was brought to. Raises sqlite3 errors (busy after `busy_timeout_s`, disk full)
    with nothing changed; the safety copy may then exist already (harmless: a copy of the database).
    """
    con = sqlite3.connect(
        f"{database.resolve().as_uri()}?mode=rw",
        uri=True,
        timeout=busy_timeout_s,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        con.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=OFF")  # rows go in table by table; the copy is consistent
        con.execute("ATTACH DATABASE ? AS restored", (f"{prepared.resolve().as_uri()}?mode=ro",))
        asked = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        locked = time.perf_counter()
        try:
            row = con.execute("SELECT version_num FROM main.alembic_version").fetchone()
            check_revision(row[0] if row else None)
            tables = _matching_tables(con)
            # Nobody else can commit now: the copy holds every edit confirmed before the restore.
            backup_to(database, safety_copy)
            for name, columns in tables:
                quoted = ", ".join(_quote(c) for c in columns)
                con.execute(f"DELETE FROM main.{_quote(name)}")
                con.execute(f"INSERT INTO main.{_quote(name)} ({quoted}) SELECT {quoted} FROM restored.{_quote(name)}")
            _copy_sequences(con)
            generation = _next_generation(int(con.execute("PRAGMA main.user_version").fetchone()[0]))
            con.execute(f"PRAGMA main.user_version = {generation}")
            _audit(con, "main", note)
            con.execute("COMMIT")
            released = time.perf_counter()
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE restored")
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")  # fold the swap into the file when nobody reads
        except sqlite3.Error:
            pass
    finally:
        con.close()
    return Swapped(generation, safety_copy=safety_copy, waited_s=locked - asked, held_s=released - locked)


def replace_file(database: Path, prepared: Path, note: AuditNote) -> Swapped:
    """Rename the unusable file at `database` (and its -wal/-shm) aside, then `prepared` into its place."""
    old = health.header_user_version(database) if database.exists() else None
    generation = old or 0
    while generation == old or generation == 0:
        generation = secrets.randbelow(MAX_GENERATION) + 1  # any other value: windows that had it open notice
    con = sqlite3.connect(prepared, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute(f"PRAGMA user_version = {generation}")
        _audit(con, "main", note)
        con.execute("COMMIT")
    finally:
        con.close()
    fsync_file(prepared)
    kept = None
    if database.exists():
        kept = aside_name(database)
        os.rename(database, kept)
        for side in SIDE_FILES:
            extra = Path(f"{database}{side}")
            if extra.exists():
                os.rename(extra, Path(f"{kept}{side}"))
    os.replace(prepared, database)
    fsync_folder(database.parent)
    if os.name == "posix":
        os.chmod(database, 0o600)
    return Swapped(generation, kept_aside=kept)


def aside_name(database: Path, now: datetime | None = None) -> Path:
    """Where an unusable database is kept: `<name>-damaged-<stamp><suffix>` next to it, never an existing file."""
    stamp = (now or datetime.now()).strftime(_STAMP)
    candidate = database.with_name(f"{database.stem}-damaged-{stamp}{database.suffix}")
    n = 1
    while candidate.exists() or Path(f"{candidate}-wal").exists():
        n += 1
        candidate = database.with_name(f"{database.stem}-damaged-{stamp}.{n}{database.suffix}")
    return candidate


def read_generation(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def _next_generation(current: int) -> int:
    return 1 if current >= MAX_GENERATION or current < 0 else current + 1


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA {schema}.table_info({_quote(table)})")]


def _matching_tables(con: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    """The tables to copy with their columns; both sides must have the same tables and columns."""
    query = "SELECT name FROM {}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    main = sorted(r[0] for r in con.execute(query.format("main")))
    restored = sorted(r[0] for r in con.execute(query.format("restored")))
    if main != restored:
        raise SchemaMismatch(f"tables differ: {sorted(set(main) ^ set(restored))}")
    result = []
    for name in main:
        columns = _columns(con, "main", name)
        if sorted(columns) != sorted(_columns(con, "restored", name)):
            raise SchemaMismatch(f"columns of {name} differ")
        result.append((name, columns))
    return result


def _copy_sequences(con: sqlite3.Connection) -> None:
    def has(schema: str) -> bool:
        return (
            con.execute(f"SELECT 1 FROM {schema}.sqlite_master WHERE name = 'sqlite_sequence'").fetchone() is not None
        )

    if has("main"):
        con.execute("DELETE FROM main.sqlite_sequence")
        if has("restored"):
            con.execute("INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM restored.sqlite_sequence")


def _audit(con: sqlite3.Connection, schema: str, note: AuditNote) -> None:
    # The same row services.workspace.Workspace.audit writes (SQLAlchemy's DateTime text form).
    at = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    con.execute(
        f"INSERT INTO {schema}.audit_entry (at, os_user, action, student_id, entity, entity_id, field, "
        f"old_value, new_value) VALUES (?, ?, ?, NULL, 'database', NULL, 'file', NULL, ?)",
        (at, note.user, note.action, note.file_name),
    )
