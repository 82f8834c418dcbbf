"""Which chart library the dashboard draws with: the cost of the first dashboard painted.

    .venv/bin/python benchmarks/bench_charts.py [--python PATH] [--repeat 7] [--qpainter FILE]

Each run is a fresh process that shows a window with the dashboard's five charts (9, 7, 12, 11
and 12 horizontal bars with labels) and stops at its first paint; it reports the wall and CPU
seconds from process start and its memory (VmHWM). Variants, alternated so contention hits them
alike:
- floor:     the same window with five QLabels (bare PySide6-Essentials: what every variant pays);
- app:       the app's chart (coordinator_app/ui/dashboard/bar_chart.py: Qt Charts, with its titles,
             limits, labels and click handling);
- qtcharts:  bare Qt Charts (QChartView, QHorizontalBarSeries per chart): the library's own cost;
- qpainter:  a QPainter widget, from the file given with --qpainter (the app drew its charts so
             until 2026-12-02: `git show 74fd131:coordinator_app/ui/dashboard/bar_chart.py > F`);
- pyqtgraph: pyqtgraph's PlotWidget with a horizontal BarGraphItem per chart (needs NumPy).
A variant whose library is not installed in --python is skipped: pyqtgraph is not a dependency of
the app, so measure it in a scratch environment that has it (`pip install -e . pyqtgraph`).
Bundle sizes and the decision: docs/gui.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARS = [9, 7, 12, 11, 12]

CHILD = r"""
import json, sys, time
t0 = float(sys.argv[1]); variant = sys.argv[2]; bars = json.loads(sys.argv[3])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QWidget
app = QApplication(sys.argv[:1])
imported = time.time()
window = QWidget(); grid = QGridLayout(window); window.resize(1000, 900)
labels = lambda n: [f"label {i} of the chart" for i in range(n)]
values = lambda n: [(i * 37) % 50 + 1 for i in range(n)]
if variant == "floor":
    charts = [QLabel(f"chart {i}") for i in range(len(bars))]
elif variant in ("app", "qpainter"):
    if variant == "app":
        from coordinator_app.ui.dashboard.bar_chart import BarChart, ChartBar
    else:
        import importlib.util
        spec = importlib.util.spec_from_file_location("qpainter_chart", sys.argv[4])
        module = importlib.util.module_from_spec(spec); sys.modules["qpainter_chart"] = module; spec.loader.exec_module(module)
        BarChart, ChartBar = module.BarChart, module.ChartBar
    imported = time.time()
    charts = []
    for n in bars:
        c = BarChart(); c.set_bars("A chart", [ChartBar(l, v) for l, v in zip(labels(n), values(n))]); charts.append(c)
elif variant == "qtcharts":
    from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QValueAxis
    from PySide6.QtGui import QPainter
    imported = time.time()
    charts = []
    for n in bars:
        s = QBarSet("students"); s.append(values(n)); series = QHorizontalBarSeries(); series.append(s)
        chart = QChart(); chart.addSeries(series); chart.setTitle("A chart"); chart.legend().hide()
        y = QBarCategoryAxis(); y.append(labels(n)); chart.addAxis(y, __import__("PySide6.QtCore").QtCore.Qt.AlignmentFlag.AlignLeft); series.attachAxis(y)
        x = QValueAxis(); chart.addAxis(x, __import__("PySide6.QtCore").QtCore.Qt.AlignmentFlag.AlignBottom); series.attachAxis(x)
        view = QChartView(chart); view.setRenderHint(QPainter.RenderHint.Antialiasing); charts.append(view)
elif variant == "pyqtgraph":
    import pyqtgraph as pg
    imported = time.time()
    charts = []
    for n in bars:
        w = pg.PlotWidget(title="A chart"); w.setBackground("w")
        item = pg.BarGraphItem(x0=0, y=list(range(n)), height=0.6, width=values(n), brush="#3b6ea8"); w.addItem(item)
        w.getAxis("left").setTicks([list(enumerate(labels(n)))]); charts.append(w)
for i, c in enumerate(charts):
    grid.addWidget(c, i // 2, i % 2)
last = charts[-1]
class F(QObject):
    # The last chart painted (a view paints through its viewport, a child): everything is on screen.
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint and isinstance(o, QWidget) and (o is last or last.isAncestorOf(o)):
            app.removeEventFilter(self); QTimer.singleShot(0, done)
        return False
def done():
    hwm = 0.0
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
    print(json.dumps({"wall": time.time() - t0, "cpu": time.process_time(), "import": imported - t0, "mb": hwm}), flush=True)
    app.quit()
f = F(); app.installEventFilter(f)
window.show(); app.exec()
"""


def available(python: str, variant: str) -> bool:
    module = {"qtcharts": "PySide6.QtCharts", "pyqtgraph": "pyqtgraph"}.get(variant)
    if module is None:
        return True
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def run(python: str, variant: str, qpainter: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [python, "-c", CHILD, repr(time.time()), variant, json.dumps(BARS), qpainter],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--qpainter", default="", help="a QPainter chart module to compare (see above)")
    args = parser.parse_args()
    variants = [v for v in ("floor", "app", "qtcharts", "qpainter", "pyqtgraph") if available(args.python, v)]
    if not args.qpainter:
        variants.remove("qpainter")
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    for _ in range(args.repeat):
        for variant in variants:
            runs[variant].append(run(args.python, variant, args.qpainter))
    floor = statistics.median(r["wall"] for r in runs["floor"])
    floor_cpu = statistics.median(r["cpu"] for r in runs["floor"])
    load = os.getloadavg()[0]
    print(f"{args.repeat} runs each, alternated; load average {load:.1f}; medians")
    print(f"{'variant':<10} {'first paint':>12} {'x floor':>8} {'CPU':>8} {'x floor':>8} {'import+':>9} {'memory':>8}")
    for variant in variants:
        wall = statistics.median(r["wall"] for r in runs[variant])
        cpu = statistics.median(r["cpu"] for r in runs[variant])
        extra = statistics.median(r["import"] for r in runs[variant]) - statistics.median(
            r["import"] for r in runs["floor"]
        )
        mb = statistics.median(r["mb"] for r in runs[variant])
        print(
            f"{variant:<10} {wall * 1000:>9.0f} ms {wall / floor:>7.2f}x {cpu * 1000:>5.0f} ms "
            f"{cpu / floor_cpu:>7.2f}x {extra * 1000:>6.0f} ms {mb:>5.0f} MB"
        )


if __name__ == "__main__":
    main()
