"""One row read or written with a Core statement inside an action's ORM session: the quick way for the
edits a coordinator makes one at a time (a grade, a field of a student). On SQLite the statement runs
on the sqlite3 connection itself (store/quick_statements.py).

Why: through the ORM, reading one student (`Session.get`) and writing one changed row (the flush and
its unit of work) cost ~0.2-0.3 ms of Python each; the same statements as Core cost ~0.02-0.03 ms
(docs/performance.md, "Issue 12: one edit"). They run on the action's own connection, so they are
part of its transaction (or savepoint) like everything else.

What the ORM did for free, done here by hand:
- an object of the same row that the session already holds (an earlier action of the same batch,
  `Workspace.together`) is kept in step: the values written become its committed values;
- the students whose verdict the write may change are named to services/verdicts.py by the caller
  (`mark_touched`, `mark_stale`, or `refresh_ec` for an answer now): a Core write does not pass through the flush
  that the verdicts follow.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from coordinator_app.store import models as m
from coordinator_app.store.quick_statements import QuickStatement

_UPDATES: dict[str, QuickStatement] = {}
_INSERTS: dict[str, QuickStatement] = {}


def _update(table: Table) -> QuickStatement:
    made = _UPDATES.get(table.name)
    if made is None:
        # The SET clause comes from the keys of the values given at execution (one compiled form per set).
        made = _UPDATES[table.name] = QuickStatement(update(table).where(table.c.id == bindparam("row_id")))
    return made


def _insert(table: Table) -> QuickStatement:
    made = _INSERTS.get(table.name)
    if made is None:
        made = _INSERTS[table.name] = QuickStatement(insert(table))
    return made


def update_row(session: Session, model: type[m.Base], row_id: int, values: Mapping[str, object]) -> None:
    """UPDATE one row of `model`'s table by id: the columns in `values` (none: nothing written)."""
    if not values:
        return
    table = m.table(model)
    _update(table).run(session, {"row_id": row_id, **values})
    if not session.identity_map:  # most edits hold no object (~3 us to look one up)
        return
    held = session.identity_map.get(session.identity_key(model, row_id))
    if held is not None:
        for key, value in values.items():
            set_committed_value(held, key, value)


def insert_row(session: Session, model: type[m.Base], values: Mapping[str, object]) -> int:
    """INSERT one row into `model`'s table (the columns' defaults as the ORM would fill them); its new id."""
    new_id = _insert(m.table(model)).run(session, values)
    assert new_id is not None
    return new_id
