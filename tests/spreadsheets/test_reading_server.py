"""The reading server (spreadsheets/reading_child.py, workbook_server.serve): one process, started once,
that forks a fresh child for each workbook, so a workbook is still read in a process of its own
under the memory and time limits, without an interpreter started for every file. The child for the
next workbook is forked ahead and waits; one that ended meanwhile is replaced."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from coordinator_app.spreadsheets import reading_child as reading
from coordinator_app.spreadsheets import workbook_reader as limits
from coordinator_app.spreadsheets.import_file_error import ImportFileError

from .hostile_helpers import xlsx

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the reading server forks (POSIX only)")


def _results(path: Path, grade: float = 7.5) -> Path:
    return xlsx(path, [["Studentnummer", "Cijfer"], ["2600001", grade], ["2600002", 5.0]])


def _server_pid() -> int:
    assert reading._server is not None
    return reading._server.process.pid


def _children_of(pid: int) -> list[int] | None:
    """The processes `pid` has now (Linux), None where the system does not say."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return None


def _waiting_child(server: int) -> int | None:
    """The one child the server keeps ready for the next workbook, once it is there (it is forked
    after an answer is written); None where the system does not say which processes it has."""
    deadline = time.monotonic() + 5.0
    while (children := _children_of(server)) is not None:
        if len(children) == 1:
            return children[0]
        assert len(children) < 2, children  # never more than the one that waits
        assert time.monotonic() < deadline, "no child was made ready for the next workbook"
        time.sleep(0.01)
    return None


def _ended(pid: int) -> bool:
    """The process is gone and was waited for (no zombie left)."""
    deadline = time.monotonic() + 5.0
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_each_workbook_is_read_by_a_child_of_the_one_server(tmp_path: Path) -> None:
    answer, sheet = reading.read_in_child(_results(tmp_path / "a.xlsx"))
    assert answer == "ok" and sheet.columns == [["2600001", "2600002"], [7.5, 5.0]]
    server = _server_pid()
    ready = _waiting_child(server)
    answer, sheet = reading.read_in_child(_results(tmp_path / "b.xlsx", 8.0))
    assert answer == "ok" and sheet.columns[1] == [8.0, 5.0]
    assert _server_pid() == server
    if ready is None:
        pytest.skip("the system does not say which processes the server has")
    # The child that waited read b.xlsx and ended with it; a fresh one waits for the next workbook.
    assert _ended(ready)
    assert _waiting_child(server) not in (None, ready)


def test_a_waiting_child_that_ended_is_replaced_for_the_next_workbook(tmp_path: Path) -> None:
    path = _results(tmp_path / "s.xlsx")
    reading.read_in_child(path)
    server = _server_pid()
    ready = _waiting_child(server)
    if ready is None:
        pytest.skip("the system does not say which processes the server has")
    os.kill(ready, signal.SIGKILL)  # as the system might end it while it waits
    deadline = time.monotonic() + 5.0
    while Path(f"/proc/{ready}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":  # ended, not yet reaped
        assert time.monotonic() < deadline
        time.sleep(0.01)
    answer, sheet = reading.read_in_child(path)
    assert answer == "ok" and sheet.columns[1] == [7.5, 5.0]
    assert _server_pid() == server
    assert _ended(ready)


def test_the_servers_end_ends_its_waiting_child(tmp_path: Path) -> None:
    reading.read_in_child(_results(tmp_path / "s.xlsx"))
    server = _server_pid()
    ready = _waiting_child(server)
    if ready is None:
        pytest.skip("the system does not say which processes the server has")
    reading.stop_reader()
    assert _ended(server)
    assert _ended(ready)


def test_a_child_past_its_time_is_ended_and_the_server_reads_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _results(tmp_path / "s.xlsx")
    reading.read_in_child(path)
    server = _server_pid()
    monkeypatch.setattr(limits, "CHILD_SECONDS", 0.0)
    with pytest.raises(ImportFileError, match="took longer than 0 s to read"):
        reading.read_in_child(path)
    monkeypatch.undo()
    assert reading.read_in_child(path)[0] == "ok"
    assert _server_pid() == server
    assert _waiting_child(server) is not None or _children_of(server) is None  # the one it ended was waited for


def test_a_server_that_ended_is_started_again(tmp_path: Path) -> None:
    path = _results(tmp_path / "s.xlsx")
    reading.read_in_child(path)
    gone = _server_pid()
    os.kill(gone, signal.SIGKILL)
    assert reading._server is not None
    reading._server.process.wait()
    assert reading.read_in_child(path)[0] == "ok"
    assert _server_pid() != gone


def test_the_cpu_of_the_children_is_reported(tmp_path: Path) -> None:
    path = _results(tmp_path / "s.xlsx")
    reading.read_in_child(path)
    before = reading.reader_cpu()
    reading.read_in_child(path)
    assert reading.reader_cpu() > before
    reading.stop_reader()
    assert reading.reader_cpu() == 0.0 and reading._server is None


def test_a_server_started_ahead_is_ready_and_reads_the_first_workbook(tmp_path: Path) -> None:
    reading.stop_reader()
    reading.start_reader()  # as the import dialog does when it opens
    assert reading._server is not None and reading._server.ready
    started = _server_pid()
    assert reading.reader_cpu() > 0.0  # its start, reported with READY
    reading.start_reader()  # one runs: nothing more is started
    assert _server_pid() == started
    answer, sheet = reading.read_in_child(_results(tmp_path / "a.xlsx"))
    assert answer == "ok" and sheet.columns[1] == [7.5, 5.0]
    assert _server_pid() == started


def test_a_server_started_ahead_that_ended_is_replaced_at_the_first_workbook(tmp_path: Path) -> None:
    reading.start_reader()
    gone = _server_pid()
    os.kill(gone, signal.SIGKILL)
    assert reading._server is not None
    reading._server.process.wait()
    assert reading.read_in_child(_results(tmp_path / "a.xlsx"))[0] == "ok"
    assert _server_pid() != gone


def test_the_servers_warm_up_reads_its_own_workbook_as_a_coordinators_is_read() -> None:
    # The server's children inherit what this first read sets up; it must read what it wrote (a refusal
    # or another reading would only be swallowed by the server, and every child would pay again).
    limits.warm_up()
