"""A workbook read by python-calamine in a child process of its own, with a memory and time limit
(spreadsheets/workbook_reader.py): a file that makes calamine abort takes down only that child.

Where the system can fork, the child is forked for the one workbook by a reading server started
once (spreadsheets/workbook_server.py): starting an interpreter and importing calamine for every
file was most of a small import's time. The import dialog starts the server when it opens
(`start_reader`, off the GUI thread), so a session's first workbook does not wait for that start
either. Elsewhere (Windows) it is an interpreter of its own.
A crash or a time-out becomes a refusal in the coordinator's words (ImportFileError).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.util
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from coordinator_app.spreadsheets import workbook_reader as limits
from coordinator_app.spreadsheets import workbook_server as server
from coordinator_app.spreadsheets.import_file_error import ImportFileError
from coordinator_app.spreadsheets.import_file_error import refuse as _refuse

CHILD_FLAG = "--read-workbook-for-import"  # the frozen app runs the reading child through its own executable


def _child_command() -> list[str]:
    """The reading child: the frozen app's own executable, else this interpreter started with as
    little as it can (`-I -S`: no site-packages scan, no environment), given the folders of this
    package and of python-calamine (workbook_server.START)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-I", "-S", "-c", server.START, *_child_path()]


@functools.cache
def _child_path() -> tuple[str, str]:
    """(the folder holding coordinator_app, the folder holding python_calamine)."""
    spec = importlib.util.find_spec("python_calamine")
    if spec is None or spec.origin is None:
        raise _refuse("Workbooks cannot be read: python-calamine is not installed. Save the list as .csv.")
    return str(Path(__file__).resolve().parents[2]), str(Path(spec.origin).resolve().parents[1])


def _child_environment() -> dict[str, str]:
    """The parent's environment, without a start-up script (the interpreter's -I ignores it too)."""
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    return env


def read_in_child(path: Path) -> tuple[str, Any]:
    """(answer, payload) from a reading child; a crash or time-out becomes a refusal. Where the
    system can fork, the child is forked for this one workbook by the reading server
    (workbook_server.serve), started once; elsewhere (Windows) it is an interpreter of its own."""
    if not hasattr(os, "fork"):
        return _read_in_new_process(path)
    with _SERVER_LOCK:
        return _read_through_server(path)


def _read_in_new_process(path: Path) -> tuple[str, Any]:
    name = path.name
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        done = subprocess.run(
            [*_child_command(), str(path), name],
            capture_output=True,
            timeout=limits.CHILD_SECONDS,
            env=_child_environment(),
            stdin=subprocess.DEVNULL,
            creationflags=flags,
        )
    except subprocess.TimeoutExpired as exc:
        raise _refuse(_too_slow(name)) from exc
    except OSError as exc:
        raise _refuse(_not_started(name, exc)) from exc
    if done.returncode != 0 or not done.stdout:
        raise _refuse(too_big(name))
    return _unpickled(name, done.stdout)


def _unpickled(name: str, answer: bytes) -> tuple[str, Any]:
    try:
        kind, payload = pickle.loads(answer)
    except Exception as exc:
        raise _refuse(too_big(name)) from exc
    return kind, payload


# Longer than the child's own time limit, which the server enforces: past this, the server itself hangs.
SERVER_GRACE_SECONDS = 1.0


class _ServerGone(Exception):
    """The reading server ended, or stopped answering, in the middle of a workbook."""


class _Server:
    """The reading server this process started (workbook_server.serve), with the CPU time it and
    its children had used at its last answer (`reader_cpu`)."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.cpu = 0.0
        self.ready = False  # it said its imports are done (workbook_server.READY)
        self.process = subprocess.Popen(
            [*command, server.SERVE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_child_environment(),
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def read(self, path: Path, seconds: float) -> tuple[int, bytes]:
        """(how the child ended, its answer). Raises _ServerGone, TimeoutError."""
        requests, answers = self.process.stdin, self.process.stdout
        assert requests is not None and answers is not None
        try:
            requests.write(pickle.dumps((str(path), path.name, seconds), protocol=pickle.HIGHEST_PROTOCOL))
            requests.flush()
        except OSError as exc:  # a broken pipe: it ended
            raise _ServerGone from exc
        deadline = time.monotonic() + seconds + SERVER_GRACE_SECONDS
        self.wait_ready(deadline)  # a server started for this workbook: its start counts within the limit
        fd = answers.fileno()  # read raw (os.read), never through the buffered file object
        length, ended, self.cpu = server.HEADER.unpack(_read_exactly(fd, server.HEADER.size, deadline))
        return ended, _read_exactly(fd, length, deadline)

    def wait_ready(self, deadline: float) -> None:
        """Until the server says its imports are done. Raises _ServerGone, TimeoutError."""
        if self.ready:
            return
        assert self.process.stdout is not None
        _, said, self.cpu = server.HEADER.unpack(
            _read_exactly(self.process.stdout.fileno(), server.HEADER.size, deadline)
        )
        if said != server.READY:
            raise _ServerGone
        self.ready = True

    def stop(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()  # end of its requests: it ends
        try:
            self.process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        if not select.select([fd], [], [], left)[0]:
            continue
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise _ServerGone
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


_SERVER_LOCK = threading.Lock()  # one workbook at a time through the server (imports run off the GUI thread)
_server: _Server | None = None


def _running() -> _Server:
    """The reading server, started when none runs (or it ended). Raises OSError. Under _SERVER_LOCK."""
    global _server
    command = _child_command()
    if _server is None or _server.command != command or not _server.alive():
        stop_reader()
        _server = _Server(command)
    return _server


def start_reader() -> None:
    """Start the reading server now, unless one runs, and wait until its imports are done: the import
    dialog calls this when it opens, off the GUI thread, so the coordinator's first workbook is read by
    a server that is ready (its start was ~0.04 s of a 1,000-row import's ~0.1 s). Nothing where the
    system cannot fork. A server that fails to start is left alone here: the import says so."""
    if not hasattr(os, "fork"):
        return
    with _SERVER_LOCK:
        try:
            _running().wait_ready(time.monotonic() + limits.CHILD_SECONDS + SERVER_GRACE_SECONDS)
        except (OSError, _ServerGone, TimeoutError, ImportFileError):
            stop_reader()


def _read_through_server(path: Path) -> tuple[str, Any]:
    name = path.name
    try:
        reading = _running()
    except OSError as exc:
        raise _refuse(_not_started(name, exc)) from exc
    try:
        ended, answer = reading.read(path, limits.CHILD_SECONDS)
    except _ServerGone as exc:
        stop_reader()
        raise _refuse(too_big(name)) from exc
    except TimeoutError as exc:
        stop_reader()
        raise _refuse(_too_slow(name)) from exc
    if ended == server.TIMED_OUT:
        raise _refuse(_too_slow(name))
    if ended != server.ANSWERED or not answer:
        raise _refuse(too_big(name))
    return _unpickled(name, answer)


def stop_reader() -> None:
    """End the reading server, if one runs (the next workbook starts another)."""
    global _server
    if _server is not None:
        server, _server = _server, None
        server.stop()


atexit.register(stop_reader)  # its end of the requests closed and waited for, not left to the collector


def reader_cpu() -> float:
    """CPU seconds the running reading server and the children it forked had used at its last
    answer (0 when none runs): the part of an import's CPU this process's own counters cannot see."""
    return _server.cpu if _server is not None else 0.0


def _too_slow(name: str) -> str:
    return (
        f"{name} took longer than {limits.CHILD_SECONDS:.0f} s to read and was left alone: it is far "
        "larger than a student or results list, or damaged. Save the list itself as a new .xlsx or "
        ".csv file and import that."
    )


def _not_started(name: str, exc: OSError) -> str:
    return f"{name} could not be read: the reader could not be started ({exc.strerror or exc})."


def too_big(name: str) -> str:
    return (
        f"{name} could not be read within the memory an import may use: it holds far more cells than a student "
        "or results list (perhaps cells far outside the list; in Excel, Ctrl+End shows the last cell in use), or "
        "it is damaged. Save the list itself as a new .xlsx or .csv file and import that."
    )
