"""A few Core statements, made once, run straight on the transaction's sqlite3 connection: the edits a
coordinator makes one at a time (a field, a grade) and their audit entry.

Why: SQLAlchemy's work around each statement it executes (its execution context, result object and
events, ~50-100 us) was, for one edit's five to eight statements, three times SQLite's own work for
the same rows (docs/performance.md, "Issue 12: one edit"). Here SQLAlchemy still compiles the
statement (once per set of parameter names) and its column types still convert every value both ways
(the dialect's `bind_processor`, `result_processor`); only the execution is SQLite's own. On PostgreSQL, where a
statement is a round trip to the server, they run through SQLAlchemy as any other.

What is not taken here (refused when compiled, so a test finds it): IN lists expanded at execution,
and column defaults that SQLAlchemy works out in Python other than plain values.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Connection, CursorResult, Delete, Insert, Update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from coordinator_app.store.engine import driver_of

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnySelect

    Statement: TypeAlias = AnySelect | Insert | Update | Delete

Processor = Callable[[Any], Any] | None
# (position, conversion) of the values that convert, found once: most pass as they are.
Converting: TypeAlias = tuple[tuple[int, Callable[[Any], Any]], ...]


def _converting(processors: Iterable[Processor]) -> Converting:
    return tuple((i, process) for i, process in enumerate(processors) if process is not None)


# A row of `QuickStatement.rows`: a named tuple whose fields are the selected columns, known only
# when the statement is compiled (as SQLAlchemy's own Row of such a query types them: Any).
QuickRow: TypeAlias = Any


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters in the order of their `?`
    fixed: dict[str, Any]  # values the statement carries itself, and plain column defaults
    sent: Converting  # the parameters to convert: the value as SQLite stores it
    row: Callable[..., Any] | None  # a SELECT's row type (named by the selected columns), from a sequence
    read: Converting  # the selected columns to convert: the stored value as Python's
    insert: bool = False


# SQLite's DATE and DATETIME in their default storage formats: the ISO text Python writes itself.
_DATE_TEXT = sqlite.DATE._storage_format
_DATETIME_TEXT = sqlite.DATETIME._storage_format


def _bind(impl: TypeEngine[Any], dialect: Dialect) -> Processor:
    """How a value of this column type is sent to the database: the type's own `bind_processor`, with
    the plain dates and times of SQLite's default formats written by `isoformat`, the same text in a
    fifth of the time (2 and 4 us a value were a tenth of a grade's own Python; a test compares them)."""
    process = impl.bind_processor(dialect)
    if process is None or dialect.name != "sqlite":
        return process
    stored = getattr(impl, "_storage_format", None)
    if isinstance(impl, sqlite.DATETIME) and stored == _DATETIME_TEXT:
        return lambda v: v.isoformat(" ", "microseconds") if type(v) is datetime and v.tzinfo is None else process(v)
    if isinstance(impl, sqlite.DATE) and stored == _DATE_TEXT:
        return lambda v: v.isoformat() if type(v) is date else process(v)
    return process


def _compile(statement: Statement, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
    keys = tuple(params)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    if any(compiled.binds[name].expanding for name in names):
        raise ValueError("an IN list expanded at execution cannot run as a quick statement")
    fixed = {name: value for name, value in compiled.construct_params(dict(params)).items() if name not in keys}
    for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:
        default = column.default if compiled.isinsert else column.onupdate
        if default is None or not default.is_scalar:
            raise ValueError(f"{column} has a default worked out in Python: run it through SQLAlchemy")
        fixed[column.key] = default.arg  # type: ignore[attr-defined]
    # The dialect's own form of each type converts (SQLite's DATE reads and writes ISO text).
    sent = _converting(_bind(compiled.binds[name].type.dialect_impl(dialect), dialect) for name in names)
    if isinstance(statement, Insert | Update | Delete):
        return _Compiled(compiled.string, names, fixed, sent, None, (), isinstance(statement, Insert))
    columns = list(statement.selected_columns)
    row = namedtuple("Row", [c.key for c in columns], rename=True)._make  # type: ignore[misc,attr-defined]
    read = _converting(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    return _Compiled(compiled.string, names, fixed, sent, row, read)


def connection_of(on: Connection | Session) -> Connection:
    """The connection a statement runs on. A write's session is bound to its connection, which is in
    the write's transaction from the start (services/workspace.write): asking the session for it
    (`Session.connection`) was ~5 us a statement, a tenth of an edit's own work."""
    if isinstance(on, Connection):
        return on
    bound = on.bind
    return bound if isinstance(bound, Connection) else on.connection()


class QuickStatement:
    """One Core statement, run on SQLite's own connection (see the module's notes)."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, ...], _Compiled] = {}

    def _made(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
        keys = tuple(params)
        made = self._compiled.get(keys)
        if made is None:
            made = self._compiled[keys] = _compile(self.statement, dialect, params)
        return made

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[_Compiled, sqlite3.Cursor]:
        made = self._compiled.get(tuple(params)) or self._made(conn.dialect, params)
        fixed = made.fixed
        if fixed:
            values = [params[name] if name in params else fixed[name] for name in made.names]
        else:  # every value given (most statements)
            values = [params[name] for name in made.names]
        for i, bind in made.sent:
            value = values[i]
            if value is not None:
                values[i] = bind(value)
        raw = driver_of(conn)
        try:
            return made, raw.execute(made.sql, values)
        except sqlite3.Error as exc:  # as SQLAlchemy reports it: the workspace reads it the same way
            raise DBAPIError.instance(
                made.sql, values, exc, sqlite3.Error, hide_parameters=True, dialect=conn.dialect
            ) from exc

    def rows(self, on: Connection | Session, params: Mapping[str, Any]) -> list[QuickRow]:
        """A SELECT's rows, each with the selected columns' names and Python values."""
        conn = connection_of(on)
        if conn.dialect.name != "sqlite":
            return list(conn.execute(self.statement, dict(params)).all())
        made, cursor = self._run(conn, params)
        make = made.row
        assert make is not None, "rows() of a statement that selects nothing"
        if not made.read:
            return [make(found) for found in cursor.fetchall()]
        rows = []
        for found in cursor.fetchall():
            values = list(found)
            for i, read in made.read:
                value = values[i]
                if value is not None:
                    values[i] = read(value)
            rows.append(make(values))
        return rows

    def run(self, on: Connection | Session, params: Mapping[str, Any]) -> int | None:
        """An INSERT, UPDATE or DELETE; an INSERT's new row id."""
        conn = connection_of(on)
        if conn.dialect.name != "sqlite":
            result: CursorResult[Any] = conn.execute(self.statement, dict(params))
            key = result.inserted_primary_key if result.context.isinsert else None
            return int(key[0]) if key else None
        made, cursor = self._run(conn, params)
        return cursor.lastrowid if made.insert else None
