"""Template fill benchmark (issue 19: "template fill of 1,000 students within 1.5x the plain export
of the same cells"), with the bare-library floor measured in the same run.

    .venv/bin/python benchmarks/bench_template.py [--students 1000] [--repeat 3]

A demo database of N students (both programmes) and a faculty-style template (a logo, a merged
title in its colours, the header on row 4 naming every Overview column of the app, a styled first
row and a formula column) are made once. Each measurement runs in its own subprocess, interleaved:
- template: fill_template(ws, template, out): load the template, the queries and rules, one row
            per student in the template's styles with its formula carried down, save.
- plain:    the plain export of the same cells: the same queries and rules (select_students,
            evaluated_chunks) and the same Overview columns, streamed by the app's SheetWriter into
            a new write-only workbook, saved.
- bare:     the floor of editing a template with openpyxl: load it, write the already computed
            values (recorded from a template run, untimed) with one assignment per cell, save.
Reports wall and CPU seconds, medians, and the ratios template/plain (the target) and template/bare.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

AS_OF = date(2025, 11, 24)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _now()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}


def _workspace(db: Path):  # type: ignore[no-untyped-def]
    from coordinator_app.domain.programme_file import load_programmes
    from coordinator_app.paths import programmes_dir
    from coordinator_app.services.workspace import Workspace

    ws = Workspace.open(db, load_programmes(programmes_dir()))
    ws.today = AS_OF
    return ws


def prepare(work: Path, students: int) -> tuple[Path, Path]:
    from openpyxl.styles import Font, PatternFill

    from coordinator_app.services.demo import build_demo
    from coordinator_app.spreadsheets.template import app_headers
    from tests.spreadsheets.template_helpers import FACULTY_BLUE, ROW_FILL, faculty_template

    work.mkdir(parents=True, exist_ok=True)
    db = work / f"demo-{students}.sqlite"
    if not db.exists():
        build_demo(db, students=students, seed=7, as_of=AS_OF)
    template = work / "faculty.xlsx"
    faculty_template(template)
    from openpyxl import load_workbook

    ws = _workspace(db)
    headers = app_headers(ws)
    ws.close()
    wb = load_workbook(template)
    sheet = wb["Voortgang"]
    sheet.delete_cols(1, 8)
    for n, text in enumerate(headers, 1):
        cell = sheet.cell(4, n, text)
        cell.font, cell.fill = Font(bold=True, color="FFFFFFFF"), PatternFill("solid", fgColor=FACULTY_BLUE)
        sheet.cell(5, n).fill = PatternFill("solid", fgColor=ROW_FILL)
    sheet.cell(4, len(headers) + 1, "Nr.")
    sheet.cell(5, len(headers) + 1, "=ROW()-4")
    wb.save(template)
    map_file = template.with_name(template.name + ".columns.json")
    map_file.unlink(missing_ok=True)
    return db, template


def _save_durably(wb, out: Path) -> None:  # type: ignore[no-untyped-def]
    from coordinator_app.durable import replace_durably

    temporary = out.with_name(f".{out.name}.part")
    wb.save(temporary)
    replace_durably(temporary, out)


def run_template(db: Path, template: Path, out: Path) -> dict[str, float]:
    from coordinator_app.spreadsheets.template import fill_template

    ws = _workspace(db)
    start = _now()
    _, students = fill_template(ws, template, out, as_of=AS_OF)
    result = {**_since(start), "students": students}
    ws.close()
    return result


def run_plain(db: Path, template: Path, out: Path) -> dict[str, float]:
    from openpyxl import Workbook

    from coordinator_app.services.cohort_data import evaluated_chunks, select_students
    from coordinator_app.spreadsheets.cells import SheetWriter
    from coordinator_app.spreadsheets.sheets import Line, StudentLines, overview_columns

    ws = _workspace(db)
    start = _now()
    programmes = sorted(ws.programmes.values(), key=lambda p: p.code)
    wb = Workbook(write_only=True)
    sheet = SheetWriter(wb, "Overview", overview_columns(programmes, lambda *_a: 12), 3)
    students = 0

    def component(p, key):  # type: ignore[no-untyped-def]
        try:
            return p.component(key).name
        except KeyError:
            return key

    with ws.read() as s:
        ids, _present = select_students(s, None, None)
        for chunk, evaluations in evaluated_chunks(s, ids, ws.programmes, AS_OF):
            for student, ev in zip(chunk.students, evaluations):
                sheet.add(Line(StudentLines(student, ws.programmes[student.programme], ev, chunk, AS_OF, component)))
                students += 1
    sheet.finish()
    _save_durably(wb, out)  # as the export and the template fill save: a temporary file, fsync, rename
    result = {**_since(start), "students": students}
    ws.close()
    return result


def record(filled: Path, cells: Path) -> None:
    """The values a template run wrote below the header, for the bare floor (untimed)."""
    from openpyxl import load_workbook

    sheet = load_workbook(filled, read_only=True)["Voortgang"]
    rows = [list(r) for r in sheet.iter_rows(min_row=5, values_only=True)]
    cells.write_bytes(pickle.dumps(rows))


def run_bare(db: Path, template: Path, out: Path, cells: Path) -> dict[str, float]:
    from openpyxl import load_workbook

    rows = pickle.loads(cells.read_bytes())
    start = _now()
    wb = load_workbook(template)
    sheet = wb["Voortgang"]
    for r, values in enumerate(rows, 5):
        for c, value in enumerate(values, 1):
            if value is not None:
                sheet.cell(r, c).value = value
    _save_durably(wb, out)
    return {**_since(start), "students": len(rows)}


def one(method: str, db: Path, template: Path, out: Path, cells: Path) -> dict[str, float]:
    if method == "template":
        return run_template(db, template, out)
    if method == "plain":
        return run_plain(db, template, out)
    return run_bare(db, template, out, cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_template"))
    parser.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        method, db, template, out, cells = args.one
        print(json.dumps(one(method, Path(db), Path(template), Path(out), Path(cells))))
        return
    db, template = prepare(args.work, args.students)
    cells = args.work / "cells.pickle"
    run_template(db, template, args.work / "recorded.xlsx")  # untimed: proposes and saves the map
    record(args.work / "recorded.xlsx", cells)
    methods = ("template", "plain", "bare")
    runs: dict[str, list[dict[str, float]]] = {m: [] for m in methods}
    for _ in range(args.repeat):
        for method in methods:
            out = args.work / f"{method}.xlsx"
            done = subprocess.run(
                [sys.executable, __file__, "--one", method, str(db), str(template), str(out), str(cells)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs[method].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"{args.students:,} students in the database; {int(runs['template'][0]['students']):,} rows filled")
    median = {m: statistics.median(r["wall"] for r in runs[m]) for m in methods}
    for m in methods:
        walls = ", ".join(f"{r['wall']:.2f}" for r in runs[m])
        cpus = ", ".join(f"{r['cpu']:.2f}" for r in runs[m])
        print(f"  {m:9} wall {walls} s (median {median[m]:.2f}); cpu {cpus} s")
    pairs = [t["wall"] / p["wall"] for t, p in zip(runs["template"], runs["plain"])]
    cpu = statistics.median(t["cpu"] / p["cpu"] for t, p in zip(runs["template"], runs["plain"]))
    print(f"  template/plain cpu {cpu:.2f} (median of the pairs); load now {os.getloadavg()[0]:.1f}")
    print(
        f"  template/plain {median['template'] / median['plain']:.2f} (per pair {', '.join(f'{x:.2f}' for x in pairs)};"
        f" target <= 1.5); template/bare {median['template'] / median['bare']:.2f}"
    )


if __name__ == "__main__":
    main()
