"""A cheap sign that someone else may have changed the database, for windows that show it.

On a server every write transaction sends a notification on `coordinator_app_changes` (store/server.write_end) (delivered by the server at
COMMIT, to every connection of that database that listens); a window's watcher listens on a connection
of its own. On an SQLite file the watcher keeps a read-only connection and looks at `PRAGMA
data_version`, which moves whenever another connection (another window, process or the command line)
commits; a file replaced underneath (a restore of a damaged file) counts too.

Only a sign: what changed is read from the audit trail (services/change_feed.py).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine

from coordinator_app.store.server import CHANGES_CHANNEL

if TYPE_CHECKING:
    import psycopg

CHANNEL = CHANGES_CHANNEL
FILE_LOOK_EVERY_S = 0.25  # data_version is one read of a page already in memory: ~2 µs


class ChangeSignal(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds; True when the database may have changed meanwhile."""
        ...

    def close(self) -> None: ...


def change_signal(engine: Engine, path: Path | None) -> ChangeSignal:
    """A signal for the database `engine` opens (`path`: its file, None for a server). Opens a connection
    of its own: make it in the thread that waits on it."""
    if path is None:
        return _ServerSignal(engine)
    return _FileSignal(path)


class _ServerSignal:
    def __init__(self, engine: Engine) -> None:
        raw = engine.raw_connection()
        conn = raw.driver_connection
        assert conn is not None
        raw.detach()  # the pool's connection becomes this listener's own (same login and settings)
        conn.rollback()
        conn.autocommit = True
        conn.execute(f"LISTEN {CHANNEL}")
        self._conn: psycopg.Connection[Any] = conn

    def wait(self, timeout: float) -> bool:
        heard = bool(list(self._conn.notifies(timeout=timeout, stop_after=1)))  # run to its end: lock released
        if heard:
            # Several commits in a row arrive as several notifications: take them as one. (After the
            # first generator is done: each holds the connection's lock while it runs.)
            for _more in self._conn.notifies(timeout=0.05):
                pass
        return heard

    def close(self) -> None:
        self._conn.close()


class _FileSignal:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._version = 0
        self._changed()  # opens the connection and reads the version to compare with

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._changed():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(FILE_LOOK_EVERY_S, left))
        return True

    def _changed(self) -> bool:
        try:
            status = os.stat(self._path)
            identity = (status.st_dev, status.st_ino)
            if self._conn is None or identity != self._identity:
                replaced = self._conn is not None  # another file put in its place: a change
                self.close()
                self._conn = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
                self._identity = identity
                self._version = self._data_version()
                return replaced
            now = self._data_version()
        except (OSError, sqlite3.Error):
            return False  # gone or locked for a moment: look again next time
        changed, self._version = now != self._version, now
        return changed

    def _data_version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
