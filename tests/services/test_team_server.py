"""Team mode on a real PostgreSQL server: who did what, the roles the server enforces, copies in and out,
backups of a server and a restore onto one."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from coordinator_app.location import Location
from coordinator_app.services.backups import back_up_now, list_backups, restore_backup
from coordinator_app.services.copying import CopyRefused, copy_database
from coordinator_app.services.courses import record_grade
from coordinator_app.services.errors import DatabaseReadOnly, DatabaseReplaced
from coordinator_app.services.record_view import load_record
from coordinator_app.services.server_setup import add_user, init_server, role_names
from coordinator_app.services.students import update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import copying
from coordinator_app.store import models as m
from tests.engines import PostgresServer
from tests.services.service_helpers import add_imim, add_pm, audit_rows, snapshot_db

pytestmark = pytest.mark.slow


@pytest.fixture
def team(postgres_server: PostgresServer, programmes: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A server database set up by `server init`, with a coordinator (anna) and a viewer (board)."""
    name = postgres_server.empty_database("team")
    owner = postgres_server.location(name)
    assert owner.server is not None
    init_server(owner.server)
    suffix = name.split("_", 1)[1]
    anna, board = f"anna_{suffix}", f"board_{suffix}"
    add_user(owner.server, anna, "coordinator", None)
    add_user(owner.server, board, "viewer", None)
    opened: list[Workspace] = []

    def open_as(user: str) -> Workspace:
        ws = Workspace.open(postgres_server.location(name, user), programmes)
        ws.today = date(2025, 11, 24)
        opened.append(ws)
        return ws

    yield {"name": name, "owner": owner, "anna": anna, "board": board, "open_as": open_as}
    for ws in opened:
        ws.close()
    postgres_server.drop(name)
    for user in (anna, board):
        postgres_server.execute(f'DROP ROLE IF EXISTS "{user}"')
    for role in role_names(owner.server):
        postgres_server.execute(f'DROP OWNED BY "{role}"', "postgres")
        postgres_server.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_every_audit_entry_names_the_server_login_and_history_shows_it(team: dict[str, Any]) -> None:
    ws = team["open_as"](team["anna"])
    assert ws.user == team["anna"] and ws.read_only is None
    sid = add_pm(ws)
    update_student(ws, sid, notes="Called about the minor")
    record_grade(ws, sid, "PM-PERS", "7,5")
    assert {a.os_user for a in audit_rows(ws) if a.student_id == sid} == {team["anna"]}
    assert {line.user for line in load_record(ws, sid).history} == {team["anna"]}


def test_a_viewer_opens_read_only_and_every_write_is_refused_in_one_line(team: dict[str, Any]) -> None:
    anna = team["open_as"](team["anna"])
    sid = add_pm(anna)
    before = snapshot_db(anna)
    viewer = team["open_as"](team["board"])
    assert viewer.read_only is not None and "may only look" in viewer.read_only
    assert load_record(viewer, sid).student["first_name"] == "Anouk"  # reading works
    with pytest.raises(DatabaseReadOnly, match="may only look"):
        update_student(viewer, sid, first_name="Anna")
    assert "\n" not in viewer.read_only
    assert snapshot_db(anna) == before


def test_the_server_refuses_a_viewers_write_even_when_the_app_is_bypassed(
    team: dict[str, Any], postgres_server: PostgresServer
) -> None:
    anna = team["open_as"](team["anna"])
    sid = add_pm(anna)
    before = snapshot_db(anna)
    # The app's own check switched off: the server still says no.
    viewer = team["open_as"](team["board"])
    viewer.read_only = None
    with pytest.raises(DatabaseReadOnly):
        update_student(viewer, sid, first_name="Anna")
    # And a program that never heard of the app, connected as the viewer, cannot write either.
    url = postgres_server.location(team["name"], team["board"]).server.url()  # type: ignore[union-attr]
    with psycopg.connect(url, autocommit=True) as raw:
        for statement in (
            "UPDATE student SET first_name = 'Anna'",
            "DELETE FROM audit_entry",
            "INSERT INTO cohort (programme_id, start_year) VALUES (1, 2030)",
            "DROP TABLE student",
            "UPDATE restore_generation SET generation = 99",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(statement)
        assert raw.execute("SELECT count(*) FROM student").fetchone() == (1,)  # but reading, yes
    assert snapshot_db(anna) == before


def test_coordinators_write_the_data_but_not_the_tables_and_strangers_cannot_connect(
    team: dict[str, Any], postgres_server: PostgresServer
) -> None:
    url = postgres_server.location(team["name"], team["anna"]).server.url()  # type: ignore[union-attr]
    with psycopg.connect(url, autocommit=True) as raw:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute("DROP TABLE student")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute("UPDATE alembic_version SET version_num = '9999'")
    stranger = f"stranger_{team['name'].split('_', 1)[1]}"
    postgres_server.execute(f'CREATE ROLE "{stranger}" LOGIN')
    try:
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(postgres_server.location(team["name"], stranger).server.url())  # type: ignore[union-attr]
    finally:
        postgres_server.execute(f'DROP ROLE "{stranger}"')


def test_a_viewer_made_a_coordinator_can_write_and_not_the_other_way_round(team: dict[str, Any]) -> None:
    owner = team["owner"].server
    add_user(owner, team["board"], "coordinator", None)
    assert team["open_as"](team["board"]).read_only is None
    add_user(owner, team["board"], "viewer", None)
    assert team["open_as"](team["board"]).read_only is not None


def _rows(location: Location) -> dict[str, list[tuple[Any, ...]]]:
    ws = Workspace.open(location, daily_backup=False)
    try:
        with ws.read() as s:
            return {
                t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key))]
                for t in copying.data_tables()
                if t.name != "audit_entry"
            }
    finally:
        ws.close()


def test_a_copy_to_the_server_and_back_keeps_every_row_and_value(tmp_path: Path, team: dict[str, Any]) -> None:
    from coordinator_app.services.demo import build_demo

    demo = tmp_path / "demo.sqlite"
    build_demo(demo, students=120, seed=3, as_of=date(2025, 11, 24))
    into = copy_database(Location.file(demo), team["owner"])
    assert into.students == 120 and all(a == b for a, b in into.counts.values())
    back = tmp_path / "back.sqlite"
    out = copy_database(team["owner"], Location.file(back))
    assert out.counts["student"] == (120, 120)
    assert _rows(Location.file(demo)) == _rows(team["owner"]) == _rows(Location.file(back))
    # The server's id sequences continue after the copied rows: a new student gets a free id.
    anna = team["open_as"](team["anna"])
    assert add_pm(anna, "2799999") == 121
    assert [a.action for a in audit_rows(anna)][-2:] == ["copy from", "add student"]


def test_a_refused_copy_leaves_the_target_as_it_was(
    tmp_path: Path, team: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = team["open_as"](team["anna"])
    add_pm(anna)
    source = tmp_path / "source.sqlite"
    ws = Workspace.open(source)
    add_imim(ws)
    ws.close()
    before = snapshot_db(anna)
    with pytest.raises(CopyRefused, match="already holds 1 students"):
        copy_database(Location.file(source), team["owner"])
    assert snapshot_db(anna) == before
    # A copy whose counts come out wrong is rolled back whole: here one row of each table goes missing.
    real = copying.copy_rows

    def lossy(src: Any, target: Any, progress: Any = None) -> None:
        real(src, target, progress)
        target.exec_driver_sql("DELETE FROM portfolio_item WHERE id = (SELECT max(id) FROM portfolio_item)")

    monkeypatch.setattr(copying, "copy_rows", lossy)
    empty = Location.file(tmp_path / "never.sqlite")
    with pytest.raises(CopyRefused, match="portfolio_item"):
        copy_database(team["owner"], empty)
    assert not (tmp_path / "never.sqlite").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_server_backup_is_a_portable_sqlite_copy_and_a_restore_keeps_what_was_there(team: dict[str, Any]) -> None:
    anna = team["open_as"](team["anna"])
    sid = add_pm(anna)
    copy = back_up_now(anna)
    assert copy.students == 1 and copy.path.suffix == ".sqlite"
    con = sqlite3.connect(copy.path)
    assert con.execute("SELECT first_name FROM student").fetchall() == [("Anouk",)]
    con.close()
    other = team["open_as"](team["anna"])  # a colleague's window, open meanwhile
    update_student(anna, sid, first_name="Anna")
    result = restore_backup(anna, copy.path)
    assert result.students == 1 and result.safety_copy is not None
    assert load_record(anna, sid).student["first_name"] == "Anouk"
    kept = sqlite3.connect(result.safety_copy)
    assert kept.execute("SELECT first_name FROM student").fetchall() == [("Anna",)]
    kept.close()
    with pytest.raises(DatabaseReplaced):  # the colleague reloads before writing
        update_student(other, sid, notes="typed before the restore")
    assert [b.kind for b in list_backups(anna)] == ["before-restore", "manual"]
    assert load_record(anna, sid).student["notes"] == ""


def test_a_viewer_may_take_a_portable_copy_but_not_restore(team: dict[str, Any]) -> None:
    add_pm(team["open_as"](team["anna"]))
    viewer = team["open_as"](team["board"])
    copy = back_up_now(viewer)
    assert copy.students == 1
    with pytest.raises(DatabaseReadOnly):
        restore_backup(viewer, copy.path)


def test_an_empty_server_database_points_to_server_init(postgres_server: PostgresServer) -> None:
    from coordinator_app.services.errors import DatabaseEmpty

    name = postgres_server.empty_database()
    try:
        with pytest.raises(DatabaseEmpty, match="coordinator-app server init"):
            Workspace.open(postgres_server.location(name))
    finally:
        postgres_server.drop(name)


def test_a_server_database_of_another_application_is_refused(postgres_server: PostgresServer) -> None:
    from coordinator_app.services.errors import ForeignDatabase

    name = postgres_server.empty_database()
    try:
        postgres_server.execute("CREATE TABLE invoices (id int)", name)
        with pytest.raises(ForeignDatabase, match="another application"):
            Workspace.open(postgres_server.location(name))
        with pytest.raises(ForeignDatabase):
            init_server(postgres_server.location(name).server)  # type: ignore[arg-type]
        assert postgres_server.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", name) == [
            ("invoices",)
        ]
    finally:
        postgres_server.drop(name)


def test_demo_tables_written_with_their_own_ids_leave_the_sequences_behind_them(
    postgres_server: PostgresServer, programmes: dict[str, Any]
) -> None:
    from coordinator_app.services.demo import build_demo

    name = postgres_server.new_database()
    try:
        location = postgres_server.location(name)
        build_demo(location, students=30, seed=2, as_of=date(2025, 11, 24))  # type: ignore[arg-type]
        ws = Workspace.open(location, programmes)
        try:
            assert add_pm(ws, "2799999") == 31
            with ws.read() as s:
                assert s.scalar(select(m.Student.id).where(m.Student.student_number == "2799999")) == 31
        finally:
            ws.close()
    finally:
        postgres_server.drop(name)
