"""The cohort dashboard's figures (issue 15): all five charts for 100,000 students, against a floor.

    .venv/bin/python benchmarks/bench_dashboard.py [--students 100000] [--repeat 5] [--db DEMO.sqlite]

--db reuses a demo built once (`coordinator-app demo --db F --students 100000 --as-of 2025-11-24`,
minutes); without it a demo is built into a temporary folder first.

Target: the dashboard for 100,000 students drawn in under 500 ms after its first opening. What
takes the time is reading the figures (services/dashboard.py `cohort_figures`, off the GUI thread);
painting the five charts is a few ms (bench_charts.py). The floor is raw sqlite3 doing only the
grouping the first figure needs: students counted by programme, status, EC and planned month.
Figures and floor alternate, each measured in wall and CPU seconds (the machine is shared: CPU is
the steadier one). Also: one cohort (PM 2024), and the students of the biggest bar of "where
students are" (a click).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

AS_OF = date(2025, 11, 24)
FLOOR_SQL = """
SELECT p.code, s.status, s.ec_earned, g.planned_year, g.planned_month, count(*)
FROM student s JOIN programme p ON p.id = s.programme_id JOIN cohort c ON c.id = s.cohort_id
LEFT JOIN graduation_plan g ON g.student_id = s.id
WHERE s.removed_at IS NULL GROUP BY 1, 2, 3, 4, 5
"""


def timed(action) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def median_time(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(timed(action)[0] for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a demo database built before (it is migrated when opened)")
    args = parser.parse_args()

    from coordinator_app.services.demo import build_demo

    if args.db:
        measure(args.db, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite"
        build_demo(db, students=args.students, seed=1, as_of=AS_OF)
        measure(db, args.repeat)


def measure(db: Path, repeat: int) -> None:
    from coordinator_app.services.dashboard import WHERE, Scope, cohort_figures, students_of
    from coordinator_app.services.workspace import Workspace

    ws = Workspace.open(db)
    ws.today = AS_OF
    figures = cohort_figures(ws, Scope())  # warm the file cache, as the window's first read has
    raw = sqlite3.connect(db)
    whole: list[tuple[float, float]] = []
    floor: list[tuple[float, float]] = []
    for _ in range(repeat):
        whole.append(timed(lambda: cohort_figures(ws, Scope())))
        floor.append(timed(lambda: raw.execute(FLOOR_SQL).fetchall()))
    one = median_time(lambda: cohort_figures(ws, Scope("PM", 2024)), repeat)
    biggest = max(figures.figure(WHERE).bars, key=lambda b: b.count)
    click = median_time(lambda: students_of(ws, figures, biggest), repeat)
    wall, cpu = (statistics.median(t[i] for t in whole) for i in (0, 1))
    floor_wall, floor_cpu = (statistics.median(t[i] for t in floor) for i in (0, 1))
    print(f"{figures.students:,} students, load {os.getloadavg()[0]:.1f}; medians of {repeat}, alternating")
    print(
        f"all five figures, every student: {wall * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU); floor (one raw "
        f"GROUP BY) {floor_wall * 1000:.0f} ms ({floor_cpu * 1000:.0f} ms CPU); ratio {wall / floor_wall:.1f} "
        f"(CPU {cpu / floor_cpu:.1f})"
    )
    print(f"one cohort (PM 2024): {one * 1000:.0f} ms")
    print(f"a click on '{biggest.label}' ({biggest.count:,} students): {click * 1000:.0f} ms")
    ws.close()


if __name__ == "__main__":
    main()
