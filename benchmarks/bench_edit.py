"""One coordinator edit, service call to durable commit, against a raw sqlite3 write of the same rows (issue 12).

    .venv/bin/python benchmarks/bench_edit.py [--sizes 1k,10k,100k] [--edits 40] [--rounds 5]

App, on a copy of the demo database of each size (`synchronous=FULL`, as the app runs):
- a note on a student (`update_student(notes=...)`): the rules do not read it;
- a field the rules read (`update_student(tuition_paid=...)`): the student is judged again and
  the verdict stored in the same transaction (services/verdicts.py);
- a grade (`record_grade`, a pass on a compulsory course): the result, the EC total, the verdict.
Floor, on another copy with a kept sqlite3 connection, WAL and `synchronous=FULL`: BEGIN IMMEDIATE,
the same rows written with plain SQL (the UPDATE/INSERT of the edit, the audit entry, and for the
field and the grade the student's EC total and verdict row), COMMIT. Pairs of rounds in turn; the
medians per edit and the median of the per-round ratios. Then as many edits again, app and floor
edit by edit (a durable commit's fsync swings 0.4-8 ms on this shared disk, round to round), with
the CPU seconds of each (the app's own work, whatever the disk does). Target: <= 2x.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import AS_OF, demo, machine, sizes, table

AUDIT = (
    "INSERT INTO audit_entry (at, os_user, action, student_id, entity, entity_id, field, old_value, new_value) "
    "VALUES ('2026-12-02 10:00:00.000000', 'bench', ?, ?, ?, ?, ?, ?, ?)"
)
VERDICT = (
    "INSERT OR REPLACE INTO readiness (student_id, blockers, holds_from, holds_until, rules) "
    "VALUES (?, 'tuition not paid', NULL, NULL, '0123456789abcdef')"
)


def _copy(source: Path, to: Path) -> Path:
    shutil.copy(source, to)
    return to


def _per_edit(action: Callable[[int], object], start: int, edits: int) -> float:
    times = []
    for i in range(start, start + edits):
        started = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _pair(app: Callable[[int], object], floor: Callable[[int], object], i: int) -> tuple[float, ...]:
    """(app wall, floor wall, app CPU, floor CPU) seconds of edit i, app and floor one after the other."""
    out = []
    for action in (app, floor):
        wall, cpu = time.perf_counter(), time.process_time()
        action(i)
        out.append((time.perf_counter() - wall, time.process_time() - cpu))
    return out[0][0], out[1][0], out[0][1], out[1][1]


def _floor(path: Path, students: list[int], results: list[int]) -> dict[str, Callable[[int], object]]:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")

    def notes(i: int) -> None:
        sid = students[i % len(students)]
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE student SET notes = ? WHERE id = ?", (f"floor {i}", sid))
        con.execute(AUDIT, ("update student", sid, "student", sid, "notes", None, f"floor {i}"))
        con.execute("COMMIT")

    def field(i: int) -> None:
        sid = students[i % len(students)]
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE student SET tuition_paid = ? WHERE id = ?", (i % 2, sid))
        con.execute(AUDIT, ("update student", sid, "student", sid, "tuition_paid", str(1 - i % 2), str(i % 2)))
        con.execute("UPDATE student SET ec_earned = ? WHERE id = ?", (i % 120, sid))
        con.execute(VERDICT, (sid,))
        con.execute("COMMIT")

    def grade(i: int) -> None:
        rid = results[i % len(results)]
        con.execute("BEGIN IMMEDIATE")
        (sid,) = con.execute(
            "UPDATE course_result SET grade = 7.5 WHERE id = ? RETURNING student_id", (rid,)
        ).fetchone()
        con.execute(AUDIT, ("record grade", sid, "course_result", rid, "grade", None, "7.5"))
        con.execute("UPDATE student SET ec_earned = ? WHERE id = ?", (i % 120, sid))
        con.execute(VERDICT, (sid,))
        con.execute("COMMIT")

    return {"notes": notes, "field": field, "grade": grade}


def measure(students: int, edits: int, rounds: int) -> list[list[object]]:
    from sqlalchemy import select

    from coordinator_app.services import courses
    from coordinator_app.services import students as student_service
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.store import models as m

    with tempfile.TemporaryDirectory(dir=demo(students).parent) as tmp:
        app_db = _copy(demo(students), Path(tmp) / "app.sqlite")
        floor_db = _copy(demo(students), Path(tmp) / "floor.sqlite")
        ws = Workspace.open(app_db, daily_backup=False)
        ws.today = AS_OF
        with ws.read() as s:
            pm = list(
                s.scalars(
                    select(m.Student.id)
                    .join(m.Programme, m.Student.programme_id == m.Programme.id)
                    .where(m.Programme.code == "PM", m.Student.status == "active")
                    .order_by(m.Student.id)
                    .limit(edits * rounds)
                )
            )
            results = list(
                s.scalars(
                    select(m.CourseResult.id)
                    .where(m.CourseResult.no_show.is_(False))
                    .order_by(m.CourseResult.id)
                    .limit(edits * rounds)
                )
            )
            paid = dict(s.execute(select(m.Student.id, m.Student.tuition_paid).where(m.Student.id.in_(pm))).all())
        codes = [c.code for c in ws.programmes["PM"].courses if c.component == "compulsory"]

        def field(i: int) -> None:  # always a change (the same value again writes nothing)
            sid = pm[i % len(pm)]
            paid[sid] = not paid[sid]
            student_service.update_student(ws, sid, tuition_paid=paid[sid])

        app: dict[str, Callable[[int], object]] = {
            "notes": lambda i: student_service.update_student(ws, pm[i % len(pm)], notes=f"app {i}"),
            "field": field,
            "grade": lambda i: courses.record_grade(ws, pm[i % len(pm)], codes[(i // len(pm)) % len(codes)], "7.5"),
        }
        floor = _floor(floor_db, pm, results)
        rows: list[list[object]] = []
        for kind in ("notes", "field", "grade"):  # warm: statements compiled, connections kept
            _per_edit(app[kind], edits * rounds, 5)
            _per_edit(floor[kind], edits * rounds, 5)
        for kind in ("notes", "field", "grade"):
            app_times, floor_times = [], []
            for n in range(rounds):
                start = n * edits
                if n % 2:
                    floor_times.append(_per_edit(floor[kind], start, edits))
                    app_times.append(_per_edit(app[kind], start, edits))
                else:
                    app_times.append(_per_edit(app[kind], start, edits))
                    floor_times.append(_per_edit(floor[kind], start, edits))
            # As many edits again (other students, the next course), app and floor edit by edit: a durable commit's fsync swings
            # from 0.4 to 8 ms here with other jobs' writes, so the rounds above can compare a slow
            # disk against a quick one. CPU seconds are the app's own work, whatever the disk does.
            pairs = [_pair(app[kind], floor[kind], i) for i in range(edits * rounds + 5, 2 * edits * rounds + 5)]
            wall_app, wall_floor = (statistics.median(p[k] for p in pairs) for k in (0, 1))
            cpu_app, cpu_floor = (statistics.median(p[k] for p in pairs) for k in (2, 3))
            ratio = statistics.median(a / f for a, f in zip(app_times, floor_times))
            rows.append(
                [
                    f"{students:,}",
                    kind,
                    f"{statistics.median(app_times) * 1000:.2f} ms",
                    f"{statistics.median(floor_times) * 1000:.2f} ms",
                    f"**{ratio:.2f}x**",
                    f"{wall_app * 1000:.2f} / {wall_floor * 1000:.2f} ms = **{wall_app / wall_floor:.2f}x**",
                    f"{cpu_app * 1000:.2f} / {cpu_floor * 1000:.2f} ms",
                    "<= 2x",
                ]
            )
        ws.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,100k")
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(machine())
    rows = [row for n in sizes(args.sizes) for row in measure(n, args.edits, args.rounds)]
    print(f"{args.rounds} rounds x {args.edits} edits, app and floor in turn; medians per edit (synchronous=FULL)")
    print(
        table(
            (
                "students",
                "edit",
                "app",
                "floor (raw sqlite3, same rows)",
                "ratio",
                "edit by edit: app / floor",
                "CPU: app / floor",
                "target",
            ),
            rows,
        )
    )
    print(machine())


if __name__ == "__main__":
    main()
