"""A database file on a network share opens read-only and says why (issue 13, item 7).

The mount table is Linux's own text (/proc/self/mountinfo); the share is made by pointing the app's
look-up at a mount table in which the test's folder is an NFS or CIFS mount."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from coordinator_app.cli import main
from coordinator_app.services.errors import DatabaseReadOnly
from coordinator_app.services.students import NewStudent, add_student
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import network_share

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/team\\040share rw,relatime shared:20 - cifs //fileserver/programme rw,vers=3.1.1
41 22 0:36 / /home rw,relatime shared:21 - nfs4 nas:/export/home rw,vers=4.2
42 41 8:2 / /home/local rw,relatime shared:22 - ext4 /dev/sda2 rw
"""


def test_the_mount_holding_a_path_is_the_longest_that_contains_it() -> None:
    assert network_share.mount_type(MOUNTINFO, Path("/mnt/team share/pm.sqlite")) == "cifs"
    assert network_share.mount_type(MOUNTINFO, Path("/home/anna/pm.sqlite")) == "nfs4"
    assert network_share.mount_type(MOUNTINFO, Path("/home/local/pm.sqlite")) == "ext4"  # a disk inside the share
    assert network_share.mount_type(MOUNTINFO, Path("/homework/pm.sqlite")) == "ext4"  # not /home
    assert network_share.mount_type(MOUNTINFO, Path("/tmp/pm.sqlite")) == "ext4"


def test_this_machines_own_folders_are_not_shares(tmp_path: Path) -> None:
    assert network_share.network_file_system(tmp_path / "pm.sqlite") is None


@pytest.fixture
def on_a_share(tmp_path: Path, make_workspace: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database made on a local disk, then its folder seen as an NFS mount."""
    ws = make_workspace(
        "pm.sqlite", today=None
    )  # a copy of the blank database built once (tests/conftest.py), not a new one
    path = ws.path
    add_student(ws, NewStudent("PM", 2024, "2712345", "Anouk", "de Vries"))
    ws.close()
    table = f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n50 22 0:40 / {tmp_path} rw - nfs4 nas:/pm rw\n"
    monkeypatch.setattr(network_share, "MOUNTINFO", tmp_path / "mountinfo")
    (tmp_path / "mountinfo").write_text(table)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_on_a_share_opens_read_only_says_why_and_is_never_written(on_a_share: Path) -> None:
    before = _digest(on_a_share)
    ws = Workspace.open(on_a_share)
    try:
        assert ws.read_only is not None
        assert "network share (nfs4)" in ws.read_only and "team mode" in ws.read_only
        with ws.read() as s:
            assert s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM student")).scalar() == 1
        with pytest.raises(DatabaseReadOnly, match="network share"):
            add_student(ws, NewStudent("PM", 2024, "2712346", "Daan", "Bakker"))
        assert ws.daily_backup() is None
    finally:
        ws.close()
    assert _digest(on_a_share) == before
    assert sorted(p.name for p in on_a_share.parent.iterdir()) == ["mountinfo", "pm.sqlite"]  # no -wal, no backups


@pytest.mark.slow  # over half a second of processor time on a quiet machine (docs/testing.md)
def test_the_command_line_reads_from_a_share_and_refuses_to_write_in_one_line(
    on_a_share: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["attention", "--db", str(on_a_share)]) == 0
    capsys.readouterr()
    assert main(["import", "--db", str(on_a_share), "docs/examples/studenten.csv"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "network share" in err


def test_no_new_database_is_made_on_a_share(tmp_path: Path, on_a_share: Path) -> None:
    with pytest.raises(Exception, match="none is created on a network share"):
        Workspace.open(tmp_path / "new.sqlite")
    assert not (tmp_path / "new.sqlite").exists()
