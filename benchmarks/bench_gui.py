"""GUI speed on a demo database of 100,000 students, against bare PySide6 floors in the same run.

    .venv/bin/python benchmarks/bench_gui.py [--students 100000] [--repeat 5]

Builds benchmarks/out/demo<N>.sqlite once (about 60 s for 100k; benchmarks/out/ is git-ignored).
Measures, with medians over repeats:
  1. start-up: process start -> first painted window, the app vs a bare QMainWindow started
     the same way (target: at most 1.5x); also process start -> the 100k list filled;
  2. one keystroke in the search box -> the filtered list painted (target: at most 16 ms),
     against a bare QTableView over a minimal model reset and repainted with the same rows;
  3. opening a student record -> painted (target: at most 50 ms), against reading the record
     alone (services/record_view.load_record).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
# The window's QSettings (geometry, sort order, last database) go to benchmarks/out, never to
# the developer's own settings; both processes of the start-up race read the same ones.
os.environ["XDG_CONFIG_HOME"] = str(ROOT / "benchmarks" / "out" / "config")
sys.path.insert(0, str(ROOT))
AS_OF = date(2025, 11, 24)

BARE_START = r"""
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("bare")); w.resize(1280, 760)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            print(time.time() - t0, flush=True); QTimer.singleShot(0, app.quit)
        return False
f = F(); w.centralWidget().installEventFilter(f)
w.show(); app.exec()
"""

APP_START = r"""
import sys, time
t0 = float(sys.argv[1])
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from coordinator_app.ui.app import make_application
app = make_application(sys.argv[:1])
from coordinator_app.ui.main_window import MainWindow
w = MainWindow(Path(sys.argv[2]))
painted = []
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint and not painted:
            painted.append(time.time() - t0)
        return False
f = F(); w.list_view.viewport().installEventFilter(f)
w.ready.connect(lambda: (print(painted[0], time.time() - t0, flush=True), QTimer.singleShot(0, app.quit)))
w.show(); app.exec()
"""


def ensure_demo(students: int) -> Path:
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"demo{students}.sqlite"
    if not path.exists():
        from coordinator_app.services.demo import build_demo

        print(f"building {path} ...", flush=True)
        started = time.perf_counter()
        print(build_demo(path, students=students, as_of=AS_OF), f"in {time.perf_counter() - started:.0f} s")
    return path


def startup(db: Path, repeat: int) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COORDINATOR_APP_DATA=str(ROOT / "benchmarks" / "out" / "data"))
    bare, shell, filled = [], [], []
    for _ in range(repeat):
        # Alternate so both see the same machine load (2 shared cores).
        out = subprocess.run([sys.executable, "-c", BARE_START, repr(time.time())], capture_output=True, text=True,
                             env=env, cwd=ROOT, check=True).stdout.split()
        bare.append(float(out[0]))
        out = subprocess.run([sys.executable, "-c", APP_START, repr(time.time()), str(db)], capture_output=True,
                             text=True, env=env, cwd=ROOT, check=True).stdout.split()
        shell.append(float(out[0]))
        filled.append(float(out[1]))
    return {"bare": statistics.median(bare), "shell": statistics.median(shell), "filled": statistics.median(filled),
            "bare_all": bare, "shell_all": shell, "filled_all": filled}  # type: ignore[dict-item]


def in_process(db: Path, repeat: int) -> dict[str, object]:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QTableView

    from coordinator_app.services.record_view import load_record
    from coordinator_app.ui.app import make_application
    from coordinator_app.ui.main_window import MainWindow

    app = make_application(["bench"])
    window = MainWindow(db, today=AS_OF)
    window.resize(1366, 768)
    window.show()
    while not window.is_ready:
        app.processEvents()
    window.jobs.wait(120000)
    app.processEvents()
    view, search = window.list_view, window.search
    search.setFocus()

    # -- keystrokes: each one filters 100k rows and repaints the list -------------------------------
    words = ["jan", "2600123", "de v", "student.rug", "mull", "s31000", "emma"]
    key_times: list[float] = []
    for _ in range(repeat):
        for word in words:
            for ch in word:
                started = time.perf_counter()
                QTest.keyClicks(search, ch)
                view.viewport().repaint()
                key_times.append((time.perf_counter() - started) * 1000)
            for _ch in word:
                started = time.perf_counter()
                QTest.keyClick(search, Qt.Key.Key_Backspace)
                view.viewport().repaint()
                key_times.append((time.perf_counter() - started) * 1000)

    # Floor: a bare QTableView over a minimal model of the same 100k display rows, reset and repainted.
    display = window.model._display  # noqa: SLF001 - the same strings, for a fair floor

    class Bare(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.rows = list(range(len(display)))

        def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
            return 0 if parent.isValid() else 11

        def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
            if role == Qt.ItemDataRole.DisplayRole:
                return display[self.rows[index.row()]][index.column()]
            return None

    bare = Bare()
    bare_view = QTableView()
    bare_view.setModel(bare)
    bare_view.resize(view.size())
    bare_view.show()
    app.processEvents()
    floor_times = []
    for _ in range(repeat * 10):
        started = time.perf_counter()
        bare.beginResetModel()
        bare.rows = list(range(len(display)))
        bare.endResetModel()
        bare_view.viewport().repaint()
        floor_times.append((time.perf_counter() - started) * 1000)
    bare_view.close()

    # -- sorting a column ---------------------------------------------------------------------------
    sort_times = []
    for column in (0, 1, 8, 4):
        started = time.perf_counter()
        view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        view.viewport().repaint()
        sort_times.append((time.perf_counter() - started) * 1000)

    # -- opening records ----------------------------------------------------------------------------
    rng = random.Random(7)
    ids = rng.sample(range(1, window.model.total + 1), 30 * max(1, repeat // 5))
    ws = window.ws
    assert ws is not None
    open_times, read_times = [], []
    for sid in ids:
        started = time.perf_counter()
        load_record(ws, sid)
        read_times.append((time.perf_counter() - started) * 1000)
    for n, sid in enumerate(ids):
        tab = ("overview", "courses", "internships", "graduation")[n % 4]
        started = time.perf_counter()
        window.open_student(sid, tab)
        window.record_view.repaint()
        open_times.append((time.perf_counter() - started) * 1000)
    window.close()
    return {"keystroke": statistics.median(key_times), "keystroke_p90": sorted(key_times)[int(len(key_times) * .9)],
            "keystrokes": len(key_times), "floor": statistics.median(floor_times),
            "sort": sort_times, "open": statistics.median(open_times),
            "open_p90": sorted(open_times)[int(len(open_times) * .9)], "read": statistics.median(read_times),
            "records": len(open_times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    db = ensure_demo(args.students)
    print(f"database {db} ({args.students:,} students); Python {sys.version.split()[0]}; "
          f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}; {os.cpu_count()} cores")
    s = startup(db, args.repeat)
    print(f"start-up to first painted window: app {s['shell']:.3f} s, bare PySide6 {s['bare']:.3f} s, "
          f"ratio {s['shell'] / s['bare']:.2f}x (target <= 1.5x)")
    print(f"  runs app {[round(x, 3) for x in s['shell_all']]}, bare {[round(x, 3) for x in s['bare_all']]}")  # type: ignore[union-attr]
    print(f"start-up to the {args.students:,}-student list filled: {s['filled']:.2f} s "
          f"(runs {[round(x, 2) for x in s['filled_all']]})")  # type: ignore[union-attr]
    r = in_process(db, args.repeat)
    print(f"keystroke -> filtered list painted: median {r['keystroke']:.1f} ms, p90 {r['keystroke_p90']:.1f} ms over "
          f"{r['keystrokes']} keystrokes (target <= 16 ms); bare view reset+repaint floor {r['floor']:.1f} ms, "
          f"ratio {r['keystroke'] / r['floor']:.2f}x")  # type: ignore[operator]
    print(f"sort a column (number, name, EC, cohort): {', '.join(f'{t:.0f}' for t in r['sort'])} ms")  # type: ignore[union-attr]
    print(f"open a student record -> painted: median {r['open']:.1f} ms, p90 {r['open_p90']:.1f} ms over "
          f"{r['records']} records (target <= 50 ms); reading the record alone {r['read']:.1f} ms, "
          f"ratio {r['open'] / r['read']:.2f}x")  # type: ignore[operator]


if __name__ == "__main__":
    main()
