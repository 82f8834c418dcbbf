"""Export benchmark: the cohort workbook against a bare openpyxl write-only dump of the same cells.

    .venv/bin/python benchmarks/bench_export.py [--sizes 1000 10000 100000] [--repeat 3]

For each size a `demo` database of N students is built once (cached in --work). "A cohort of
N students" is the export with the programme/cohort filter off: every student of the
database in one workbook (demo spreads students over ~9 cohorts of two programmes).

Each measurement runs in its own subprocess so peak memory (VmHWM) is that method's own:
- app:        export_to(ws, target)            (queries, rules, seven sheets, formats, filters)
- bare:       the same cells (values and number formats, recorded from an app run, untimed)
              written by a minimal openpyxl write-only loop with WriteOnlyCell on formatted
              cells. The recorded rows are unpickled while writing; the unpickling alone is
              timed first in the same process and subtracted.
- xlsxwriter: the same cells with XlsxWriter constant_memory (if installed)
- pandas:     one DataFrame per sheet, DataFrame.to_excel (openpyxl engine; if installed;
              skipped above 10,000 students: 1.6 GiB at 100k per performance.md s.5)
Ratios app/bare are computed from medians of the same run.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

AS_OF = date(2025, 11, 24)
ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    """This process's own peak resident memory. VmHWM belongs to the address space, which a
    new program starts afresh; ru_maxrss would carry over the parent's peak across fork+exec."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(db: Path, students: int) -> None:
    from coordinator_app.services.demo import build_demo

    if not db.exists():
        build_demo(db, students=students, seed=1, as_of=AS_OF)


def run_app(db: Path, out: Path) -> dict[str, float]:
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.export import export_to

    ws = Workspace.open(db)
    started = time.perf_counter()
    export_to(ws, out, as_of=AS_OF)
    took = time.perf_counter() - started
    ws.close()
    return {"seconds": took, "peak_mb": _peak_mb()}


def record(db: Path, cells: Path, out: Path) -> dict[str, float]:
    """Run the app once and pickle every row it appends as (value, number_format) cells."""
    from openpyxl.cell.cell import Cell

    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.export import export_to

    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    fh = open(cells, "wb")
    buffers: dict[str, list] = {}   # type: ignore[type-arg]
    original = WriteOnlyWorksheet.append

    def flush(title: str) -> None:
        pickle.dump((title, buffers[title]), fh, protocol=pickle.HIGHEST_PROTOCOL)
        buffers[title] = []

    def append(self, row):  # type: ignore[no-untyped-def]
        """Every row of every sheet (headers included) as (value, number_format) cells."""
        title = self.title
        buffers.setdefault(title, []).append(
            [(c.value, c.number_format if c.has_style and c.number_format != "General" else None)
             if isinstance(c, Cell) else (c, None) for c in row])
        if len(buffers[title]) >= 2000:
            flush(title)
        return original(self, row)

    WriteOnlyWorksheet.append = append  # type: ignore[method-assign]
    ws = Workspace.open(db)
    export_to(ws, out, as_of=AS_OF)
    ws.close()
    for title in list(buffers):
        if buffers[title]:
            flush(title)
    fh.close()
    return {"seconds": 0.0, "peak_mb": _peak_mb()}


def _chunks(cells: Path):  # type: ignore[no-untyped-def]
    with open(cells, "rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


def run_bare(cells: Path, out: Path) -> dict[str, float]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    started = time.perf_counter()
    for _ in _chunks(cells):
        pass
    unpickle = time.perf_counter() - started
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    sheets = {}
    for title, rows in _chunks(cells):
        ws = sheets.get(title) or sheets.setdefault(title, wb.create_sheet(title))
        for row in rows:
            out_row = []
            for value, fmt in row:
                if fmt is None:
                    out_row.append(value)
                else:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = fmt
                    out_row.append(cell)
            ws.append(out_row)
    wb.save(out)
    took = time.perf_counter() - started - unpickle
    return {"seconds": took, "peak_mb": _peak_mb(), "unpickle": unpickle}


def run_xlsxwriter(cells: Path, out: Path) -> dict[str, float]:
    import xlsxwriter

    started = time.perf_counter()
    for _ in _chunks(cells):
        pass
    unpickle = time.perf_counter() - started
    started = time.perf_counter()
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "default_date_format": "dd-mm-yyyy"})
    formats: dict[str, object] = {}
    # constant_memory writes row by row per sheet, so rows must arrive in order per sheet: they do.
    sheets: dict[str, tuple] = {}   # type: ignore[type-arg]
    for title, rows in _chunks(cells):
        if title not in sheets:
            sheets[title] = (wb.add_worksheet(title), [0])
        ws, counter = sheets[title]
        for row in rows:
            r = counter[0]
            for c, (value, fmt) in enumerate(row):
                if value is None:
                    continue
                if fmt is None:
                    ws.write(r, c, value)
                else:
                    f = formats.get(fmt) or formats.setdefault(fmt, wb.add_format({"num_format": fmt}))
                    if isinstance(value, date):
                        ws.write_datetime(r, c, value, f)
                    else:
                        ws.write_number(r, c, value, f)
            counter[0] += 1
    wb.close()
    took = time.perf_counter() - started - unpickle
    return {"seconds": took, "peak_mb": _peak_mb(), "unpickle": unpickle}


def run_pandas(cells: Path, out: Path) -> dict[str, float]:
    import pandas as pd

    by_sheet: dict[str, list] = {}   # type: ignore[type-arg]
    for title, rows in _chunks(cells):
        by_sheet.setdefault(title, []).extend([v for v, _ in row] for row in rows)
    frames = {t: pd.DataFrame(rows[1:], columns=[str(h) for h in rows[0]]) for t, rows in by_sheet.items()}
    del by_sheet
    started = time.perf_counter()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for title, frame in frames.items():
            frame.to_excel(writer, sheet_name=title, index=False)
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


METHODS = {"app": run_app, "bare": run_bare, "xlsxwriter": run_xlsxwriter, "pandas": run_pandas}


def one(method: str, db: Path, cells: Path, out: Path) -> dict[str, float]:
    if method == "app":
        return run_app(db, out)
    if method == "record":
        return record(db, cells, out)
    return METHODS[method](cells, out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_excel"))
    parser.add_argument("--methods", nargs="+", default=["app", "bare", "xlsxwriter", "pandas"])
    parser.add_argument("--one", nargs=4, metavar=("METHOD", "DB", "CELLS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        method, db, cells, out = args.one
        print(json.dumps(one(method, Path(db), Path(cells), Path(out))))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    available = []
    for method in args.methods:
        module = {"xlsxwriter": "xlsxwriter", "pandas": "pandas"}.get(method)
        if module:
            try:
                __import__(module)
            except ImportError:
                print(f"{method}: not installed, skipped")
                continue
        available.append(method)
    for size in args.sizes:
        db = args.work / f"demo_{size}.sqlite"
        started = time.perf_counter()
        build(db, size)
        cells = args.work / f"cells_{size}.pickle"
        out = args.work / f"out_{size}.xlsx"

        def sub(method: str) -> dict[str, float]:
            done = subprocess.run([sys.executable, __file__, "--one", method, str(db), str(cells), str(out)],
                                  check=True, capture_output=True, text=True, cwd=ROOT)
            return json.loads(done.stdout.strip().splitlines()[-1])

        sub("record")
        print(f"\n{size} students (database ready in {time.perf_counter() - started:.0f} s)")
        results: dict[str, list[dict[str, float]]] = {m: [] for m in available}
        for _ in range(args.repeat):
            for method in available:            # interleaved, so contention hits every method alike
                if method == "pandas" and size > 10000:
                    continue
                results[method].append(sub(method))
        bare = statistics.median(r["seconds"] for r in results["bare"]) if results.get("bare") else None
        for method, runs in results.items():
            if not runs:
                print(f"  {method:<11} skipped at this size")
                continue
            secs = [r["seconds"] for r in runs]
            med = statistics.median(secs)
            peak = max(r["peak_mb"] for r in runs)
            ratio = f"{med / bare:.2f}x bare" if bare else ""
            print(f"  {method:<11} median {med:7.2f} s  (runs {', '.join(f'{s:.2f}' for s in secs)})  "
                  f"peak {peak:6.0f} MB  {ratio}")
        print(f"  workbook size {out.stat().st_size / 1e6:.1f} MB", flush=True)


if __name__ == "__main__":
    main()
