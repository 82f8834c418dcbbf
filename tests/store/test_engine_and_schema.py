"""The engine's pragmas and the constraints and indexes the schema promises, on both engines: the
constraints are the database's own on SQLite and on PostgreSQL (tests/engines.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from coordinator_app.store import models as m
from coordinator_app.store.engine import make_engine
from coordinator_app.store.migrate import open_database, upgrade
from coordinator_app.store.server import make_server_engine
from tests.engines import SQLITE, PostgresServer


@pytest.fixture
def engine(tmp_path: Path, engine_kind: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The schema at head, without the programmes: an SQLite file, or an empty server database migrated."""
    if engine_kind == SQLITE:
        engine = open_database(tmp_path / "schema.sqlite")
        yield engine
        engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.empty_database()
    engine = make_server_engine(server.location(name).server)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        server.drop(name)


def _student(programme_id: int, cohort_id: int, number: str, **extra: object) -> dict[str, object]:
    values = {
        "programme_id": programme_id,
        "cohort_id": cohort_id,
        "student_number": number,
        "first_name": "Sem",
        "last_name": "Jansen",
        "email": "",
        "status": "active",
        "tuition_paid": False,
        "enrolled": True,
        "ec_earned": 0,
        "participation_fee_paid": False,
        "notes": "",
    }
    values.update(extra)
    return values


def _two_programmes(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(m.Programme),
            [
                {"id": 1, "code": "PM", "name": "Master Personalized Medicine"},
                {"id": 2, "code": "IMIM", "name": "IMIM"},
            ],
        )
        conn.execute(
            insert(m.Cohort),
            [{"id": 1, "programme_id": 1, "start_year": 2024}, {"id": 2, "programme_id": 2, "start_year": 2024}],
        )


def test_pragmas_on_every_connection(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "pragmas.sqlite")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
            # FULL: a confirmed edit survives a power cut too, not only a crash of the app (issue 11)
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_student_number_is_unique_per_programme(engine: Engine) -> None:
    _two_programmes(engine)
    with engine.begin() as conn:
        conn.execute(insert(m.Student), [_student(1, 1, "2712345")])
        # The same number in another programme is a different student.
        conn.execute(insert(m.Student), [_student(2, 2, "2712345")])
    # SQLite's "UNIQUE", PostgreSQL's "unique"
    with pytest.raises(IntegrityError, match=r"(?i)unique"), engine.begin() as conn:
        conn.execute(insert(m.Student), [_student(1, 1, "2712345", first_name="Other")])
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM student").scalar() == 2


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), engine.begin() as conn:
        conn.execute(insert(m.Cohort), [{"programme_id": 99, "start_year": 2024}])


def test_grade_outside_the_scale_is_refused_by_the_database(engine: Engine) -> None:
    _two_programmes(engine)
    with engine.begin() as conn:
        conn.execute(insert(m.Student), [_student(1, 1, "2712345", id=1)])
        conn.execute(
            insert(m.Course),
            [
                {
                    "id": 1,
                    "programme_id": 1,
                    "code": "PM-PERS",
                    "name": "Personalized Medicine",
                    "ec": 6,
                    "component": "compulsory",
                    "in_programme": True,
                }
            ],
        )
    with pytest.raises(IntegrityError, match=r"(?i)check"), engine.begin() as conn:
        conn.execute(
            insert(m.CourseResult), [{"student_id": 1, "course_id": 1, "attempt": 1, "grade": 10.5, "no_show": False}]
        )


@pytest.mark.sqlite_only
def test_partial_index_for_open_portfolio_items(engine: Engine) -> None:
    with engine.connect() as conn:
        sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_portfolio_open_due'"
        ).scalar()
        columns = [r[2] for r in conn.exec_driver_sql("PRAGMA index_info('ix_portfolio_open_due')")]
        plan = " ".join(
            str(r[-1])
            for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT student_id FROM portfolio_item "
                "WHERE received_date IS NULL AND student_id = 1 AND due_date <= '2025-11-24'"
            )
        )
    assert sql is not None and "WHERE received_date IS NULL" in sql
    assert columns == ["student_id", "due_date"]
    assert "ix_portfolio_open_due" in plan
