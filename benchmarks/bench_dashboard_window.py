"""The dashboard as the coordinator meets it (issue 15): the window is open on 100,000 students,
the Dashboard tab is clicked for the first time; how long until its five charts are painted.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_dashboard_window.py --db DEMO.sqlite [--repeat 3]

Each run is a fresh process (the tab is built once per window): it opens the window, waits until
the student list is loaded and nothing runs, then shows the tab and stops at the first paint of the
last chart after the figures arrived. Wall and CPU time of the process between the click and that
paint; the floor alternating with it is the same process showing an empty tab. Build the demo once
with `coordinator-app demo --db DEMO.sqlite --students 100000 --as-of 2025-11-24`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, sys, time
from datetime import date
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget
from coordinator_app.ui.app import make_application
from coordinator_app.ui.main_window import DASHBOARD_TAB, MainWindow
app = make_application(["bench"])
window = MainWindow(Path(sys.argv[1]), today=date(2025, 11, 24)); window.resize(1366, 768)
floor = sys.argv[2] == "floor"
started = {}
def done():
    print(json.dumps({"wall": time.perf_counter() - started["wall"], "cpu": time.process_time() - started["cpu"]}), flush=True)
    window.close(); app.quit()
class Painted(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint and isinstance(o, QWidget) and started:
            dash = window.dashboard
            if floor and o is window.tabs.widget(0):
                app.removeEventFilter(self); QTimer.singleShot(0, done)
            elif dash is not None and dash.figures is not None:
                last = dash.charts["graduations"]
                if o is last or last.isAncestorOf(o):
                    app.removeEventFilter(self); QTimer.singleShot(0, done)
        return False
painted = Painted()
def click():
    if not (window.is_ready and not window.session.busy and window.students.model.shown):
        QTimer.singleShot(50, click); return
    QTimer.singleShot(300, go)
def go():
    app.installEventFilter(painted)
    started.update(wall=time.perf_counter(), cpu=time.process_time())
    if floor:
        window.tabs.setCurrentIndex(0); window.tabs.widget(0).update()
    else:
        window.show_tab(DASHBOARD_TAB)
window.show(); QTimer.singleShot(0, click); app.exec()
"""


def run(db: Path, variant: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), variant],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=600,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"dashboard": [], "floor": []}
    for _ in range(args.repeat):
        for variant in runs:
            runs[variant].append(run(args.db, variant))
    print(f"load {os.getloadavg()[0]:.1f}; medians of {args.repeat}, alternating")
    for variant, found in runs.items():
        wall = statistics.median(r["wall"] for r in found)
        cpu = statistics.median(r["cpu"] for r in found)
        print(
            f"{variant:<10} click -> painted {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms (every run: "
            + ", ".join(f"{r['wall'] * 1000:.0f}" for r in found)
            + ")"
        )


if __name__ == "__main__":
    main()
