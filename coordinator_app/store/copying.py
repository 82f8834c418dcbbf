"""Every row of one database into another, between SQLite and PostgreSQL in either direction.

Rows are read through the models' tables, so each column's type converts them on the way (SQLite's
ISO date text becomes a PostgreSQL date, its 0/1 a boolean, and back). Tables go in the order
their foreign keys need; each keeps its ids, and a server's id sequences then move past them. The
counts of every table are compared, source against target, inside the target's transaction: a
difference rolls the whole copy back.

`into_new_file` builds the SQLite copy under a private name and links it into place only when it is
whole; `replace_rows` replaces every row of a server (or SQLite) database in the caller's one
transaction, so a refused copy leaves the target as it was.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Table, delete, func, insert, select

from coordinator_app.store import models as m
from coordinator_app.store.databases import ids_taken

CHUNK_ROWS = 5000
# The restore generation belongs to the database, not to its data: the target keeps (and moves) its own.
NOT_COPIED = frozenset({"restore_generation"})


class CountsDiffer(Exception):
    """The target's rows did not come out as many as the source's; `counts` says per table."""

    def __init__(self, counts: dict[str, tuple[int, int]]) -> None:
        differing = {t: c for t, c in counts.items() if c[0] != c[1]}
        super().__init__(", ".join(f"{t}: {a} in the source, {b} in the copy" for t, (a, b) in differing.items()))
        self.counts = counts


def data_tables() -> list[Table]:
    """The tables that hold the data, in the order their foreign keys allow inserting them."""
    return [t for t in m.Base.metadata.sorted_tables if t.name not in NOT_COPIED]


def count_rows(conn: Connection) -> dict[str, int]:
    """Every data table's rows, removed students included (Core: no ORM filter)."""
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in data_tables()}


def copy_rows(source: Connection, target: Connection, progress: Callable[[str, int], None] | None = None) -> None:
    """Insert every row of `source` into `target` (whose data tables are empty), table by table."""
    for table in data_tables():
        # Streamed in chunks (a server cursor on PostgreSQL); set on the statement: a Connection's own
        # execution_options() would change the connection for everything after.
        query = select(table).order_by(*table.primary_key).execution_options(stream_results=True)
        result = source.execute(query)
        done = 0
        while rows := result.fetchmany(CHUNK_ROWS):
            target.execute(insert(table), [row._asdict() for row in rows])
            done += len(rows)
            if progress is not None:
                progress(table.name, done)
    ids_taken(target, [t.name for t in data_tables()])


def compare(source: dict[str, int], target: Connection) -> dict[str, tuple[int, int]]:
    """Counts per table, source against target; CountsDiffer when any differs."""
    copied = count_rows(target)
    counts = {name: (n, copied.get(name, 0)) for name, n in source.items()}
    if any(a != b for a, b in counts.values()):
        raise CountsDiffer(counts)
    return counts


def replace_rows(
    source: Connection, target: Connection, note: Callable[[Connection], None] | None = None
) -> dict[str, tuple[int, int]]:
    """Within the caller's transaction on `target`: delete every data row, copy `source`'s in, compare;
    then `note(target)` (the audit entry that says so)."""
    wanted = count_rows(source)
    for table in reversed(data_tables()):
        target.execute(delete(table))
    copy_rows(source, target)
    counts = compare(wanted, target)
    if note is not None:
        note(target)
    return counts


def into_new_file(
    source: Connection, path: Path, note: Callable[[Connection], None] | None = None
) -> dict[str, tuple[int, int]]:
    """A new SQLite database at `path`, at this version's schema, holding `source`'s rows; it appears
    whole or not at all. FileExistsError when something appeared at `path` meanwhile (nothing is replaced)."""
    from coordinator_app.durable import fsync_file, fsync_folder
    from coordinator_app.store.backup import SIDE_FILES, private_folder
    from coordinator_app.store.engine import make_engine, writer
    from coordinator_app.store.migrate import upgrade

    folder = private_folder(path.parent)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".copy", dir=folder)
    os.close(handle)
    building = Path(name)
    building.unlink()
    try:
        wanted = count_rows(source)
        engine = make_engine(building)
        try:
            upgrade(engine)
            with writer(engine).begin() as target:
                for table in reversed(data_tables()):  # what the schema's own migrations put in
                    target.execute(delete(table))
                copy_rows(source, target)
                counts = compare(wanted, target)
                if note is not None:
                    note(target)
        finally:
            engine.dispose()
        con = sqlite3.connect(building)
        try:
            con.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            con.close()
        fsync_file(building)
        if os.name == "posix":
            os.chmod(building, 0o600)
        try:
            os.link(building, path)  # FileExistsError: never over something that appeared meanwhile
        except FileExistsError:
            raise
        except OSError:
            if path.exists():
                raise FileExistsError(17, "appeared meanwhile", str(path)) from None
            os.replace(building, path)  # a file system without hard links (FAT, some shares)
        fsync_folder(folder)
        return counts
    finally:
        for leftover in (building, *(Path(f"{building}{side}") for side in SIDE_FILES)):
            leftover.unlink(missing_ok=True)
