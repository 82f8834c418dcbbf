"""Opening databases: new, older, newer, foreign or not a database at all; schema vs models."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from coordinator_app.store.engine import make_engine
from coordinator_app.store.errors import DatabaseTooNew, NotADatabase
from coordinator_app.store.migrate import create_database, current_revision, head_revision, open_database, upgrade
from coordinator_app.store.models import Base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def test_head_is_the_last_numbered_script() -> None:
    from coordinator_app.paths import migrations_dir

    scripts = sorted(p.name for p in (migrations_dir() / "versions").glob("0*.py"))
    assert head_revision() == scripts[-1][:4]


def test_new_database_is_at_head_and_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    engine = open_database(path)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()
    # A brand-new database is not "migrated": no backup of an empty file.
    assert not (tmp_path / "backups").exists()


def test_database_of_the_first_migration_is_upgraded_with_its_data_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        assert "notes" not in {c["name"] for c in inspect(conn).get_columns("student")}
        conn.exec_driver_sql("INSERT INTO programme (id, code, name) VALUES (1, 'PM', 'Master Personalized Medicine')")
        conn.exec_driver_sql("INSERT INTO cohort (id, programme_id, start_year) VALUES (1, 1, 2024)")
        conn.exec_driver_sql(
            "INSERT INTO student (id, programme_id, cohort_id, student_number, first_name, last_name, email, status,"
            " tuition_paid, enrolled, ec_earned, participation_fee_paid)"
            " VALUES (7, 1, 1, '2712345', 'Anouk', 'de Vries', 'a.devries@student.vu.nl', 'active', 1, 1, 24, 0)"
        )
    engine.dispose()

    engine = open_database(path)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT student_number, first_name, last_name, ec_earned, notes FROM student WHERE id = 7"
            ).one()
            assert tuple(row) == ("2712345", "Anouk", "de Vries", 24, "")
            assert "graduation_deadline" in inspect(conn).get_table_names()
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()

    backups = list((tmp_path / "backups").glob("old-*-before-migration-0001.sqlite"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    try:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert copy.execute("SELECT first_name FROM student").fetchall() == [("Anouk",)]
    finally:
        copy.close()


def test_database_of_schema_0002_keeps_every_student_and_gets_removal(tmp_path: Path) -> None:
    """A database written before removal became reversible (0002): every student is still there,
    none counts as removed, and removing and restoring works on it at once."""
    from coordinator_app.services.student_list import student_rows
    from coordinator_app.services.students import remove_student, removed_students, restore_student
    from coordinator_app.services.workspace import Workspace

    path = tmp_path / "before-0003.sqlite"
    engine = make_engine(path)
    upgrade(engine, "0002")
    with engine.begin() as conn:
        assert "removed_at" not in {c["name"] for c in inspect(conn).get_columns("student")}
        conn.exec_driver_sql("INSERT INTO programme (id, code, name) VALUES (1, 'PM', 'Master Personalized Medicine')")
        conn.exec_driver_sql("INSERT INTO cohort (id, programme_id, start_year) VALUES (1, 1, 2024)")
        for sid, number, first in ((7, "2712345", "Anouk"), (8, "2798765", "Daan")):
            conn.exec_driver_sql(
                "INSERT INTO student (id, programme_id, cohort_id, student_number, first_name, last_name, email, status,"
                " tuition_paid, enrolled, ec_earned, participation_fee_paid, notes)"
                f" VALUES ({sid}, 1, 1, '{number}', '{first}', 'de Vries', '', 'active', 1, 1, 24, 0, '')"
            )
        conn.exec_driver_sql(
            "INSERT INTO graduation_deadline (programme_id, year, month, deadline) VALUES (1, 2025, 6, '2025-06-02')"
        )
    engine.dispose()

    ws = Workspace.open(path)
    try:
        assert current_revision(ws.engine) == head_revision()
        with ws.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT id, removed_at FROM student ORDER BY id").all() == [
                (7, None),
                (8, None),
            ]
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert sorted(r.student_number for r in student_rows(ws)) == ["2712345", "2798765"]
        assert removed_students(ws) == []
        remove_student(ws, 7)
        assert [r.student_number for r in student_rows(ws)] == ["2798765"]
        restore_student(ws, 7)
        assert sorted(r.student_number for r in student_rows(ws)) == ["2712345", "2798765"]
    finally:
        ws.close()
    assert list((tmp_path / "backups").glob("before-0003-*-before-migration-0002.sqlite"))


def test_stored_ceremonies_and_first_year_due_dates_follow_the_sharpened_rules(tmp_path: Path) -> None:
    """0004: a plan's ceremony is the first *after* the graduation month; first-year work is due
    on 31 August (overdue on 1 September). A ceremony the old rule did not compute stays."""
    path = tmp_path / "at-0003.sqlite"
    engine = make_engine(path)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO programme (id, code, name) VALUES (1, 'PM', 'Master Personalized Medicine')")
        conn.exec_driver_sql("INSERT INTO cohort (id, programme_id, start_year) VALUES (1, 1, 2024)")
        for sid in (1, 2, 3, 4):
            conn.exec_driver_sql(
                "INSERT INTO student (id, programme_id, cohort_id, student_number, first_name, last_name, email,"
                " status, tuition_paid, enrolled, ec_earned, participation_fee_paid, notes)"
                f" VALUES ({sid}, 1, 1, '27{sid:05d}', 'A', 'B', '', 'active', 1, 1, 0, 0, '')"
            )
        # (planned, stored ceremony): September 2025 -> the old rule said September 2025;
        # January 2026 -> January 2026; March 2026 -> June 2026 (unchanged by the new rule);
        # December 2025 with a ceremony set by hand to June 2026 (not the old rule's: stays).
        for sid, planned, ceremony in (
            (1, (2025, 9), (2025, 9)),
            (2, (2026, 1), (2026, 1)),
            (3, (2026, 3), (2026, 6)),
            (4, (2025, 12), (2026, 6)),
        ):
            conn.exec_driver_sql(
                "INSERT INTO graduation_plan (student_id, planned_year, planned_month, ceremony_year, ceremony_month)"
                f" VALUES ({sid}, {planned[0]}, {planned[1]}, {ceremony[0]}, {ceremony[1]})"
            )
        conn.exec_driver_sql(
            "INSERT INTO portfolio_item (student_id, component, kind, name, due_date, received_date, note) VALUES"
            " (1, 'academic_core', 'first_year_assignments', 'First-year assignments', '2025-09-01', NULL, ''),"
            " (1, 'academic_core', 'cv_assignment', 'CV / resume assignment', '2026-09-01', NULL, ''),"
            " (2, 'academic_core', 'first_year_assignments', 'First-year assignments', '2025-07-01', NULL, '')"
        )
    engine.dispose()

    engine = open_database(path)
    try:
        with engine.connect() as conn:
            plans = conn.exec_driver_sql(
                "SELECT student_id, ceremony_year, ceremony_month FROM graduation_plan ORDER BY student_id"
            ).all()
            assert [tuple(p) for p in plans] == [(1, 2026, 1), (2, 2026, 6), (3, 2026, 6), (4, 2026, 6)]
            dues = conn.exec_driver_sql("SELECT student_id, kind, due_date FROM portfolio_item ORDER BY id").all()
            assert [tuple(d) for d in dues] == [
                (1, "first_year_assignments", "2025-08-31"),
                (1, "cv_assignment", "2026-09-01"),
                (2, "first_year_assignments", "2025-07-01"),
            ]
    finally:
        engine.dispose()
    engine = make_engine(path)
    try:
        from alembic import command

        from coordinator_app.store.migrate import alembic_config

        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0003")
        with engine.connect() as conn:
            plans = conn.exec_driver_sql(
                "SELECT ceremony_year, ceremony_month FROM graduation_plan ORDER BY student_id"
            ).all()
            assert [tuple(p) for p in plans] == [(2025, 9), (2026, 1), (2026, 6), (2026, 6)]
            assert conn.exec_driver_sql("SELECT due_date FROM portfolio_item WHERE id = 1").scalar() == "2025-09-01"
    finally:
        engine.dispose()


def test_database_at_head_is_opened_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "current.sqlite"
    open_database(path).dispose()
    open_database(path).dispose()
    assert not (tmp_path / "backups").exists()


# "delete": a copy made by store.backup (journal_mode=DELETE), e.g. restored from a newer install.
@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_database_from_a_newer_version_is_refused_and_untouched(tmp_path: Path, journal_mode: str) -> None:
    path = tmp_path / "newer.sqlite"
    open_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode={journal_mode}")
    con.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    con.commit()
    con.close()
    before, names = _digest(path), _siblings(path)

    with pytest.raises(DatabaseTooNew, match="newer version") as caught:
        open_database(path)
    assert "0099_from_the_future" in str(caught.value)
    assert "untouched" in str(caught.value)
    assert _digest(path) == before
    assert _siblings(path) == names  # no backup, no -wal/-shm left behind


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.sqlite", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"),
        ("notes.sqlite", b"Just a text file, renamed.\nRegel twee.\n"),
    ],
)
def test_a_file_that_is_not_a_database_is_refused_and_untouched(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    names = _siblings(path)
    with pytest.raises(NotADatabase, match="not a Coordinator App database") as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content
    assert _siblings(path) == names


def test_sqlite_database_of_another_application_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE foo (id INTEGER PRIMARY KEY, bar TEXT)")
    con.execute("INSERT INTO foo (bar) VALUES ('baz')")
    con.commit()
    con.close()
    before, names = _digest(path), _siblings(path)
    with pytest.raises(NotADatabase, match="another application"):
        open_database(path)
    assert _digest(path) == before
    assert _siblings(path) == names
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall() == [("foo",)]
    finally:
        con.close()


def test_the_schemas_known_without_alembic_are_alembics() -> None:
    """store/migrate reads the revisions from the scripts (no Alembic import at start-up): the same
    head and the same known schemas as Alembic's own reading of them."""
    from coordinator_app.store.migrate import _scripts, known_revisions

    scripts = _scripts()
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == {rev.revision for rev in scripts.walk_revisions()}


@pytest.mark.slow  # starts a process: a fresh interpreter is the only place to see what an open imports
def test_opening_a_database_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "at-head.sqlite"
    create_database(path)
    code = (
        "import sys; from pathlib import Path; from coordinator_app.services.workspace import Workspace; "
        f"ws = Workspace.open(Path({str(path)!r}), daily_backup=False); ws.close(); "
        "print(sorted(m for m in ('alembic', 'mako', 'pygments') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"
