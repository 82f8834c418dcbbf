"""One coordinator edit, service call to durable commit, against a raw sqlite3 write of the same rows (issue 12).

    .venv/bin/python benchmarks/bench_edit.py [--sizes 1k,10k,100k] [--edits 40] [--rounds 5]

App, on a copy of the demo database of each size (`synchronous=FULL`, as the app runs):
- a note on a student (`update_student(notes=...)`): the rules do not read it;
- a field the rules read (`update_student(tuition_paid=...)`): the student's stored verdict is
  forgotten in the same transaction, and worked out when next asked (services/verdicts.py);
- a grade (`record_grade`, a pass on a compulsory course, exam taken on the demo's day): the result, the EC total when the course's
  pass changed it (services/ec_totals.py), the verdict forgotten.
Each copy starts with the verdicts an attention list stores (every graduation candidate's), as a
database in use has them.
Floor, on another copy with a kept sqlite3 connection, WAL and `synchronous=FULL`: BEGIN IMMEDIATE,
exactly the rows the app's edit wrote, with plain SQL, COMMIT. Which rows those are is taken from a
rehearsal of the same edits in the same order on a third copy, untimed (`rehearse`): the field or
the graded result (a new attempt, or the open registration graded), a resit registration if any, the
audit entry, the student's EC total only when the edit changed it, the verdict row deleted. After the run
both copies are compared (`same_rows`): students, results and verdicts equal. Pairs of rounds in turn; the
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import AS_OF, demo, machine, sizes, table

AUDIT = (
    "INSERT INTO audit_entry (at, os_user, action, student_id, entity, entity_id, field, old_value, new_value) "
    "VALUES ('2026-12-02 10:00:00.000000', 'bench', ?, ?, ?, ?, ?, ?, ?)"
)
VERDICT = (
    "INSERT INTO readiness (student_id, blockers, holds_from, holds_until, rules) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (student_id) DO UPDATE SET blockers = excluded.blockers, holds_from = excluded.holds_from, "
    "holds_until = excluded.holds_until, rules = excluded.rules"
)
RESULT = (
    "INSERT INTO course_result (id, student_id, course_id, attempt, exam_date, grade, no_show, registered_on) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
KINDS = ("notes", "field", "grade")


@dataclass(frozen=True)
class Rows:
    """What the app's edit wrote, read back from the rehearsal's copy: the floor writes exactly these."""

    student: int
    value: Any = None  # the field's new value (notes, tuition_paid)
    result: tuple[Any, ...] | None = None  # the course_result row written (its every column)
    inserted: bool = False  # the result row is new (else the open registration was graded)
    resit: tuple[Any, ...] | None = None  # a resit registration added
    ec: int | None = None  # the student's new EC total, when the edit changed it
    verdict: tuple[Any, ...] | None = None  # the readiness row after the edit
    forgot: bool = False  # the edit deleted the student's verdict (worked out when next asked)


def schedule(edits: int, rounds: int) -> list[tuple[str, int]]:
    """Every (kind, edit number) in the order `measure` makes them, on each side."""
    warm = [(kind, i) for kind in KINDS for i in range(edits * rounds, edits * rounds + 5)]
    timed = [
        (kind, i)
        for kind in KINDS
        for i in [*range(edits * rounds), *range(edits * rounds + 5, 2 * edits * rounds + 5)]
    ]
    return warm + timed


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


def _app(ws: Any, pm: list[int], codes: list[str], paid: dict[int, bool]) -> dict[str, Callable[[int], Any]]:
    from coordinator_app.services import courses
    from coordinator_app.services import students as student_service

    def field(i: int) -> None:  # always a change (the same value again writes nothing)
        sid = pm[i % len(pm)]
        paid[sid] = not paid[sid]
        student_service.update_student(ws, sid, tuition_paid=paid[sid])

    return {
        "notes": lambda i: student_service.update_student(ws, pm[i % len(pm)], notes=f"edit {i}"),
        "field": field,
        # The exam taken on the demo's day: a result for an exam still to come is refused.
        "grade": lambda i: courses.record_grade(
            ws, pm[i % len(pm)], codes[(i // len(pm)) % len(codes)], "7.5", exam_date=AS_OF
        ),
    }


def rehearse(
    source: Path, tmp: Path, pm: list[int], codes: list[str], paid: dict[int, bool], order: list[tuple[str, int]]
) -> dict[tuple[str, int], Rows]:
    """The app's edits in the benchmark's order on a copy of its own, untimed: the rows each wrote."""
    from coordinator_app.services.workspace import Workspace

    ws = Workspace.open(_copy(source, tmp / "rehearsal.sqlite"), daily_backup=False)
    ws.today = AS_OF
    app = _app(ws, pm, codes, dict(paid))
    look = sqlite3.connect(tmp / "rehearsal.sqlite")
    written: dict[tuple[str, int], Rows] = {}
    for kind, i in order:
        sid = pm[i % len(pm)]
        (ec_before,) = look.execute("SELECT ec_earned FROM student WHERE id = ?", (sid,)).fetchone()
        answer = app[kind](i)
        (ec_after, notes, tuition) = look.execute(
            "SELECT ec_earned, notes, tuition_paid FROM student WHERE id = ?", (sid,)
        ).fetchone()
        verdict = look.execute("SELECT * FROM readiness WHERE student_id = ?", (sid,)).fetchone()
        forgot = verdict is None  # the app's DELETE ran (a field the rules read, a grade), a verdict stored or not
        ec = ec_after if ec_after != ec_before else None
        if kind == "notes":
            written[kind, i] = Rows(sid, notes, ec=ec, verdict=None)
        elif kind == "field":
            written[kind, i] = Rows(sid, tuition, ec=ec, verdict=verdict, forgot=forgot)
        else:
            result = look.execute("SELECT * FROM course_result WHERE id = ?", (answer.result_id,)).fetchone()
            resit = None
            if answer.resit_id is not None:
                resit = look.execute("SELECT * FROM course_result WHERE id = ?", (answer.resit_id,)).fetchone()
            written[kind, i] = Rows(
                sid,
                result=result,
                inserted=answer.previous is None,
                resit=resit,
                ec=ec,
                verdict=verdict,
                forgot=forgot,
            )
    look.close()
    ws.close()
    return written


def _floor(path: Path, written: dict[tuple[str, int], Rows]) -> dict[str, Callable[[int], object]]:
    """A kept sqlite3 connection writing, per edit, exactly the rows the app wrote (`rehearse`)."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")

    def derived(rows: Rows) -> None:
        if rows.ec is not None:
            con.execute("UPDATE student SET ec_earned = ? WHERE id = ?", (rows.ec, rows.student))
        if rows.verdict is not None:
            con.execute(VERDICT, rows.verdict)
        elif rows.forgot:
            con.execute("DELETE FROM readiness WHERE student_id = ?", (rows.student,))

    def notes(i: int) -> None:
        rows = written["notes", i]
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE student SET notes = ? WHERE id = ?", (rows.value, rows.student))
        con.execute(AUDIT, ("change student", rows.student, "student", rows.student, "notes", None, rows.value))
        derived(rows)
        con.execute("COMMIT")

    def field(i: int) -> None:
        rows = written["field", i]
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE student SET tuition_paid = ? WHERE id = ?", (rows.value, rows.student))
        old, new = ("no", "yes") if rows.value else ("yes", "no")
        con.execute(AUDIT, ("change student", rows.student, "student", rows.student, "tuition_paid", old, new))
        derived(rows)
        con.execute("COMMIT")

    def grade(i: int) -> None:
        rows = written["grade", i]
        assert rows.result is not None
        con.execute("BEGIN IMMEDIATE")
        if rows.inserted:
            con.execute(RESULT, rows.result)
        else:
            rid, _sid, _cid, _attempt, exam_date, grade, no_show, registered_on = rows.result
            con.execute(
                "UPDATE course_result SET exam_date = ?, grade = ?, no_show = ?, registered_on = ? WHERE id = ?",
                (exam_date, grade, no_show, registered_on, rid),
            )
        if rows.resit is not None:
            con.execute(RESULT, rows.resit)
        con.execute(AUDIT, ("record grade", rows.student, "course_result", rows.result[0], "grade", None, "7.5"))
        derived(rows)
        con.execute("COMMIT")

    return {"notes": notes, "field": field, "grade": grade}


def in_use(demo_db: Path, tmp: Path) -> Path:
    """A copy of the demo with the verdicts an attention list stores (the demo writes none)."""
    from coordinator_app.services.attention import attention_items
    from coordinator_app.services.workspace import Workspace

    path = _copy(demo_db, tmp / "in_use.sqlite")
    ws = Workspace.open(path, daily_backup=False)
    attention_items(ws, AS_OF)
    ws.close()
    return path


def measure(students: int, edits: int, rounds: int) -> list[list[object]]:
    from sqlalchemy import select

    from coordinator_app.services.workspace import Workspace
    from coordinator_app.store import models as m

    with tempfile.TemporaryDirectory(dir=demo(students).parent) as tmp:
        source = in_use(demo(students), Path(tmp))
        app_db = _copy(source, Path(tmp) / "app.sqlite")
        floor_db = _copy(source, Path(tmp) / "floor.sqlite")
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
            paid = dict(s.execute(select(m.Student.id, m.Student.tuition_paid).where(m.Student.id.in_(pm))).all())
        codes = [c.code for c in ws.programmes["PM"].courses if c.component == "compulsory"]
        order = schedule(edits, rounds)
        written = rehearse(source, Path(tmp), pm, codes, paid, order)
        app = _app(ws, pm, codes, paid)
        floor = _floor(floor_db, written)
        rows: list[list[object]] = []
        for kind in KINDS:  # warm: statements compiled, connections kept
            _per_edit(app[kind], edits * rounds, 5)
            _per_edit(floor[kind], edits * rounds, 5)
        for kind in KINDS:
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
                    f"{cpu_app * 1000:.2f} / {cpu_floor * 1000:.2f} ms = {cpu_app / cpu_floor:.1f}x",
                    "<= 2x",
                ]
            )
        ws.close()
        same_rows(app_db, floor_db)
    return rows


def same_rows(app_db: Path, floor_db: Path) -> None:
    """After the run both copies hold the same students, results and verdicts (the audit entries differ
    only in time and user): the floor wrote what the app wrote."""
    queries = (
        "SELECT id, notes, tuition_paid, ec_earned FROM student ORDER BY id",
        "SELECT * FROM course_result ORDER BY id",
        "SELECT * FROM readiness ORDER BY student_id",
        "SELECT count(*) FROM audit_entry",
    )
    app, floor = sqlite3.connect(app_db), sqlite3.connect(floor_db)
    for sql in queries:
        a, f = app.execute(sql).fetchall(), floor.execute(sql).fetchall()
        if a != f:
            raise AssertionError(f"the floor did not write the rows the app wrote: {sql}")
    app.close()
    floor.close()


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
