"""Mark-form benchmark (issue 19: "a returned mark form read and reviewed in under 1 s"), with the
bare-library floors measured in the same run.

    .venv/bin/python benchmarks/bench_mark_form.py [--students 1000] [--repeat 7]

On a copy of the N-student demo (benchmarks/out/demoN.sqlite), the mark form of a minor internship
without marks is written (`write_mark_form`) and filled in with openpyxl as a supervisor would (the
four marks), untimed. Then, alternating (the side that goes first switching each round):
- app:      `preview_import(ws, form, form_for=(student, "minor"))`: the reading child, the ledger,
            the locked cells compared, the review with its rehearsal (what the window's import does
            before it shows the review);
- calamine: python-calamine reading every cell of both sheets of the form;
- openpyxl: `load_workbook(form, read_only=True)` reading every cell of both sheets.
Wall and CPU seconds (CPU counts the reading child's), medians, ratios per round.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_round_trip import cpu, workspace  # noqa: E402
from benchmarks.common import demo, machine  # noqa: E402


def prepare(work: Path, students: int) -> tuple[Path, Path, int]:
    import openpyxl
    from sqlalchemy import select

    from coordinator_app.spreadsheets.mark_form import write_mark_form
    from coordinator_app.store import models as m

    work.mkdir(parents=True, exist_ok=True)
    db = work / f"marks-{students}.sqlite"
    shutil.copy(demo(students), db)
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    ws = workspace(db)
    try:
        with ws.read() as s:
            sid = s.scalar(
                select(m.Internship.student_id)
                .where(m.Internship.kind == "minor", m.Internship.practical_mark.is_(None))
                .where(m.Internship.host.is_not(None))
                .order_by(m.Internship.student_id)
                .limit(1)
            )
        form = write_mark_form(ws, int(sid), "minor", work / "form.xlsx")
    finally:
        ws.close()
    wb = openpyxl.load_workbook(form)
    sheet = wb["Mark form"]
    for ref, value in {"C12": 7.5, "C13": 8, "C14": "7,0", "C15": 6.5}.items():
        sheet[ref] = value
    back = work / "form back.xlsx"
    wb.save(back)
    return db, back, int(sid)


def run_app(db: Path, form: Path, sid: int) -> tuple[float, float, Any]:
    from coordinator_app.spreadsheets.importer import preview_import

    ws = workspace(db)
    try:
        start, start_cpu = time.perf_counter(), cpu()
        preview = preview_import(ws, form, form_for=(sid, "minor"))
        return time.perf_counter() - start, cpu() - start_cpu, preview
    finally:
        ws.close()


def run_calamine(form: Path) -> tuple[float, float]:
    from python_calamine import CalamineWorkbook

    start, start_cpu = time.perf_counter(), cpu()
    book = CalamineWorkbook.from_path(str(form))
    for name in book.sheet_names:
        for _row in book.get_sheet_by_name(name).iter_rows():
            pass
    return time.perf_counter() - start, cpu() - start_cpu


def run_openpyxl(form: Path) -> tuple[float, float]:
    from openpyxl import load_workbook

    start, start_cpu = time.perf_counter(), cpu()
    book = load_workbook(form, read_only=True)
    for sheet in book.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            pass
    book.close()
    return time.perf_counter() - start, cpu() - start_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_mark_form"))
    args = parser.parse_args()
    db, form, sid = prepare(args.work, args.students)
    print(f"mark form of student {sid}'s minor internship, {args.students:,}-student demo; {machine()}")
    _, _, preview = run_app(db, form, sid)  # untimed: warm caches
    print(f"  {preview.summary()}")
    sides = {"app": lambda: run_app(db, form, sid)[:2], "calamine": lambda: run_calamine(form)}
    sides["openpyxl"] = lambda: run_openpyxl(form)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for n in range(args.repeat):
        order = list(sides) if n % 2 == 0 else list(reversed(sides))
        for name in order:
            runs[name].append(sides[name]())
    for name, timed in runs.items():
        print(
            f"  {name:9} wall median {statistics.median(t[0] for t in timed) * 1000:.0f} ms "
            f"(max {max(t[0] for t in timed) * 1000:.0f}), cpu median {statistics.median(t[1] for t in timed) * 1000:.0f} ms"
        )
    for floor in ("calamine", "openpyxl"):
        ratio = statistics.median(a[0] / f[0] for a, f in zip(runs["app"], runs[floor]))
        print(f"  app / {floor} {ratio:.1f}x wall")
    median = statistics.median(t[0] for t in runs["app"])
    print(f"  target < 1 s: {'met' if median < 1 else 'NOT met'}; load now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
