"""Import benchmark: preview + apply of a 10,000-row student list and a 10,000-row results list
against a bare python-calamine iteration over the same file, in the same run.

    .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--repeat 5]

Cases (each on a fresh copy of the same base database, timings are medians):
- students, new:        10,000 students not yet in the database (inserts + Academic Core items)
- students, again:      the same file a second time (every row unchanged: nothing written)
- results, new:         10,000 grades for one course for students already in the database
- results, again:       the same results file again (unchanged)
The floor: open the workbook with python-calamine and iterate every row of the first sheet.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook

AS_OF = date(2025, 11, 24)


def calamine_floor(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    wb = CalamineWorkbook.from_path(str(path))
    n = 0
    for row in wb.get_sheet_by_name(wb.sheet_names[0]).iter_rows():
        n += len(row)
    return time.perf_counter() - started


def write_students(path: Path, rows: int) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Studenten")
    ws.append(["Studentnummer", "Voornaam", "Achternaam", "E-mail", "Opleiding", "Cohort", "Specialisatie"])
    for i in range(rows):
        ws.append([str(2900000 + i), f"Voornaam{i}", f"Achternaam{i}", f"student{i}@student.vu.nl", "PM", 2025, ""])
    wb.save(path)


def write_results(path: Path, numbers: list[str]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Cijfers")
    ws.append(["Studentnummer", "Cijfer", "Toetsdatum", "Poging"])
    for n, number in enumerate(numbers):
        ws.append([number, round(4.0 + (n % 60) / 10, 1), date(2026, 9, 30), 1])
    wb.save(path)


def timed_import(db: Path, path: Path, course: str | None = None) -> tuple[float, float, str]:
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.importer import apply_import, preview_import

    ws = Workspace.open(db)
    ws.today = AS_OF
    started = time.perf_counter()
    preview = preview_import(ws, path, course=course)
    middle = time.perf_counter()
    apply_import(ws, preview)
    done = time.perf_counter()
    ws.close()
    return middle - started, done - middle, preview.summary()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_import"))
    args = parser.parse_args()
    from coordinator_app.services.workspace import Workspace

    args.work.mkdir(parents=True, exist_ok=True)
    base = args.work / "base.sqlite"
    if base.exists():
        base.unlink()
    Workspace.open(base).close()
    students_file = args.work / "students.xlsx"
    write_students(students_file, args.rows)
    # A database that already holds the students, for the results import.
    with_students = args.work / "with_students.sqlite"
    shutil.copy(base, with_students)
    timed_import(with_students, students_file)
    results_file = args.work / "results.xlsx"
    write_results(results_file, [str(2900000 + i) for i in range(args.rows)])

    cases = {"students, new": [], "students, again": [], "results, new": [], "results, again": []}  # type: ignore[var-annotated]
    floors: dict[str, list[float]] = {"students": [], "results": []}
    for _ in range(args.repeat):
        floors["students"].append(calamine_floor(students_file))
        db = args.work / "run.sqlite"
        shutil.copy(base, db)
        cases["students, new"].append(timed_import(db, students_file))
        cases["students, again"].append(timed_import(db, students_file))
        floors["results"].append(calamine_floor(results_file))
        shutil.copy(with_students, db)
        cases["results, new"].append(timed_import(db, results_file, course="PM-PERS"))
        cases["results, again"].append(timed_import(db, results_file, course="PM-PERS"))
    print(f"{args.rows} rows, {args.repeat} runs, medians")
    for kind in floors:
        print(f"  calamine iteration ({kind} file): {statistics.median(floors[kind]):.3f} s")
    for name, runs in cases.items():
        floor = statistics.median(floors[name.split(",")[0]])
        preview = statistics.median(r[0] for r in runs)
        apply = statistics.median(r[1] for r in runs)
        total = statistics.median(r[0] + r[1] for r in runs)
        print(f"  {name:<16} preview {preview:.3f} s + apply {apply:.3f} s = {total:.3f} s  "
              f"= {total / floor:.1f}x calamine   [{runs[0][2]}]")


if __name__ == "__main__":
    main()
