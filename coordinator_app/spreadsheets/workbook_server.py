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

The conversation, on this process's stdin and stdout: once its imports are done this process says
so (a HEADER saying READY, with nothing after it); then the parent writes one pickle
(path, name, seconds); this process answers with a header (HEADER: the answer's length, how
the child ended, and the CPU seconds this process and its children have used so far, for
benchmarks) and the child's answer as it wrote it. End of stdin: the parent is gone, so is this.
"""

from __future__ import annotations

import gc
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

    try:
        warm_up()
    except Exception:  # then each child sets that up itself, as before: slower, no less safe
        pass
    gc.disable()  # this process makes a few objects per workbook and keeps none
    requests, out = sys.stdin.buffer, sys.stdout.buffer
    # Ready: a parent that started this ahead of its first workbook (reading_child.start_reader) knows
    # when the start is over, and what it cost.
    out.write(HEADER.pack(0, READY, _cpu_so_far()))
    out.flush()
    while True:
        try:
            path, name, seconds = pickle.load(requests)
        except EOFError:
            return 0
        try:
            ended, answer = _fork_and_read(path, name, seconds, select.select, signal.SIGKILL, time.monotonic)
        except OSError:  # no child could be made (out of processes or memory): as a child that died
            ended, answer = DIED, b""
        out.write(HEADER.pack(len(answer), ended, _cpu_so_far()))
        out.write(answer)
        out.flush()


def _fork_and_read(
    path: str, name: str, seconds: float, wait: Callable[..., Any], kill: int, clock: Callable[[], float]
) -> tuple[int, bytes]:
    """(how the child ended, its answer): one workbook read in a child forked for it."""
    import os

    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: this process's stdin and stdout are the parent's conversation, not its
        code = 1
        try:
            os.close(readable)
            quiet = os.open(os.devnull, os.O_RDWR)
            os.dup2(quiet, 0)
            os.dup2(quiet, 1)
            answer = answer_for(path, name)
            view = memoryview(answer)
            while view:
                view = view[os.write(writable, view) :]
            code = 0
        finally:
            os._exit(code)  # at once, whatever happened: nothing of this process is torn down
    os.close(writable)
    chunks: list[bytes] = []
    deadline = clock() + seconds
    try:
        while True:
            left = deadline - clock()
            if left <= 0:
                os.kill(pid, kill)
                os.waitpid(pid, 0)
                return TIMED_OUT, b""
            if not wait([readable], [], [], left)[0]:
                continue
            chunk = os.read(readable, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(readable)
    _, status = os.waitpid(pid, 0)
    return (ANSWERED, b"".join(chunks)) if status == 0 else (DIED, b"")


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
