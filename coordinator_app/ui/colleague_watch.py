"""Seeing each other's work: a colleague's save shows in this window within a second or two, no F5.

One thread per open database waits on its change feed (services/change_feed.py: LISTEN/NOTIFY on a
server, PRAGMA data_version on a file) and hands what colleagues changed to the GUI thread, where the
session tells every pane (a `Changes` from elsewhere): the list reads those students' rows again, the
attention view its items, the record its student, keeping what the coordinator is typing.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace

log = logging.getLogger(__name__)

WAIT_S = 1.0  # how long one wait lasts: the thread notices it should stop within this
RETRY_S = 5.0  # after the database could not be reached, before trying again


class ColleagueWatch(QObject):
    changed = Signal(object)  # ColleagueChanges, on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop: threading.Event | None = None

    def watch(self, ws: Workspace | None, since: int | None = None) -> None:
        """Follow `ws` from audit entry `since` (None: from now; `ws` None: stop following)."""
        if self._stop is not None:
            self._stop.set()
            self._stop = None
        if ws is None:
            return
        stop = threading.Event()
        self._stop = stop
        threading.Thread(target=self._follow, args=(ws, stop, since), name="colleague-watch", daemon=True).start()

    def _follow(self, ws: Workspace, stop: threading.Event, since: int | None) -> None:
        from coordinator_app.services.change_feed import ChangeFeed

        while not stop.is_set():
            try:
                feed = ChangeFeed(ws, since)
            except Exception as exc:  # a server gone for a moment: the window says so when it reads
                log.info("change feed not started: %s", type(exc).__name__)
                stop.wait(RETRY_S)
                continue
            try:
                while not stop.is_set():
                    changes = feed.wait(WAIT_S)
                    if changes is not None and not stop.is_set():
                        self.changed.emit(changes)  # queued to the GUI thread (this object's)
            except Exception as exc:
                log.info("change feed interrupted: %s", type(exc).__name__)
                stop.wait(RETRY_S)
            finally:
                since = feed.seen  # a feed started again goes on from here: nothing said meanwhile is lost
                try:
                    feed.close()
                except Exception:
                    pass
