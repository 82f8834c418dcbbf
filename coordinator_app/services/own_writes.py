"""The audit entries a workspace wrote itself, remembered so its change feed
(services/change_feed.py) leaves them out: its window already knows what it saved."""

from __future__ import annotations

import bisect
import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.store import models as m


def newest_entry(session: Session) -> int:
    """The id of the newest audit entry (0 in a database without any)."""
    return int(session.scalar(select(func.max(m.AuditEntry.id))) or 0)


class OwnWrites:
    """The audit entries this workspace wrote, as ranges of ids (first exclusive, last inclusive), kept for
    the whole session: the change feed leaves them out, and an undo is not refused over them (they are
    no colleague's change). Saves in a row with nobody else's between make one range."""

    def __init__(self) -> None:
        self._afters: list[int] = []  # sorted, disjoint ranges: _afters[i] < entry <= _uptos[i]
        self._uptos: list[int] = []
        self._lock = threading.Lock()

    def add(self, after: int, upto: int) -> None:
        if upto <= after:
            return
        with self._lock:
            if self._uptos and self._uptos[-1] == after:  # straight after the last one: one range
                self._uptos[-1] = upto
            else:
                at = bisect.bisect_left(self._afters, after)
                self._afters.insert(at, after)
                self._uptos.insert(at, upto)

    def __contains__(self, entry: object) -> bool:
        if not isinstance(entry, int):
            return False
        with self._lock:
            at = bisect.bisect_left(self._afters, entry) - 1  # the last range starting before `entry`
            return at >= 0 and entry <= self._uptos[at]
