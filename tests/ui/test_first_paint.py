"""What the window's start does before its first frame is painted, and what it leaves to after it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import Cohort, real_start_environment

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def collecting() -> Iterator[None]:
    """Garbage collection on, as in a coordinator's process; restored afterwards whatever a test did."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_start_pauses_garbage_collection_and_resumes_it(monkeypatch: pytest.MonkeyPatch, collecting: None) -> None:
    from coordinator_app.ui import app

    seen: list[tuple[bool, Callable[[], None] | None]] = []

    def fake_run(db: Any, given: Any, resume_collection: Callable[[], None] | None) -> int:
        seen.append((gc.isenabled(), resume_collection))
        return 7

    monkeypatch.setattr(app, "_run", fake_run)
    assert app.run(Path("x.sqlite"), given=True) == 7
    assert seen == [(False, gc.enable)]  # off while the window is made; the first paint turns it on
    assert gc.isenabled()


def test_a_start_that_fails_leaves_garbage_collection_on(monkeypatch: pytest.MonkeyPatch, collecting: None) -> None:
    from coordinator_app.ui import app

    def failing_run(db: Any, given: Any, resume_collection: Any) -> int:
        raise RuntimeError("no display")

    monkeypatch.setattr(app, "_run", failing_run)
    with pytest.raises(RuntimeError, match="no display"):
        app.run(Path("x.sqlite"), given=True)
    assert gc.isenabled()


def test_a_caller_that_turned_collection_off_keeps_it_off(monkeypatch: pytest.MonkeyPatch, collecting: None) -> None:
    from coordinator_app.ui import app

    seen: list[Any] = []
    monkeypatch.setattr(app, "_run", lambda db, given, resume_collection: seen.append(resume_collection) or 0)
    gc.disable()
    app.run(Path("x.sqlite"), given=True)
    assert seen == [None] and not gc.isenabled()


PROBE = """
import gc, sys
from pathlib import Path
from coordinator_app.ui import app

made, styled = [], []
make = app.make_application
app.make_application = lambda: made.append(gc.isenabled()) or make()
# The style sheet is applied at the first paint, connected after collection resumes.
app._style_and_icon = lambda application: styled.append(gc.isenabled())
app.run(Path(sys.argv[1]), given=True)
print("probe", made, styled, gc.isenabled())
"""


@pytest.mark.slow
def test_collection_resumes_at_the_first_paint_of_a_real_start(cohort: Cohort, tmp_path: Path) -> None:
    env = real_start_environment(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(cohort.ws.path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    # Off while the window was made, on from the first paint, on at the end.
    assert "probe [False] [True] True" in done.stdout, done.stdout + done.stderr


FIRST_FRAME = """
import os, sys
from PySide6.QtCore import QEvent, QObject

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("loaded", *sorted(m for m in sys.modules if m.startswith("coordinator_app")), flush=True)
            os._exit(0)
        return False

from PySide6.QtWidgets import QMainWindow
original = QMainWindow.show
def show_and_watch(window):
    window._probe = Probe(window)
    window.installEventFilter(window._probe)
    original(window)
QMainWindow.show = show_and_watch
from coordinator_app.cli import main
main(["--db", sys.argv[1]])
"""


@pytest.mark.slow
def test_the_first_frame_needs_neither_the_domain_rules_nor_the_error_classes(cohort: Cohort, tmp_path: Path) -> None:
    # Grades, programmes and graduation rules (decimal, calendar: ~20 ms) come with the first rows,
    # the error classes of the command line only when something failed.
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        COORDINATOR_APP_DATA=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(cohort.ws.path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    loaded = next((line.split()[1:] for line in done.stdout.splitlines() if line.startswith("loaded")), None)
    assert loaded is not None, done.stdout + done.stderr
    assert "coordinator_app.ui.main_window" in loaded  # the probe saw the window's first paint
    for later in (
        "coordinator_app.domain.grades",
        "coordinator_app.domain.programme",
        "coordinator_app.ui.util",
        "coordinator_app.services.errors",
        "coordinator_app.store.errors",
    ):
        assert later not in loaded
