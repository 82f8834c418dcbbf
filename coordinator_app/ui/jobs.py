"""Long work off the GUI thread: one small runner over QThreadPool.

A job is a plain function, or a generator that yields progress objects (anything with
`done`, `total` and `message`) and returns its result. It runs on the pool; its signals live
on a separate QObject made on the GUI thread, so results arrive there. A progress dialog
appears only when the job is still running after ~600 ms, so quick jobs never flash one
(the pattern of Anki's `qt/aqt/progress.py`). Closing a generator cancels it: the export
removes its half-written file then.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Generator
from typing import Any, Never

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QProgressDialog, QWidget

PROGRESS_DELAY_MS = 600


class Cancelled(Exception):
    """The user pressed Cancel; the job stopped at its next progress step."""


class _Gone(Exception):
    """The signals' QObject is gone (window closed); stop quietly."""


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals, cancel: threading.Event) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.cancel = cancel
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            try:
                result = self.fn()
                if inspect.isgenerator(result):
                    result = self._drive(result)
            except _Gone:
                raise
            except BaseException as exc:
                self._emit(self.signals.failed, exc)
                return
            self._emit(self.signals.finished, result)
        except _Gone:
            return  # the window that wanted the answer is closed

    @staticmethod
    def _emit(signal: SignalInstance, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError as exc:  # its QObject was deleted: nobody is listening any more
            raise _Gone() from exc

    def _drive(self, gen: Generator[object, Never, object]) -> object:
        while True:
            if self.cancel.is_set():
                gen.close()
                raise Cancelled()
            try:
                step = next(gen)
            except StopIteration as stop:
                return stop.value
            done, total = int(getattr(step, "done", 0)), int(getattr(step, "total", 0))
            try:
                self._emit(self.signals.progress, done, total, str(getattr(step, "message", "")))
            except _Gone:
                gen.close()
                raise


class Job(QObject):
    """A running job; `done` is True once it finished, failed or was cancelled."""

    ended = Signal()

    def __init__(
        self,
        runner: JobRunner,
        label: str,
        parent_widget: QWidget | None,
        cancellable: bool,
        on_done: Callable[[Any], None] | None,
        on_failed: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__(runner)
        self.label = label
        self.done = False
        self.cancel_event = threading.Event()
        self.signals = _Signals()
        self._on_done = on_done
        self._on_failed = on_failed
        self._parent_widget = parent_widget
        self._cancellable = cancellable
        self.dialog: QProgressDialog | None = None
        self._last = (0, 0, "")
        self.signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)
        self.signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        self._timer.start(PROGRESS_DELAY_MS)

    def cancel(self) -> None:
        self.cancel_event.set()

    def _show_dialog(self) -> None:
        if self.done:
            return
        dialog = QProgressDialog(self.label, "Cancel" if self._cancellable else "", 0, 0, self._parent_widget)
        dialog.setWindowTitle("Working")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self._cancellable:
            dialog.setCancelButton(None)
        else:
            dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self._progress(*self._last)
        dialog.show()

    def _progress(self, done: int, total: int, message: str) -> None:
        self._last = (done, total, message)
        dialog = self.dialog
        if dialog is None:
            return
        # A modal QProgressDialog's setValue() processes events, so the job may finish and
        # close the dialog in the middle of this update: label it first, and stop if closed.
        if message:
            dialog.setLabelText(f"{self.label}\n{message}")
        dialog.setMaximum(max(total, 0))
        if self.dialog is dialog:
            dialog.setValue(min(done, total) if total else 0)

    def _close(self) -> None:
        self.done = True
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _finished(self, result: object) -> None:
        self._close()
        try:
            if self._on_done is not None:
                self._on_done(result)
        finally:
            self.ended.emit()

    def _failed(self, exc: BaseException) -> None:
        self._close()
        try:
            if self._on_failed is not None:
                self._on_failed(exc)
            elif not isinstance(exc, Cancelled):
                raise exc
        finally:
            self.ended.emit()


class JobRunner(QObject):
    """Runs jobs on a thread pool and keeps each alive until it has ended."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.jobs: set[Job] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        *,
        label: str = "Working...",
        parent_widget: QWidget | None = None,
        cancellable: bool = False,
    ) -> Job:
        job = Job(self, label, parent_widget, cancellable, on_done, on_failed)
        self.jobs.add(job)
        job.ended.connect(lambda: self.jobs.discard(job))
        self.pool.start(_Runnable(fn, job.signals, job.cancel_event))
        return job

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the pool is idle (closing the window, tests)."""
        return self.pool.waitForDone(msecs)
