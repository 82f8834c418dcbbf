"""Back up now, the daily copy and its retention, listing, restore (and its refusals), the CLI."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coordinator_app.cli import main
from coordinator_app.services.backups import (
    BackupUnusable,
    back_up_now,
    inspect_backup,
    list_backups,
    restore_backup,
)
from coordinator_app.services.checks import run_checks
from coordinator_app.services.students import NewStudent, add_student, count_students, remove_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.backup import DAILY_KEEP, backup_files, backup_to, daily_backup, new_backup_path
from coordinator_app.store.engine import make_engine
from coordinator_app.store.errors import DatabaseReplaced, DatabaseTooNew
from coordinator_app.store.migrate import upgrade
from tests.reliability.process_helpers import query


def _add(ws: Workspace, n: int, start: int = 0) -> list[int]:
    return [
        add_student(ws, NewStudent("PM", 2024, f"28{i:05d}", f"Student{i}", "Jansen")) for i in range(start, start + n)
    ]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ws(make_workspace: Any):  # type: ignore[no-untyped-def]
    ws = make_workspace(
        "coordinator.sqlite", today=None
    )  # a copy of the blank database built once (tests/conftest.py), not a new one
    _add(ws, 3)
    yield ws
    ws.close()


def test_back_up_now_makes_a_listed_copy_with_its_student_count(ws: Workspace) -> None:
    info = back_up_now(ws)
    assert info.path.parent == ws.path.parent / "backups"
    assert info.kind == "manual" and info.students == 3 and info.usable
    assert query(info.path, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert not list(info.path.parent.glob("*-wal"))
    listed = list_backups(ws)
    assert [b.path for b in listed] == [info.path]
    assert listed[0].students == 3 and listed[0].kind_label == "made by hand"
    assert "back up" in {r[0] for r in query(ws.path, "SELECT action FROM audit_entry")}


def test_backup_is_consistent_while_another_instance_holds_the_write_lock(ws: Workspace) -> None:
    other = sqlite3.connect(ws.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE student SET first_name = 'Uncommitted'")
    try:
        info = back_up_now(ws.path)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert info.students == 3
    assert "Uncommitted" not in {r[0] for r in query(info.path, "SELECT first_name FROM student")}


def test_daily_backup_once_per_day_keeping_the_last_14(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    first = date(2025, 11, 1)
    # A pre-migration copy, a hand-made one and a before-restore one are never pruned.
    keep = [
        backup_to(ws.path, new_backup_path(ws.path, "before-migration", folder, "0001", datetime(2025, 10, 1))),
        backup_to(ws.path, new_backup_path(ws.path, "manual", folder, now=datetime(2025, 10, 2))),
        backup_to(ws.path, new_backup_path(ws.path, "before-restore", folder, now=datetime(2025, 10, 3))),
    ]
    made = []
    for day in range(20):
        copy = daily_backup(ws.path, today=first + timedelta(days=day))
        assert copy is not None
        made.append(copy)
        assert daily_backup(ws.path, today=first + timedelta(days=day)) is None  # second open that day
    daily = [f for f in backup_files(ws.path, folder) if f.kind == "daily"]
    assert len(daily) == DAILY_KEEP == 14
    assert [f.path for f in daily] == list(reversed(made[-14:]))  # the newest 14
    assert all(p.exists() for p in keep)
    assert not any(p.exists() for p in made[:6])


def test_workspace_open_makes_the_daily_copy_but_not_for_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite"
    Workspace.open(path).close()
    assert list_backups(path) == []  # nothing to protect yet
    Workspace.open(path).close()
    Workspace.open(path).close()
    copies = list_backups(path)
    assert [c.kind for c in copies] == ["daily"]
    assert copies[0].taken_at.date() == date.today()


def test_a_failing_daily_backup_does_not_stop_the_work(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Workspace.open(path).close()
    (tmp_path / "backups").write_text("a file where the folder should be")
    ws = Workspace.open(path)  # the copy fails; opening does not
    assert count_students(ws) == 0
    ws.close()


def test_restore_backs_up_first_and_the_restored_copy_passes_check(ws: Workspace) -> None:
    copy = back_up_now(ws)
    before_report = run_checks(ws)
    ids = _add(ws, 4, start=10)
    remove_student(ws, ids[0])
    assert count_students(ws) == 6
    result = restore_backup(ws, copy.path)
    assert result.students == count_students(ws) == 3
    assert result.safety_copy is not None and result.safety_copy.exists()
    assert inspect_backup(result.safety_copy).students == 6  # the restore can be undone
    report = run_checks(ws)
    assert report.integrity == "ok" and report.schema == report.latest_schema
    assert report.students == 3 and report.violations == before_report.violations
    assert "restore from backup" in {r[0] for r in query(ws.path, "SELECT action FROM audit_entry")}
    # The workspace keeps working on the restored database.
    _add(ws, 1, start=50)
    assert count_students(ws) == 4


def test_restoring_into_a_database_another_instance_has_open(ws: Workspace, tmp_path: Path) -> None:
    copy = back_up_now(ws)
    other = Workspace.open(ws.path, daily_backup=False)  # the second window
    _add(other, 2, start=20)
    restore_backup(ws, copy.path)
    assert count_students(other) == 3  # it sees the restored data, not a mix
    # Its next edit was made on data that is gone: refused, nothing written (issue 11) ...
    with pytest.raises(DatabaseReplaced, match="restored from a backup"):
        _add(other, 1, start=30)
    assert count_students(ws) == 3
    # ... until it has reloaded what it shows (the window does so by itself).
    assert other.was_replaced()
    other.adopt_restored()
    _add(other, 1, start=30)
    assert count_students(ws) == 4
    other.close()
    assert query(ws.path, "PRAGMA integrity_check") == [("ok",)]


def test_restore_of_an_older_schema_copy_upgrades_it(tmp_path: Path) -> None:
    old = tmp_path / "old-copy.sqlite"
    engine = make_engine(old)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO programme (id, code, name) VALUES (1, 'PM', 'Master Personalized Medicine')")
        conn.exec_driver_sql("INSERT INTO cohort (id, programme_id, start_year) VALUES (1, 1, 2023)")
        conn.exec_driver_sql(
            "INSERT INTO student (id, programme_id, cohort_id, student_number, first_name, last_name, email, status,"
            " tuition_paid, enrolled, ec_earned, participation_fee_paid)"
            " VALUES (1, 1, 1, '2600001', 'Old', 'Copy', '', 'active', 1, 1, 0, 0)"
        )
    engine.dispose()
    ws = Workspace.open(tmp_path / "current.sqlite")
    _add(ws, 2)
    result = restore_backup(ws, old)
    assert result.students == 1
    report = run_checks(ws)
    assert report.schema == report.latest_schema and report.integrity == "ok"
    ws.close()


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 a spreadsheet, not a database"), "not a Coordinator App database"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(), "another application"),
    ],
)
def test_restore_refuses_a_file_that_is_not_ours_and_changes_nothing(
    ws: Workspace, tmp_path: Path, make, match
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.sqlite"
    make(bad)
    before = count_students(ws)
    with pytest.raises(BackupUnusable, match=match) as caught:
        restore_backup(ws, bad)
    assert "Nothing was changed" in str(caught.value)
    assert count_students(ws) == before
    assert [b.kind for b in list_backups(ws)] == []  # not even a before-restore copy


def test_restore_refuses_a_damaged_copy(ws: Workspace) -> None:
    copy = back_up_now(ws)
    with copy.path.open("r+b") as handle:
        handle.seek(2 * 4096)
        handle.write(b"\x00\xff" * 2048)
    with pytest.raises(BackupUnusable, match=r"damaged|cannot be read"):
        restore_backup(ws, copy.path)
    assert count_students(ws) == 3


def test_restore_refuses_a_copy_from_a_newer_version(ws: Workspace, tmp_path: Path) -> None:
    copy = back_up_now(ws)
    con = sqlite3.connect(copy.path)
    con.execute("UPDATE alembic_version SET version_num = '0099_future'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseTooNew, match="newer version"):
        restore_backup(ws, copy.path)
    assert count_students(ws) == 3


def test_restore_refuses_the_database_itself(ws: Workspace) -> None:
    with pytest.raises(BackupUnusable, match="database itself"):
        restore_backup(ws, ws.path)


def test_listing_ignores_unfinished_and_foreign_files(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    good = back_up_now(ws)
    (folder / f".{good.path.name}.abc123.partial").write_bytes(b"SQLite format 3\x00half")
    (folder / "notes.txt").write_text("hello")
    (folder / "other-20250101-120000-daily.sqlite").write_bytes(b"")  # another database's copy
    assert [b.path for b in list_backups(ws)] == [good.path]


def test_two_copies_in_the_same_second_get_their_own_names(ws: Workspace) -> None:
    now = datetime(2025, 11, 24, 9, 30, 0)
    folder = ws.path.parent / "backups"
    a = backup_to(ws.path, new_backup_path(ws.path, "manual", folder, now=now))
    b = backup_to(ws.path, new_backup_path(ws.path, "manual", folder, now=now))
    assert a != b and a.exists() and b.exists()
    assert [f.path for f in backup_files(ws.path, folder)] == [b, a]


def test_cli_backup_list_and_restore(ws: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws.close()
    out_file = tmp_path / "elsewhere" / "copy.sqlite"
    assert main(["backup", "--db", str(ws.path), "-o", str(out_file)]) == 1  # a folder given is never made
    assert "There is no folder" in capsys.readouterr().err and not out_file.parent.exists()
    out_file.parent.mkdir()
    assert main(["backup", "--db", str(ws.path), "-o", str(out_file)]) == 0
    assert "3 students" in capsys.readouterr().out
    assert inspect_backup(out_file).students == 3
    assert main(["backup", "--db", str(ws.path), "-o", str(out_file)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err
    assert main(["backup", "--db", str(ws.path)]) == 0
    assert main(["backup", "--db", str(ws.path), "--list"]) == 0
    listing = capsys.readouterr().out
    assert "made by hand" in listing and "3 students" in listing

    reopened = Workspace.open(ws.path, daily_backup=False)
    _add(reopened, 2, start=40)
    reopened.close()
    assert main(["restore", "--db", str(ws.path), str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "3 students" in out and "before-restore" in out
    assert main(["check", "--db", str(ws.path)]) in (0, 1)
    assert "Integrity:  ok" in capsys.readouterr().out
    assert query(ws.path, "SELECT count(*) FROM student") == [(3,)]


def test_cli_refuses_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--db", str(tmp_path / "missing.sqlite")]) == 1
    assert "no database" in capsys.readouterr().err
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database")
    digest = _digest(text)
    assert main(["backup", "--db", str(text)]) == 1
    err = capsys.readouterr().err
    assert "not a Coordinator App database" in err and "Traceback" not in err
    assert main(["restore", "--db", str(tmp_path / "new.sqlite"), str(text)]) == 1
    assert "cannot be restored" in capsys.readouterr().err
    assert _digest(text) == digest


def test_a_colleague_saving_just_after_the_swap_does_not_make_a_done_restore_read_as_failed(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seen in CI: the restore was committed, then the programme-table sync that follows it waited
    # out the busy timeout behind another writer and the coordinator read "Nothing was saved".
    from coordinator_app.store.errors import BUSY_MESSAGE, DatabaseBusy

    copy = back_up_now(ws)
    _add(ws, 2, start=10)

    def busy(self: Workspace) -> None:
        raise DatabaseBusy(BUSY_MESSAGE)

    monkeypatch.setattr(Workspace, "sync_programmes", busy)
    result = restore_backup(ws, copy.path)
    assert result.students == count_students(ws) == 3
