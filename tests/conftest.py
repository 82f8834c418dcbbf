"""Test-wide setup: Qt offscreen, a private data folder, and a factory for fresh databases.

Speed (docs/testing.md): a new database costs a migration run (~60 ms); a file copy ~1 ms. So every
database a test starts from is built once per session (per pytest-xdist worker: session fixtures run
in each worker) and copied into the test's own folder. A copy is byte for byte what the build left,
so a test sees the same rows, ids and schema as if it had built the database itself.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from coordinator_app.domain.programme import Programme
from coordinator_app.domain.programme_file import load_programmes
from coordinator_app.paths import programmes_dir
from coordinator_app.services import written_entries

# Every write the tests make also reads its audit entries back and fails if what the workspace worked
# out differs (services/written_entries.py): a way of adding an entry that it misses is found here.
written_entries.CHECK_AGAINST_THE_DATABASE = True

TODAY = date(2025, 11, 24)  # a fixed "today" (a Monday) so due dates in tests never drift


RAM_DISK = Path("/dev/shm")
RAM_DISK_FREE_BYTES = 1 << 30


def pytest_configure(config: pytest.Config) -> None:
    """Test folders on a RAM disk where the machine has one (Linux's /dev/shm, with room to spare).

    Every commit syncs the database to disk (synchronous=FULL), and the suite makes thousands:
    on a real disk that waiting was about a third of the run (docs/testing.md). A RAM disk keeps
    what a killed process wrote just as a disk does, which is all the crash tests need. An explicit
    --basetemp or PYTEST_DEBUG_TEMPROOT wins; xdist workers get their folder from the controller."""
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT") or hasattr(config, "workerinput"):
        return
    try:
        info = os.statvfs(RAM_DISK)
    except (OSError, AttributeError):  # no /dev/shm (macOS, Windows)
        return
    if info.f_bavail * info.f_frsize >= RAM_DISK_FREE_BYTES and os.access(RAM_DISK, os.W_OK | os.X_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(RAM_DISK)


# -- keeping the quick subset quick -----------------------------------------------------------------
SLOW_CPU_SECONDS = 1.0  # named in the summary when unmarked; the rule is half that on a quiet machine (docs/testing.md)
_CPU_AT_SETUP = pytest.StashKey[float]()
_heavy_unmarked: list[tuple[float, str]] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_CPU_AT_SETUP] = time.process_time()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "teardown" and _CPU_AT_SETUP in item.stash:
        # Processor time, not wall time: it hardly moves with the machine's load (xdist carries it over).
        report.user_properties.append(("cpu_seconds", time.process_time() - item.stash[_CPU_AT_SETUP]))
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    cpu = dict(report.user_properties).get("cpu_seconds")
    if report.when == "teardown" and cpu is not None and cpu > SLOW_CPU_SECONDS and "slow" not in report.keywords:
        _heavy_unmarked.append((cpu, report.nodeid))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the unmarked tests that took more than SLOW_CPU_SECONDS of processor time: candidates for
    @pytest.mark.slow (processes are checked exactly by tests/architecture/test_slow_marks.py)."""
    if not _heavy_unmarked:
        return
    terminalreporter.section(f"not marked slow, over {SLOW_CPU_SECONDS} s of processor time each", sep="-")
    for cpu, nodeid in sorted(_heavy_unmarked, reverse=True)[:10]:
        terminalreporter.write_line(f"{cpu:5.2f} s  {nodeid}")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's real data folder or settings."""
    monkeypatch.setenv("COORDINATOR_APP_DATA", str(tmp_path_factory.mktemp("userdata")))


@pytest.fixture(scope="session")
def programmes() -> dict[str, Programme]:
    return load_programmes(programmes_dir())


def copy_database(source: Path, target: Path) -> Path:
    """`source` (a closed database: no -wal beside it) copied to `target`, owner-only like a new database."""
    for part in ("-wal", "-journal"):
        assert not Path(f"{source}{part}").exists(), f"{source} is still open: its {part} would be left behind"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    return target


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Any]) -> Path:
    """A database file made by `build(path)` in a session folder of its own; `build` must close it."""
    path = tmp_path_factory.mktemp("built-once") / name
    build(path)
    return path


@pytest.fixture(scope="session")
def blank_database(tmp_path_factory: pytest.TempPathFactory, programmes: dict[str, Programme]) -> Path:
    """A new database at the latest schema with the programmes in it, as `Workspace.open` creates it."""
    from coordinator_app.services.workspace import Workspace

    return built_once(tmp_path_factory, "blank.sqlite", lambda path: Workspace.open(path, programmes).close())


@pytest.fixture
def make_workspace(
    tmp_path: Path, programmes: dict[str, Programme], blank_database: Path
) -> Iterator[Callable[..., Any]]:
    """`make_workspace()` -> a Workspace on a new database file, its 'today' fixed to TODAY.

    `copy_of=PATH` starts from a copy of that database (built once per session) instead of a blank
    one. Opened as a database built right here would be: without the first open of the day's backup,
    unless `daily_backup=True` (what opening an existing file, such as a demo, does)."""
    from coordinator_app.services.workspace import Workspace

    opened: list[Workspace] = []

    def factory(
        name: str = "test.sqlite", today: date | None = TODAY, copy_of: Path | None = None, daily_backup: bool = False
    ) -> Workspace:
        path = tmp_path / name
        assert not path.exists(), f"{path} exists: each database of a test needs a name of its own"
        copy_database(copy_of or blank_database, path)
        ws = Workspace.open(path, programmes, daily_backup=daily_backup)
        ws.today = today
        opened.append(ws)
        return ws

    yield factory
    for ws in opened:
        ws.close()


@pytest.fixture
def workspace(make_workspace: Callable[..., Any]) -> Any:
    return make_workspace()


# Both engines: the PostgreSQL test server and the parametrized engine fixture (tests/engines.py).
pytest_plugins = ["tests.engines"]
