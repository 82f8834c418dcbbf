"""Owner-only files on POSIX (database, backups, logs) and logs without names or grades."""

from __future__ import annotations

import logging
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy import insert

from coordinator_app import logging_setup
from coordinator_app.domain.grades import parse_grade
from coordinator_app.services.backups import back_up_now, restore_backup
from coordinator_app.services.courses import record_grade
from coordinator_app.services.students import NewStudent, add_student, update_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m
from coordinator_app.store.backup import backup_to, new_backup_path, pre_migration_backup

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def log_folder(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "logs"
    path = logging_setup.setup_logging(folder)
    yield path
    logging_setup.shutdown_logging()


@posix_only
def test_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "new-data-folder" / "coordinator.sqlite"
    ws = Workspace.open(path)
    add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries"))
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    for sidecar in path.parent.glob("coordinator.sqlite-*"):  # -wal, -shm
        assert _mode(sidecar) == 0o600, sidecar
    ws.close()


@posix_only
def test_backups_are_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)
    ws = Workspace.open(tmp_path / "coordinator.sqlite")
    add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries"))
    folder = tmp_path / "backups"
    copies = [
        back_up_now(ws).path,
        pre_migration_backup(ws.path, "0001", folder),
        backup_to(ws.path, new_backup_path(ws.path, "daily", folder)),
    ]
    copies.append(restore_backup(ws, copies[0]).safety_copy)  # type: ignore[arg-type]
    assert _mode(folder) == 0o700
    for copy in copies:
        assert _mode(copy) == 0o600, copy
    ws.close()


@posix_only
def test_log_files_are_owner_only_even_after_rotation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.umask(0o022)
    monkeypatch.setattr(logging_setup, "MAX_BYTES", 2_000)
    path = logging_setup.setup_logging(tmp_path / "logs")
    try:
        log = logging.getLogger("coordinator_app.test")
        for i in range(200):
            log.info("filler line %d to force a rollover", i)
        rotated = sorted(path.parent.glob("coordinator-app.log*"))
        assert len(rotated) >= 3
        assert _mode(path.parent) == 0o700
        for file in rotated:
            assert _mode(file) == 0o600, file
    finally:
        logging_setup.shutdown_logging()


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_logs_hold_no_names_grades_or_student_numbers(
    tmp_path: Path, log_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coordinator_app.ui import errors

    shown: list[errors.Problem] = []
    # If another test already made a QApplication, the hook would open the (modal) dialog.
    monkeypatch.setattr(errors.ProblemDialog, "show_problem", classmethod(lambda cls, p, parent=None: None))
    ws = Workspace.open(tmp_path / "coordinator.sqlite")
    sid = add_student(ws, NewStudent("PM", 2024, "2755555", "Zoë", "Verhoeven-Bakker", "zoe.verhoeven@example.org"))
    record_grade(ws, sid, "PM-PERS", "9,7")
    update_student(ws, sid, notes="Verhoeven asked about the 9,7")
    copy = back_up_now(ws)
    restore_backup(ws, copy.path)
    hook = errors.ExceptionHook()
    # A typed value quoted in a message, and an SQL error whose parameters are the student's data.
    for raiser in (
        lambda: parse_grade("Verhoeven 9,7"),
        lambda: _duplicate_insert(ws),
        lambda: (_ for _ in ()).throw(RuntimeError("Zoë Verhoeven-Bakker 2755555 9.7")),
    ):
        try:
            raiser()
        except Exception:
            hook(*sys.exc_info())  # type: ignore[arg-type]   # no window here: logged + one line on stderr
            shown.append(errors.describe(*sys.exc_info()))  # type: ignore[arg-type]
    ws.close()
    logging.getLogger().handlers[-1].flush()

    text = log_folder.read_text(encoding="utf-8")
    assert "backup written" in text and "restored from" in text  # the log is really written
    assert "IntegrityError" in text and "DomainError" in text and "RuntimeError" in text
    for secret in ("Zoë", "Verhoeven", "Bakker", "2755555", "zoe.verhoeven"):
        assert secret not in text, secret
    assert not re.search(r"(?<![\d.])9[.,]7(?!\d)", text), "a grade is in the log"
    assert len(shown) == 3
    # The copyable details in the dialog are just as clean.
    for problem in shown:
        assert "Verhoeven" not in problem.details and "2755555" not in problem.details


def _duplicate_insert(ws: Workspace) -> None:
    with ws.write() as s:
        row = s.query(m.Student).one()
        values = {c.name: getattr(row, c.name) for c in m.Student.__table__.columns if c.name != "id"}
        s.execute(insert(m.Student), [values])
