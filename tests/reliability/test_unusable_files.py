"""A file where the database should be that is empty, schema-less, damaged or not a database
(issue 11, items 2, 11, 15): refused by every command, named with the newest good backup, left
byte for byte as it was and with no -wal/-shm beside it; `check` gives a verdict, never a traceback."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from coordinator_app.cli import main
from coordinator_app.services.backups import back_up_now, inspect_backup
from coordinator_app.services.students import NewStudent, add_student, count_students
from coordinator_app.services.workspace import Workspace
from coordinator_app.store.errors import DatabaseCorrupt, DatabaseEmpty, NotADatabase
from tests.reliability.process_helpers import REPO

EXAMPLES = REPO / "docs" / "examples"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _schema_less(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")  # what `sqlite3 file ""` or a killed first start leaves
    con.execute("PRAGMA user_version = 1")
    con.close()


def _text(path: Path) -> None:
    path.write_text("student_number;name\n2600001;Anouk\n", encoding="utf-8")


def _damaged(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    roots = [
        r[0] for r in con.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'student' AND rootpage > 0")
    ]
    con.close()
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    with path.open("r+b") as handle:
        for root in roots:
            handle.seek((root - 1) * page_size)
            handle.write(b"\xde\xad\xbe\xef" * (page_size // 8))


SPOILERS: dict[str, Callable[[Path], None]] = {
    "empty": _empty,
    "schema-less": _schema_less,
    "text": _text,
    "damaged": _damaged,
}


@pytest.fixture(scope="session")
def good_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A folder with a database of 4 students and a manual backup of it beside it (backups/), built
    once per session; returns (folder, the backup's name)."""
    folder = tmp_path_factory.mktemp("good")
    ws = Workspace.open(folder / "coordinator.sqlite")
    for i in range(4):
        add_student(ws, NewStudent("PM", 2024, f"25{i:05d}", f"Kept{i}", "Smit"))
    copy = back_up_now(ws).path
    ws.close()
    return folder, copy.name


@pytest.fixture
def good_copy(tmp_path: Path, good_folder: tuple[Path, str]) -> tuple[Path, Path]:
    """A copy of that folder in the test's own (the database and its backups, times kept); returns
    (database, backup)."""
    folder, backup = good_folder
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    return tmp_path / "coordinator.sqlite", tmp_path / "backups" / backup


def _spoil(path: Path, how: str) -> None:
    if how != "damaged":
        for side in ("", "-wal", "-shm"):
            Path(f"{path}{side}").unlink(missing_ok=True)
    SPOILERS[how](path)


COMMANDS = {
    "check": lambda db, tmp: ["check", "--db", db],
    "attention": lambda db, tmp: ["attention", "--db", db],
    "export": lambda db, tmp: ["export", "--db", db, "-o", str(tmp / "out.xlsx")],
    "import": lambda db, tmp: ["import", "--db", db, str(EXAMPLES / "studenten.csv"), "--dry-run"],
    "backup": lambda db, tmp: ["backup", "--db", db],
}


@pytest.mark.parametrize("how", list(SPOILERS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_the_file_names_the_newest_good_backup_and_leaves_it_untouched(
    good_copy: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str, command: str
) -> None:
    path, copy = good_copy
    _spoil(path, how)
    digest, names = _digest(path), _siblings(path)
    assert main(COMMANDS[command](str(path), tmp_path)) == 1
    captured = capsys.readouterr()
    report = command == "check" and how == "damaged"  # damage is what check reports on
    said = captured.out if report else captured.err
    assert "Traceback" not in captured.out + captured.err
    assert copy.name in said and "coordinator-app restore" in said  # the way back, in the message
    assert "None students" not in captured.out
    if report:
        assert said.startswith(f"Database:   {path}\nVerdict:    ") and len(said.splitlines()) == 2
    else:
        assert len(captured.err.strip().splitlines()) == 1  # one line, like every refusal
    assert _digest(path) == digest  # byte for byte as it was
    created = _siblings(path) - names
    # Nothing created beside a file that is not ours; SQLite's own -wal/-shm beside our damaged database
    # (opened before its first page was found damaged) are harmless and hold nothing.
    assert created <= ({"coordinator.sqlite-wal", "coordinator.sqlite-shm"} if how == "damaged" else set())
    assert not (tmp_path / "out.xlsx").exists()


def test_workspace_open_refuses_an_empty_file_instead_of_starting_a_new_database(good_copy: tuple[Path, Path]) -> None:
    path, copy = good_copy
    _empty(path)
    with pytest.raises(DatabaseEmpty, match="empty") as caught:
        Workspace.open(path)
    assert caught.value.newest_backup == copy
    assert path.stat().st_size == 0
    assert [p.name for p in (path.parent / "backups").iterdir()] == [copy.name]  # no empty daily copy


def test_the_newest_good_backup_skips_damaged_copies(good_copy: tuple[Path, Path]) -> None:
    path, copy = good_copy
    newer = copy.with_name(copy.name.replace("manual", "daily").replace(copy.name[12:27], "20991231-235959"))
    newer.write_bytes(copy.read_bytes())
    _damaged(newer)
    _damaged(path)
    with pytest.raises(DatabaseCorrupt) as caught:
        Workspace.open(path)  # today's copy fails its check: the open stops
    assert caught.value.newest_backup == copy
    ws = Workspace.open(path, daily_backup=False)  # no check at this open: the damage shows at use
    with pytest.raises(DatabaseCorrupt) as caught:
        count_students(ws)
    ws.close()
    assert caught.value.newest_backup == copy and copy.name in str(caught.value)


def test_only_a_path_without_a_file_is_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "coordinator.sqlite"
    Workspace.open(path).close()
    assert path.stat().st_size > 0
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_a_new_database_appears_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first start that dies while the schema is being made leaves no empty file that every later
    start would refuse."""
    from coordinator_app.store import migrate

    def dies(_engine: object, revision: str = "head") -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(migrate, "upgrade", dies)
    path = tmp_path / "coordinator.sqlite"
    with pytest.raises(KeyboardInterrupt):
        Workspace.open(path)
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir()] == []
    monkeypatch.undo()
    Workspace.open(path).close()


def test_check_gives_a_verdict_on_damage_its_own_checks_trip_over(
    good_copy: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The damage `check` exists to find (student pages overwritten) made its foreign-key check raise
    outside the error translation: a traceback. Also when today's backup exists (no check at open)."""
    path, _copy = good_copy
    Workspace.open(path).close()  # today's automatic copy is made
    _damaged(path)
    assert main(["check", "--db", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "Verdict:    The database file" in captured.out and "damaged" in captured.out
    assert "The newest good backup is" in captured.out and len(captured.out.splitlines()) == 2


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_check_on_a_pipe_or_a_folder_answers_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    for target, says in ((fifo, "not a database file"), (folder, "is a folder; --db takes a database file")):
        result = subprocess.run(
            [sys.executable, "-m", "coordinator_app", "check", "--db", str(target)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert says in result.stderr and "Traceback" not in result.stdout + result.stderr


def test_backing_up_an_empty_file_never_says_none_students(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "coordinator.sqlite"
    _empty(path)
    assert main(["backup", "--db", str(path)]) == 1
    captured = capsys.readouterr()
    assert "None" not in captured.out + captured.err and "empty (0 bytes)" in captured.err
    assert not (tmp_path / "backups").exists()


def test_looking_at_another_applications_wal_database_leaves_no_files_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices (total) VALUES (12.5)")
    con.commit()
    con.close()
    assert _siblings(other) == {"other.sqlite"}
    digest = _digest(other)
    info = inspect_backup(other)
    assert info.problem is not None and "another application" in info.problem
    ours = tmp_path / "ours.sqlite"
    Workspace.open(ours).close()
    for argv in (
        ["backup", "--db", str(other)],
        ["check", "--db", str(other)],
        ["restore", "--db", str(ours), str(other)],
        ["restore", "--db", str(other), str(ours)],
    ):
        assert main(argv) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert _digest(other) == digest
    assert {p.name for p in tmp_path.iterdir() if p.name.startswith("other")} == {"other.sqlite"}


def test_refusals_are_not_a_database_problems_the_window_knows(good_copy: tuple[Path, Path]) -> None:
    path, _copy = good_copy
    _text(path)
    with pytest.raises(NotADatabase, match="not an SQLite file"):
        Workspace.open(path)
