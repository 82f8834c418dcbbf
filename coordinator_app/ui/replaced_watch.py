"""Notice when another window or `coordinator-app restore` restored the open database from a backup.

Two ways in: a write that the workspace refused because the database was replaced (its
listener fires at once, from whichever thread wrote), and a look every few seconds while the
window is idle (one `PRAGMA user_version` read off the GUI thread). Either way `replaced` is
emitted on the GUI thread; the window then drops its undo history, reloads everything it shows
and only then writes into the restored data again (Workspace.adopt_restored).

A look that answers after the window has read the restored data in is stale and dropped: on a
slow disk a look started before that adoption (the timer fires every few seconds, the reading in
may take longer) would otherwise say "replaced" a second time, and everything would be read again
and the undo history cleared for nothing.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from coordinator_app.services.workspace import Workspace

CHECK_EVERY_MS = 3000


class ReplacedWatch(QObject):
    replaced = Signal()
    _seen = Signal(object)  # the generation the look compared with (None: a refused write)

    def __init__(self, parent: QObject | None = None, every_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = None
        self._busy = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(self.check_now)
        # Emitted from worker threads; delivered on the GUI thread (this object's thread).
        self._seen.connect(self._answered)

    def watch(self, ws: Workspace | None) -> None:
        if self._ws is not None and self._notify in self._ws.replaced_listeners:
            self._ws.replaced_listeners.remove(self._notify)
        self._ws = ws
        if ws is None:
            self._timer.stop()
            return
        ws.replaced_listeners.append(self._notify)
        self._timer.start()

    def _notify(self) -> None:
        self._seen.emit(None)

    def _answered(self, generation: int | None) -> None:
        ws = self._ws
        if ws is None or (generation is not None and ws.generation != generation):
            return  # closed, or the restore was read in since this look began
        self.replaced.emit()

    def check_now(self) -> None:
        """Look once, off the GUI thread (a slow share never stalls the window); skipped if a look is running."""
        ws = self._ws
        if ws is None or not self._busy.acquire(blocking=False):
            return

        def look() -> None:
            generation = ws.generation  # the data shown; a look answering after it changed is stale
            try:
                if ws.was_replaced():
                    self._seen.emit(generation)
            except Exception:
                pass
            finally:
                self._busy.release()

        threading.Thread(target=look, name="replaced-watch", daemon=True).start()
