"""Many rows in one statement: INSERT and UPDATE executemany for the imports.

SQLAlchemy compiles each statement once and the columns' own types convert the values (dates,
datetimes and booleans are stored exactly as the ORM stores them), but the rows reach the
driver's executemany as plain tuples. Core's executemany with a list of dictionaries builds
and processes a parameter dictionary per row, about 7 us a row: more than SQLite's own work
for the insert, a third of a second for the 50,000 rows of a 10,000-student import.

Both engines take positional parameters (SQLite's ?, and %s on a server: store/server.py). Rows
inserted with their own ids move a server's id sequence past them (`ids_taken`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import Compiled

from coordinator_app.services.written_entries import entries_added_elsewhere
from coordinator_app.store import models as m
from coordinator_app.store.databases import ids_taken
from coordinator_app.store.portable_sql import OneOf, json_list
from coordinator_app.store.quick_statements import QuickStatement


def _converted(values: list[object], process: Callable[[Any], Any] | None) -> list[object]:
    """A column's values as the driver stores them; each distinct value converted once
    (dates and flags repeat down an import). Values of different types are told apart (True ==
    1, but a flag is not a number). The loops over the rows run in C (set, map, zip)."""
    if process is None:
        return values
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if len(kinds) <= 1:  # one type (and None): the values themselves are the keys
        done = {v: process(v) for v in set(values) if v is not None}
        return list(map(done.get, values))  # None stays None
    keys = list(zip(map(type, values), values))
    by_key = {key: None if key[1] is None else process(key[1]) for key in dict.fromkeys(keys)}
    return list(map(by_key.__getitem__, keys))


def _params(
    compiled: Compiled,
    table: Table,
    columns: Mapping[str, str],
    values_of: Callable[[str], list[object]],
    count: int,
    dialect: Dialect,
    constants: Mapping[str, object] | None = None,
) -> list[tuple[object, ...]]:
    """The rows as tuples in the statement's parameter order. `columns`: parameter name -> column
    name; `values_of(column name)`: that column's value in each of the `count` rows;
    `constants`: column name -> the one value every row has."""
    order = list(getattr(compiled, "positiontup", None) or ())
    if sorted(order) != sorted(columns):
        raise TypeError(f"{dialect.name} does not take positional parameters; bulk_write is for SQLite.")
    fixed = constants or {}
    values = []
    for parameter in order:
        name = columns[parameter]
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if name in fixed:
            values.append(_converted([fixed[name]], process) * count)
        else:
            values.append(_converted(values_of(name), process))
    return list(zip(*values))


@lru_cache(maxsize=64)
def _insert(table: Table, names: tuple[str, ...], dialect: Dialect) -> Compiled:
    """INSERT INTO table (names) VALUES (?, ...), compiled once per table and column set."""
    return insert(table).compile(dialect=dialect, column_keys=list(names))


@lru_cache(maxsize=64)
def _update(table: Table, key: str, names: tuple[str, ...], dialect: Dialect) -> Compiled:
    stmt = update(table).where(table.c[key] == bindparam("_key")).values({n: bindparam(f"_v_{n}") for n in names})
    return stmt.compile(dialect=dialect)


AUDIT_TABLE = m.table(m.AuditEntry).name


def insert_rows(
    session: Session, table: Table, rows: Sequence[Mapping[str, object]], constants: Mapping[str, object] | None = None
) -> int:
    """INSERT every row (all rows with the same keys); `constants`: columns with one value for all rows."""
    if not rows:
        return 0
    return _insert_columns(
        session, table, list(rows[0]), lambda name: [row[name] for row in rows], len(rows), constants
    )


def insert_tuples(
    session: Session,
    table: Table,
    names: Sequence[str],
    rows: Sequence[tuple[object, ...]],
    constants: Mapping[str, object] | None = None,
) -> int:
    """insert_rows for rows given as tuples of the columns `names` (no dictionary per row)."""
    if not rows:
        return 0
    columns = dict(zip(names, map(list, zip(*rows))))
    return _insert_columns(session, table, list(names), columns.__getitem__, len(rows), constants)


def _insert_columns(
    session: Session,
    table: Table,
    names: list[str],
    values_of: Callable[[str], list[object]],
    count: int,
    constants: Mapping[str, object] | None,
) -> int:
    names = [*names, *(constants or {})]
    if table.name == AUDIT_TABLE:
        entries_added_elsewhere(session)  # the write's end reads the newest entry (services/written_entries.py)
    conn = session.connection()
    compiled = _insert(table, tuple(names), conn.dialect)
    conn.exec_driver_sql(
        str(compiled), _params(compiled, table, {n: n for n in names}, values_of, count, conn.dialect, constants)
    )
    if "id" in names:
        ids_taken(conn, [table.name])  # a server's id sequence continues after them
    return count


def update_rows(session: Session, table: Table, key: str, rows: Sequence[Mapping[str, object]]) -> int:
    """UPDATE table SET <each row's other keys> WHERE <key> = row[key] (all rows with the same keys)."""
    if not rows:
        return 0
    names = [n for n in rows[0] if n != key]
    conn = session.connection()
    compiled = _update(table, key, tuple(names), conn.dialect)
    columns = {f"_v_{n}": n for n in names} | {"_key": key}
    values_of = lambda name: [row[name] for row in rows]  # noqa: E731
    conn.exec_driver_sql(str(compiled), _params(compiled, table, columns, values_of, len(rows), conn.dialect))
    return len(rows)


def update_by_value(session: Session, table: Table, key: str, column: str, rows: Sequence[Mapping[str, object]]) -> int:
    """update_rows for rows that set one `column` to few distinct values (the EC totals an import
    changes): one UPDATE per value, naming its rows' keys as one parameter (store/portable_sql.OneOf),
    instead of one statement execution per row. Same rows, same values."""
    keys_of: dict[object, list[object]] = {}
    for row in rows:
        keys_of.setdefault(row[column], []).append(row[key])
    statement = _update_by_value(table, key, column)
    for value, keys in keys_of.items():
        statement.run(session, {"_keys": json_list(keys), "_value": value})
    return len(rows)


@lru_cache(maxsize=16)
def _update_by_value(table: Table, key: str, column: str) -> QuickStatement:
    """UPDATE table SET column = :_value WHERE key IN the JSON list :_keys, made once per table and columns."""
    return QuickStatement(update(table).where(OneOf.given(table.c[key], "_keys")).values({column: bindparam("_value")}))
