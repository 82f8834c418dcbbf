"""What leaving removed students out costs: the reads the window and the CLI make most, with the
filter (store/sessions.py adds `student.removed_at IS NULL` to every ORM query) and without it,
in the same run on the same database, beside a raw sqlite3 floor.

Run:  .venv/bin/python benchmarks/bench_removed.py [--students 20000] [--removed 200] [--repeat 5]

- student list (`student_rows`, what the window loads): floor = the list's main query in raw
  sqlite3 (number, names, programme, cohort, status, specialization, EC of every student).
- attention (`attention_items`, 14 days, what `coordinator-app attention` prints).
- count (`count_students`) and the check (`run_checks`).
"Without" removes the session event for the duration of a measurement (removed students are
then counted too; only the time matters here); with and without alternate within each repeat.
Medians of --repeat runs; the machine is shared (2 cores): expect ~20 % noise, compare within a run.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from coordinator_app.services.attention import attention_items  # noqa: E402
from coordinator_app.services.checks import run_checks  # noqa: E402
from coordinator_app.services.demo import build_demo  # noqa: E402
from coordinator_app.services.student_list import student_rows  # noqa: E402
from coordinator_app.services.students import count_students, remove_student  # noqa: E402
from coordinator_app.services.workspace import Workspace  # noqa: E402
from coordinator_app.store import sessions  # noqa: E402

AS_OF = date(2025, 11, 24)
FLOOR_SQL = (
    "SELECT s.id, s.student_number, s.first_name, s.last_name, s.email, p.code, c.start_year, s.status, "
    "s.specialization, s.ec_earned FROM student s JOIN programme p ON s.programme_id = p.id "
    "JOIN cohort c ON s.cohort_id = c.id"
)


@contextmanager
def unfiltered():  # type: ignore[no-untyped-def]
    event.remove(sessions.StoreSession, "do_orm_execute", sessions._leave_out_removed_students)
    try:
        yield
    finally:
        event.listen(sessions.StoreSession, "do_orm_execute", sessions._leave_out_removed_students)


def median_of(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--removed", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-removed-"))
    path = folder / "demo.sqlite"
    build_demo(path, students=args.students, seed=1, as_of=AS_OF)
    ws = Workspace.open(path, daily_backup=False)
    ws.today = AS_OF
    for row in student_rows(ws)[:: max(1, args.students // max(1, args.removed))][: args.removed]:
        remove_student(ws, row.id)
    print(f"{args.students:,} students, {args.removed} removed; medians of {args.repeat} runs")

    def floor() -> None:
        con = sqlite3.connect(path)
        try:
            con.execute(FLOOR_SQL).fetchall()
        finally:
            con.close()

    cases: list[tuple[str, Callable[[], object]]] = [
        ("student list", lambda: student_rows(ws)),
        ("attention 14 days", lambda: attention_items(ws, AS_OF, 14)),
        ("count", lambda: count_students(ws)),
        ("check", lambda: run_checks(ws)),
    ]
    floor_s = median_of(floor, args.repeat)
    print(f"  floor: raw sqlite3 list query          {floor_s * 1000:8.1f} ms")
    for name, action in cases:
        action()  # warm the statement caches
        with unfiltered():
            action()
        # Alternated within each repeat: the machine's load drifts, so "with" and "without" share it.
        with_times, without_times = [], []
        for _ in range(args.repeat):
            with_times.append(median_of(action, 1))
            with unfiltered():
                without_times.append(median_of(action, 1))
        with_filter, without = statistics.median(with_times), statistics.median(without_times)
        print(
            f"  {name:<18} with filter {with_filter * 1000:8.1f} ms   without {without * 1000:8.1f} ms   "
            f"ratio {with_filter / without:5.2f}   ({with_filter / floor_s:5.1f}x the floor)"
        )
    ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
