"""Sessions that leave removed students out: a removal keeps every record, so every query must skip them.

A removed student (student.removed_at set) keeps their results, internships and portfolio until
restored. Rather than trusting each of the many queries that name a student to remember that,
every ORM SELECT made through a `StoreSession` gets `removed_at IS NULL` for the student table,
wherever it appears: the selected entity, a join, a subquery, a count (SQLAlchemy's "global
criteria" recipe, `with_loader_criteria` in `do_orm_execute`).

What must see removed students says so on the statement: `.execution_options(include_removed=True)`
(or `INCLUDE_REMOVED` for `Session.get`): restoring them, listing them, refusing their student
number to a new student or an import, and taking the next free id. Statements on the bare table
(`m.Student.__table__`, used by the bulk import) are Core, not ORM, and are not filtered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, Unpack

from sqlalchemy import Result, Row, Select, event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from coordinator_app.store import models as m

INCLUDE_REMOVED: dict[str, Any] = {"include_removed": True}


class StoreSession(Session):
    """A Session whose queries skip removed students unless told otherwise."""


@event.listens_for(StoreSession, "do_orm_execute")
def _leave_out_removed_students(state: ORMExecuteState) -> None:
    # Refreshing an attribute or loading a relationship of a row already in hand is not a search.
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get("include_removed", False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(m.Student, m.Student.removed_at.is_(None), include_aliases=True)
        )


if TYPE_CHECKING:
    # A query or a result row of any columns (SQLAlchemy 2.1 types them by their columns).
    AnySelect: TypeAlias = Select[Unpack[tuple[Any, ...]]]
    AnyRow: TypeAlias = Row[Unpack[tuple[Any, ...]]]
    AnyResult: TypeAlias = Result[Unpack[tuple[Any, ...]]]
