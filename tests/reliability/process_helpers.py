"""Run tests/reliability/child_worker.py in a child process, read its commit log, kill it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

WORKER = Path(__file__).with_name("child_worker.py")
REPO = Path(__file__).resolve().parents[2]


class Child:
    def __init__(self, *args: object) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), *map(str, args)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []

    def read_line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise AssertionError(f"the child stopped early (exit {self.proc.returncode}): {self.stderr()}")
        self.lines.append(line.strip())
        return self.lines[-1]

    def read_lines(self, count: int) -> None:
        for _ in range(count):
            self.read_line()

    def wait_for(self, line: str) -> None:
        while self.read_line() != line:
            pass

    def kill(self) -> list[str]:
        """SIGKILL now; returns every line the child printed (lines still in the pipe included)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL, f"the child ended by itself before the kill: {self.stderr()}"
        self._read_rest()
        return self.lines

    def finish(self, timeout: float = 120) -> list[str]:
        self._read_rest()  # to EOF: the child has exited
        self.proc.wait(timeout=timeout)
        assert self.proc.returncode == 0, self.stderr()
        return self.lines

    def _read_rest(self) -> None:
        # Read through the same text wrapper as read_line(): communicate() would skip what
        # readline() had already buffered, and those are commits too.
        assert self.proc.stdout is not None
        rest = self.proc.stdout.read()
        self.lines.extend(line.strip() for line in rest.splitlines() if line.strip())

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


def poll_until(condition: Callable[[], bool], child: Child, timeout: float = 60.0) -> None:
    """Wait for a file-system condition while the child works (files cannot signal us)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if child.proc.poll() is not None:
            raise AssertionError(f"the child ended before the condition was met: {child.stderr()}")
        if time.monotonic() > deadline:
            raise AssertionError("the condition was not met in time")
        time.sleep(0.002)


def size_of(path: Path) -> int:
    """The file's size, 0 when it is not there: a -wal or a partial copy may vanish between two looks."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return "; ".join(r[0] for r in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def query(path: Path, sql: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
