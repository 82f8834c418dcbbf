"""Every migration runs on both engines, and the server's schema uses PostgreSQL's own types.

The walk covers whatever revisions exist (a migration added later is walked too): each one is
applied on its own, then each downgrade, then the whole way up again, and the schema at the end
must match the models exactly (Alembic's comparison) on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from coordinator_app.store.migrate import alembic_config, current_revision, head_revision
from coordinator_app.store.models import Base
from coordinator_app.store.server import make_server_engine
from tests.engines import PostgresServer
from tests.store.migrating import migrate_to


def _revisions() -> list[str]:
    scripts = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(scripts.walk_revisions()))]


@pytest.mark.slow  # every migration up and down: over a second of processor time (docs/testing.md)
def test_every_migration_runs_up_and_down_and_ends_at_the_models(empty: Engine) -> None:
    revisions = _revisions()
    assert revisions[-1] == head_revision()
    for revision in revisions:
        migrate_to(empty, revision)
        assert current_revision(empty) == revision
    for before in reversed([None, *revisions[:-1]]):
        migrate_to(empty, before or "base", down=True)
        assert current_revision(empty) == before
    migrate_to(empty, "head")
    with empty.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert set(Base.metadata.tables) <= set(inspect(empty).get_table_names())


@pytest.mark.slow
def test_the_server_schema_uses_postgresqls_own_types(postgres_server: PostgresServer) -> None:
    name = postgres_server.new_database()
    try:

        def column_type(table: str, column: str) -> str:
            return postgres_server.execute(
                f"SELECT data_type FROM information_schema.columns WHERE table_name = '{table}' "
                f"AND column_name = '{column}'",
                name,
            )[0][0]

        assert column_type("internship", "start_date") == "date"
        assert column_type("student", "tuition_paid") == "boolean"
        assert column_type("student", "removed_at") == "timestamp without time zone"
        assert column_type("course_result", "grade") == "double precision"
        checks = {r[0] for r in postgres_server.execute("SELECT conname FROM pg_constraint WHERE contype = 'c'", name)}
        assert {
            "ck_student_status",
            "ck_course_result_grade_range",
            "ck_course_result_grade_or_no_show",
            "ck_internship_part_time",
            "ck_interruption_order",
            "ck_restore_generation_one_row",
        } <= checks
        # The "what is overdue" index is partial on the server too.
        index = postgres_server.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_portfolio_open_due'", name
        )[0][0]
        assert "WHERE (received_date IS NULL)" in index
    finally:
        postgres_server.drop(name)


@pytest.mark.slow
def test_a_boolean_check_and_date_are_the_servers_to_enforce(postgres_server: PostgresServer) -> None:
    """Not only the app: the server itself refuses a mark off the scale and a grade beside a no-show."""
    import psycopg

    name = postgres_server.new_database()
    try:
        engine = make_server_engine(postgres_server.location(name).server)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO cohort (programme_id, start_year) VALUES (1, 2024)"))
            conn.execute(
                text(
                    "INSERT INTO student (programme_id, cohort_id, student_number, first_name, last_name, email, "
                    "status, tuition_paid, enrolled, ec_earned, participation_fee_paid, notes) "
                    "VALUES (1, 1, '2712345', 'Anouk', 'de Vries', '', 'active', false, true, 0, false, '')"
                )
            )
        engine.dispose()
        for values, words in (("10.5, false", "grade_range"), ("7.0, true", "grade_or_no_show")):
            with pytest.raises(psycopg.errors.CheckViolation, match=words):
                postgres_server.execute(
                    f"INSERT INTO course_result (student_id, course_id, attempt, grade, no_show) "
                    f"VALUES (1, 1, 1, {values})",
                    name,
                )
        with pytest.raises(psycopg.errors.InvalidDatetimeFormat):
            postgres_server.execute("UPDATE student SET removed_at = 'not a date'", name)
    finally:
        postgres_server.drop(name)
