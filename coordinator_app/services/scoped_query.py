"""Queries over the active students of a programme and cohort, built once and run as Core.

The attention list and the flags run a dozen queries per refresh. Building a statement costs
SQLAlchemy ~0.2-0.4 ms and running it through the ORM more again; at 1,000 students that was
most of the list's time. Each query here is built once per kind of scope (every student, one
programme, one cohort, both) with its values as bound parameters, and runs on the session's
connection. Core does not add the removed-students filter of store/sessions.py: `active` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import SQLColumnExpression, bindparam, select
from sqlalchemy.orm import Session

from coordinator_app.store import models as m

if TYPE_CHECKING:
    from coordinator_app.store.sessions import AnyResult, AnySelect

S = m.Student


def active(*columns: SQLColumnExpression[object]) -> AnySelect:
    """Active students that are not removed, with id, number, first and last name, programme code and
    cohort year first (in that order), then `columns`."""
    return (
        select(S.id, S.student_number, S.first_name, S.last_name, m.Programme.code, m.Cohort.start_year, *columns)
        .join(m.Programme, S.programme_id == m.Programme.id)
        .join(m.Cohort, S.cohort_id == m.Cohort.id)
        .where(S.status == "active", S.removed_at.is_(None))
    )


class Scoped:
    """One query of `active` students, for whichever programme and cohort are asked."""

    def __init__(self, build: Callable[[], AnySelect]) -> None:
        self._build = build
        self._made: dict[tuple[bool, bool], AnySelect] = {}

    def run(
        self, s: Session, programme_code: str | None, cohort: int | None, values: Mapping[str, object] | None = None
    ) -> AnyResult:
        key = (bool(programme_code), bool(cohort))
        query = self._made.get(key)
        if query is None:
            query = self._build()
            if key[0]:
                query = query.where(m.Programme.code == bindparam("programme_code"))
            if key[1]:
                query = query.where(m.Cohort.start_year == bindparam("cohort"))
            self._made[key] = query
        # Values the query does not take are left aside by Core.
        return s.connection().execute(query, {**(values or {}), "programme_code": programme_code, "cohort": cohort})
