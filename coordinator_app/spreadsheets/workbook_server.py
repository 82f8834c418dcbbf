"""How a reading child starts (`child_main`, `START`), and the reading server (POSIX): ONE process
that forks a fresh child to read each workbook.

Starting an interpreter and importing calamine, zipfile and pickle was most of a small import's
time (~0.03 s of CPU for every workbook, against ~0.01 s of reading a 1,000-row list). So where
the system can fork, the parent starts ONE process like the reading child (`child_main`), which imports all that
once and then waits; for each workbook it forks a fresh child that reads that one file under the
same memory limit (set in the child, after the fork) and time limit (enforced here), answers
through a pipe of its own and ends. A file that aborts calamine takes down only its own child;
this process never opens a file it is given, so each file is still read by a process no other
coordinator's file was read in. At its start it reads one two-row workbook it makes in memory
(`workbook_reader.warm_up`): what a process's first read sets up, its children then inherit
(~3 ms of CPU less per workbook).

The child for the next workbook is forked ahead, as soon as the last answer is written (`_Standby`):
it reads that in-memory workbook again while it waits, so the pages a read writes are its own before
the coordinator's file comes. Forking and those first writes were ~4 ms of a 1,000-row list's ~12 ms
read; they now happen while the import checks the rows it was given. Such a child has read no
coordinator's file either; one that ended while it waited is replaced by a child forked there and then.

The conversation, on this process's stdin and stdout: once its imports are done this process says
so (a HEADER saying READY, with nothing after it); then the parent writes one pickle
(path, name, seconds); this process answers with a header (HEADER: the answer's length, how
the child ended, and the CPU seconds this process and its children have used so far, for
benchmarks) and the child's answer as it wrote it. End of stdin: the parent is gone, so is this.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import sys
from collections.abc import Callable
from typing import Any

from coordinator_app.spreadsheets.workbook_reader import answer_for, warm_up

SERVE = "--serve"  # the child's argument that makes it the reading server
HEADER = struct.Struct(">QBd")
ANSWERED, DIED, TIMED_OUT, READY = 0, 1, 2, 3


def serve() -> int:
    import select
    import signal
    import time

    # Imported once here: every child forked from this process has it. The app's own workbooks
    # (app_workbook, its dataclasses) and the .ods scan stay imported by the child that needs them,
    # so a session's first import starts no more than a child of its own did.
    import python_calamine  # noqa: F401

    _warmed_up()
    gc.disable()  # this process makes a few objects per workbook and keeps none
    requests, out = sys.stdin.buffer, sys.stdout.buffer
    standby = _Child.ahead()
    # Ready: a parent that started this ahead of its first workbook (reading_child.start_reader) knows
    # when the start is over, and what it cost.
    out.write(HEADER.pack(0, READY, _cpu_so_far()))
    out.flush()
    try:
        while True:
            try:
                path, name, seconds = pickle.load(requests)
            except EOFError:
                return 0
            child, standby = standby, None
            try:
                if child is None or not child.given(path, name):
                    child = _Child.reading(path, name)
                ended, answer = child.answer(seconds, select.select, signal.SIGKILL, time.monotonic)
            except OSError:  # no child could be made (out of processes or memory): as a child that died
                ended, answer = DIED, b""
            out.write(HEADER.pack(len(answer), ended, _cpu_so_far()))
            out.write(answer)
            out.flush()
            standby = _Child.ahead()
    finally:
        if standby is not None:
            standby.dismiss()


class _Child:
    """A child forked to read one workbook: its process, the pipe it is told the workbook on
    (None once told) and the pipe it answers on."""

    def __init__(self, pid: int, tell: int | None, answers: int) -> None:
        self.pid, self.tell, self.answers = pid, tell, answers

    @classmethod
    def reading(cls, path: str, name: str) -> _Child:
        """A child that reads `path` at once. Raises OSError."""
        return cls._forked((path, name))

    @classmethod
    def ahead(cls) -> _Child | None:
        """A child that warms up and waits to be told its workbook (`given`); None when none could
        be made now (the next workbook then gets a child of its own)."""
        try:
            return cls._forked(None)
        except OSError:
            return None

    @classmethod
    def _forked(cls, workbook: tuple[str, str] | None) -> _Child:
        pipes: list[int] = []
        try:
            told, tell = os.pipe() if workbook is None else (-1, -1)
            pipes += [told, tell] if workbook is None else []
            readable, writable = os.pipe()
            pipes += [readable, writable]
            pid = os.fork()
        except OSError:  # out of processes or files: none of it stays open
            for fd in pipes:
                os.close(fd)
            raise
        if pid == 0:  # the child: this process's stdin and stdout are the parent's conversation, not its
            code = 1
            try:
                os.close(readable)
                quiet = os.open(os.devnull, os.O_RDWR)
                os.dup2(quiet, 0)
                os.dup2(quiet, 1)
                if workbook is None:
                    os.close(tell)
                    workbook = _wait_for_workbook(told)
                if workbook is not None:
                    _write_all(writable, answer_for(*workbook))
                    code = 0
            finally:
                os._exit(code)  # at once, whatever happened: nothing of this process is torn down
        os.close(writable)
        if workbook is not None:
            return cls(pid, None, readable)
        os.close(told)
        return cls(pid, tell, readable)

    def given(self, path: str, name: str) -> bool:
        """Tell the waiting child its workbook; False when it ended while it waited (then it is reaped)."""
        assert self.tell is not None
        tell, self.tell = self.tell, None
        try:
            _write_all(tell, pickle.dumps((path, name), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # a broken pipe: it ended
            self.dismiss()
            return False
        finally:
            os.close(tell)
        return True

    def dismiss(self) -> None:
        """End a child told no workbook (the end of its pipe tells it) and wait for it."""
        if self.tell is not None:
            os.close(self.tell)
            self.tell = None
        os.close(self.answers)
        os.waitpid(self.pid, 0)

    def answer(
        self, seconds: float, wait: Callable[..., Any], kill: int, clock: Callable[[], float]
    ) -> tuple[int, bytes]:
        """(how the child ended, its answer), the child ended past `seconds` from now."""
        chunks: list[bytes] = []
        deadline = clock() + seconds
        try:
            while True:
                left = deadline - clock()
                if left <= 0:
                    os.kill(self.pid, kill)
                    os.waitpid(self.pid, 0)
                    return TIMED_OUT, b""
                if not wait([self.answers], [], [], left)[0]:
                    continue
                chunk = os.read(self.answers, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self.answers)
        _, status = os.waitpid(self.pid, 0)
        return (ANSWERED, b"".join(chunks)) if status == 0 else (DIED, b"")


def _wait_for_workbook(told: int) -> tuple[str, str] | None:
    """In a child forked ahead: read the in-memory workbook first (the pages a read writes become
    this process's own now, not while the coordinator waits), then the (path, name) it is told;
    None when the server ended first."""
    _warmed_up()
    chunks: list[bytes] = []
    while chunk := os.read(told, 1 << 16):
        chunks.append(chunk)
    if not chunks:
        return None
    path, name = pickle.loads(b"".join(chunks))
    return path, name


def _warmed_up() -> None:
    """Read the in-memory workbook (`warm_up`); should that fail, each read sets it up itself, as
    before: slower, no less safe."""
    try:
        warm_up()
    except Exception:
        pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _cpu_so_far() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_main(argv: list[str]) -> int:
    """A reading child: `path name` (one workbook, answered on stdout) or SERVE (the reading server)."""
    if argv[:1] == [SERVE]:
        return serve()
    out = sys.stdout.buffer
    out.write(answer_for(argv[0], argv[1]))
    out.flush()
    return 0


# How the parent starts the child (spreadsheets/reading_child.py): `python -I -S -c START package_folder
# calamine_folder path name`. Through the modules' own names, so the answer pickles as
# coordinator_app.spreadsheets.workbook_reader.Sheet (not __main__.Sheet) for the parent. Once the
# answer is written (and flushed) the child ends at once: tearing down its objects is wasted work.
START = (
    "import os, sys; sys.path[:0] = sys.argv[1:3]; "
    "from coordinator_app.spreadsheets.workbook_server import child_main; os._exit(child_main(sys.argv[3:]))"
)
