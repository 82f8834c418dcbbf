"""The audit entries a workspace wrote itself, remembered so its change feed
(services/change_feed.py) leaves them out: its window already knows what it saved."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordinator_app.store import models as m


def newest_entry(session: Session) -> int:
    """The id of the newest audit entry (0 in a database without any)."""
    return int(session.scalar(select(func.max(m.AuditEntry.id))) or 0)


class OwnWrites:
    """The audit entries this workspace wrote, as ranges of ids (first exclusive, last inclusive)."""

    def __init__(self) -> None:
        self._ranges: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def add(self, after: int, upto: int) -> None:
        if upto > after:
            with self._lock:
                self._ranges.append((after, upto))

    def __contains__(self, entry: int) -> bool:
        with self._lock:
            return any(after < entry <= upto for after, upto in self._ranges)

    def forget_upto(self, entry: int) -> None:
        """Entries up to `entry` were seen: their ranges are not needed any more."""
        with self._lock:
            self._ranges = [r for r in self._ranges if r[1] > entry]
