"""What colleagues changed while a window shows the database: read from the audit trail.

Every change to the data writes audit entries in its transaction, numbered in commit order (writes
take one write lock). A window's feed remembers the newest entry it has seen; when the database
signals a change (store/change_signal.py: LISTEN/NOTIFY on a server, PRAGMA data_version on a file),
the entries after it say which students changed and who changed them. The workspace's own writes are
left out (`OwnWrites`): its window already knows, and reloading for them again would disturb what the
coordinator is typing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from coordinator_app.services.own_writes import newest_entry
from coordinator_app.store import models as m
from coordinator_app.store.change_signal import change_signal

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace


@dataclass(frozen=True)
class ColleagueChanges:
    """`students` None: any student may have changed (an import, a deadline schedule, a copy)."""

    students: frozenset[int] | None
    users: tuple[str, ...]
    entries: int

    def said(self) -> str:
        """For the status bar: 'anna saved a change to 1 student.'"""
        who = " and ".join(self.users) if self.users else "Someone"
        if self.students is None:
            return f"{who} saved changes; everything shown is read again."
        count = len(self.students)
        return f"{who} saved changes to {count} student{'s' if count != 1 else ''}; they are shown as they are now."


def feed_start(ws: Workspace) -> int:
    """Where a window's change feed starts: read when the database opens, before its panes read
    anything, so a colleague's commit between the two is reported rather than missed."""
    with ws.read() as s:
        return newest_entry(s)


class ChangeFeed:
    """Colleagues' changes since the feed was made. Make it, wait on it and close it in one thread."""

    def __init__(self, ws: Workspace, since: int | None = None) -> None:
        """Changes after audit entry `since` (see `feed_start`), or after the newest one now."""
        self.ws = ws
        if since is None:
            since = feed_start(ws)
        self.seen = since
        self._look_first = True  # changes since `since` may have come before the signal was listened to
        self.generation = ws.current_generation()
        self._signal = change_signal(ws.engine, ws.location.path)

    def wait(self, timeout: float) -> ColleagueChanges | None:
        """Block up to `timeout` seconds for a change by someone else; None when there was none."""
        if self._look_first:
            self._look_first = False
            changes = self.poll()
            if changes is not None:
                return changes
        if not self._signal.wait(timeout):
            return None
        return self.poll()

    def poll(self) -> ColleagueChanges | None:
        """Others' changes since the last look (one cheap read when there are none)."""
        with self.ws.read() as s:
            newest = newest_entry(s)
            if newest == self.seen:
                return None
        generation = self.ws.current_generation()
        if generation != self.generation:
            # Restored from a backup: the window's replaced watch reloads everything; carry on from here.
            self.generation, self.seen = generation, newest
            return None
        with self.ws.read() as s:
            if newest < self.seen:  # a shorter trail: the database was replaced (a restore, a copy)
                self.seen = newest
                return ColleagueChanges(None, (), 0)
            rows = s.execute(
                select(m.AuditEntry.id, m.AuditEntry.student_id, m.AuditEntry.os_user).where(
                    m.AuditEntry.id > self.seen, m.AuditEntry.id <= newest
                )
            ).all()
        self.seen = newest
        own = self.ws.own_writes
        theirs = [row for row in rows if row.id not in own]
        if not theirs:
            return None
        students = None if any(r.student_id is None for r in theirs) else frozenset(r.student_id for r in theirs)
        return ColleagueChanges(students, tuple(dict.fromkeys(r.os_user for r in theirs)), len(theirs))

    def close(self) -> None:
        self._signal.close()
