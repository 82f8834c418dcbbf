"""Round-trip benchmark (issue 19: "round trip of a 1,000-student cohort workbook (review and apply)
under 5 s"), with the bare-library floor measured in the same run.

    .venv/bin/python benchmarks/bench_round_trip.py [--students 1000] [--repeat 5] [--profile]

A demo database of N students (benchmarks/out/demoN.sqlite, both programmes, every cohort) is
exported whole, once, as the window's export does (`export_to`, as of 2025-11-24). That workbook is
changed with openpyxl, as a coordinator would, in two ways (untimed):
- fifty:    the 50 cells of the round-trip test (tests/spreadsheets/round_trip_helpers.py): grades,
            exam and received dates, notes, an approval, marks, hosts, one illegal grade (11);
- thousand: 1,000 cells: the received date of every portfolio item that was open and due, and
            grade corrections on the Courses sheet for the rest.
Each timed run gets a fresh copy of the database (untimed), then:
- app:   `preview_import` (the reading child, the ledger, the review with its rehearsal) +
         `apply_import(skip_rejected=True)` (one transaction, through the services, audit included);
- floor: python-calamine reading every row of every sheet of the same workbook + a raw sqlite3
         UPDATE per changed cell (the changes the app applied, recorded untimed), one commit, in the
         same `synchronous=FULL` the app's connection uses.
The two alternate (the side that goes first switching each round). Wall and CPU seconds (CPU counts
the reading child's), medians, and the median of the per-round ratios app / floor.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import AS_OF, demo, machine  # noqa: E402

TABLES = {
    "result": (
        "course_result",
        "student_id = ? AND course_id = (SELECT id FROM course WHERE code = ?) AND attempt = ?",
    ),
    "internship": ("internship", "student_id = ? AND kind = ?"),
    "literature_study": ("literature_study", "student_id = ?"),
    "portfolio_item": ("portfolio_item", "student_id = ? AND component = ? AND kind = ?"),
}


def cpu() -> float:
    """CPU seconds of this process and of the children it waited for (the reading child)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def workspace(db: Path):  # type: ignore[no-untyped-def]
    from coordinator_app.domain.programme_file import load_programmes
    from coordinator_app.paths import programmes_dir
    from coordinator_app.services.workspace import Workspace

    ws = Workspace.open(db, load_programmes(programmes_dir()), daily_backup=False)
    ws.today = AS_OF
    return ws


def prepare(work: Path, students: int) -> tuple[Path, dict[str, Path]]:
    from coordinator_app.spreadsheets.export import export_to
    from tests.spreadsheets.round_trip_helpers import edit_like_a_coordinator

    work.mkdir(parents=True, exist_ok=True)
    base = work / f"base-{students}.sqlite"
    shutil.copy(demo(students), base)
    exported = work / f"cohort-{students}.xlsx"
    if not exported.exists():
        ws = workspace(base)
        try:
            export_to(ws, exported, as_of=AS_OF)
        finally:
            ws.close()
    books = {"fifty": work / f"fifty-{students}.xlsx", "thousand": work / f"thousand-{students}.xlsx"}
    if not books["fifty"].exists():
        edit_like_a_coordinator(exported, books["fifty"], AS_OF)
    if not books["thousand"].exists():
        change_a_thousand(exported, books["thousand"], AS_OF)
    return base, books


def change_a_thousand(source: Path, target: Path, today: date, cells: int = 1000) -> None:
    """Received dates for the open, due portfolio items, then grade corrections, up to `cells`."""
    import openpyxl

    wb = openpyxl.load_workbook(source)
    changed = 0
    portfolio = wb["Portfolio"]
    header = [c.value for c in portfolio[1]]
    due, received = header.index("Due") + 1, header.index("Received") + 1
    for r in range(2, portfolio.max_row + 1):
        when = portfolio.cell(r, due).value
        if changed < cells and portfolio.cell(r, received).value is None and when is not None:
            day = when.date() if hasattr(when, "date") else when
            if day <= today:
                portfolio.cell(r, received).value = min(day + timedelta(days=2), today)
                changed += 1
    courses = wb["Courses"]
    header = [c.value for c in courses[1]]
    grade = header.index("Grade") + 1
    for r in range(2, courses.max_row + 1):
        value = courses.cell(r, grade).value
        if changed < cells and isinstance(value, float) and 6.0 <= value <= 9.0:
            courses.cell(r, grade).value = 9.5 if value != 9.5 else 9.0
            changed += 1
    if changed < cells:
        raise SystemExit(f"only {changed} cells could be changed in {source.name}")
    wb.save(target)


def run_app(db: Path, book: Path) -> tuple[float, float, Any]:
    from coordinator_app.spreadsheets.importer import apply_import, preview_import

    ws = workspace(db)
    try:
        start, start_cpu = time.perf_counter(), cpu()
        preview = preview_import(ws, book)
        applied = apply_import(ws, preview, skip_rejected=True)
        return time.perf_counter() - start, cpu() - start_cpu, applied
    finally:
        ws.close()


def updates_of(applied: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL a bare writer would send for the changes the app applied (untimed)."""
    from coordinator_app.domain.grades import Grade

    out: list[tuple[str, tuple[Any, ...]]] = []
    for line in applied.review.changes:
        table, where = TABLES[line.part]
        value = line.new_value
        if isinstance(value, Grade):
            value = None if value.no_show else value.value
        elif isinstance(value, date):
            value = value.isoformat()
        out.append((f"UPDATE {table} SET {line.field} = ? WHERE {where}", (value, *line.key)))
    return out


def run_floor(db: Path, book: Path, updates: list[tuple[str, tuple[Any, ...]]]) -> tuple[float, float, int]:
    from python_calamine import CalamineWorkbook

    start, start_cpu = time.perf_counter(), cpu()
    workbook = CalamineWorkbook.from_path(str(book))
    cells = 0
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).iter_rows():
            cells += len(row)
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA synchronous=FULL")
    with connection:
        for sql, values in updates:
            connection.execute(sql, values)
    connection.close()
    return time.perf_counter() - start, cpu() - start_cpu, cells


def profile(base: Path, book: Path, work: Path) -> None:
    import cProfile
    import pstats

    db = work / "profile.sqlite"
    shutil.copy(base, db)
    profiler = cProfile.Profile()
    profiler.enable()
    run_app(db, book)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_round_trip"))
    parser.add_argument("--cases", nargs="+", default=["fifty", "thousand"])
    parser.add_argument("--profile", action="store_true", help="cProfile one app run of the first case instead")
    args = parser.parse_args()
    base, books = prepare(args.work, args.students)
    if args.profile:
        profile(base, books[args.cases[0]], args.work)
        return
    print(f"{args.students:,} students exported whole; {machine()}")
    for case in args.cases:
        db = args.work / "run.sqlite"
        shutil.copy(base, db)
        _, _, applied = run_app(db, books[case])  # untimed: the changes for the floor, and a warm cache
        updates = updates_of(applied)
        app: list[tuple[float, float]] = []
        floor: list[tuple[float, float]] = []
        for n in range(args.repeat):
            for side in ("app", "floor") if n % 2 == 0 else ("floor", "app"):
                shutil.copy(base, db)
                for extra in ("-wal", "-shm"):
                    Path(f"{db}{extra}").unlink(missing_ok=True)
                if side == "app":
                    wall, used, _ = run_app(db, books[case])
                    app.append((wall, used))
                else:
                    wall, used, cells = run_floor(db, books[case], updates)
                    floor.append((wall, used))
        walls = [a[0] for a in app]
        ratio = statistics.median(a[0] / f[0] for a, f in zip(app, floor))
        ratio_cpu = statistics.median(a[1] / f[1] for a, f in zip(app, floor))
        print(
            f"{case}: {applied.summary()}; {len(updates)} changes, {cells:,} cells read by the floor\n"
            f"  app   wall {', '.join(f'{w:.2f}' for w in walls)} s (median {statistics.median(walls):.2f}), "
            f"cpu median {statistics.median(a[1] for a in app):.2f} s\n"
            f"  floor wall median {statistics.median(f[0] for f in floor):.2f} s, "
            f"cpu median {statistics.median(f[1] for f in floor):.2f} s\n"
            f"  app / floor {ratio:.1f}x wall, {ratio_cpu:.1f}x cpu; target < 5 s: "
            f"{'met' if statistics.median(walls) < 5 else 'NOT met'}; load now {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
