"""Export benchmark: the cohort workbook against a bare openpyxl write-only dump of the same cells.

    .venv/bin/python benchmarks/bench_export.py [--sizes 1000 10000 100000] [--repeat 3]
                                                [--methods app bare xlsxwriter pandas]

For each size a `demo` database of N students is built once (cached in --work). "A cohort of
N students" is the export with the programme/cohort filter off: every student of the
database in one workbook (demo spreads students over ~9 cohorts of two programmes).

An untimed `record` run of the app first saves every row it appends (value and style index
per cell) and, at save, the workbook's sheet order, each sheet's column widths, frozen panes,
header height, autofilter and conditional formats, and the table of cell styles (number
format, font, fill, alignment, quote prefix). Then each measurement runs in its own
subprocess, so its peak memory (VmHWM) is that method's own and never includes the recording:
- app:        export_to(ws, target)  (queries, rules, seven sheets, formats, filters)
- bare:       the same cells, styles, sheets, widths, panes, filters and conditional formats
              written by the plainest openpyxl write-only loop (a new WriteOnlyCell per styled
              cell). Its sheet XML is byte-identical to the app's. The recording is read while
              writing; reading it alone is timed first in the same process and subtracted. The
              app writes the hidden ledger sheet's plain rows as XML text itself
              (cells.stream_plain_rows); they still pass through `append`, so the recording has
              them and the dump writes them through openpyxl like every other cell.
- xlsxwriter: the same values and number formats with XlsxWriter constant_memory
- pandas:     one DataFrame per sheet, DataFrame.to_excel (openpyxl engine; skipped above
              10,000 students: 1.6 GiB at 100k per performance.md s.5)
Methods run interleaved (app, bare, ... then again) so contention hits them alike. Each run
reports wall and CPU seconds: on shared cores the CPU time moves far less than the wall time.
Ratios app/bare are from medians of the same run, and per interleaved pair.
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
from copy import copy
from datetime import date
from pathlib import Path

from openpyxl.styles import Alignment
from openpyxl.styles.fills import DEFAULT_EMPTY_FILL as _DEFAULT_FILL
from openpyxl.styles.fonts import DEFAULT_FONT as _DEFAULT_FONT

_DEFAULT_ALIGNMENT = Alignment()
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


def _now() -> tuple[float, float]:
    """Wall and CPU seconds: the CPU time of a run hardly moves when other jobs share the cores."""
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float], minus: tuple[float, float] = (0.0, 0.0)) -> dict[str, float]:
    wall, cpu = _now()
    return {"seconds": wall - start[0] - minus[0], "cpu": cpu - start[1] - minus[1]}


def build(db: Path, students: int) -> None:
    from coordinator_app.services.demo import build_demo

    if not db.exists():
        build_demo(db, students=students, seed=1, as_of=AS_OF)


def run_app(db: Path, out: Path) -> dict[str, float]:
    import openpyxl.packaging.custom  # noqa: F401 - imported before the clock starts, as in the dump

    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.export import export_to

    ws = Workspace.open(db)
    started = _now()
    export_to(ws, out, as_of=AS_OF)
    took = _since(started)
    ws.close()
    return {**took, "peak_mb": _peak_mb()}


def _style_of(cell) -> tuple:  # type: ignore[no-untyped-def]
    """What a plain dump has to set on a cell to write it as the app did."""
    return (
        cell.number_format,
        copy(cell.font) if cell.font != _DEFAULT_FONT else None,
        copy(cell.fill) if cell.fill != _DEFAULT_FILL else None,
        copy(cell.alignment) if cell.alignment != _DEFAULT_ALIGNMENT else None,
        bool(cell.quotePrefix),
        cell.data_type == "s" and isinstance(cell.value, str) and cell.value[:1] == "=",
    )


def record(db: Path, cells: Path, out: Path) -> dict[str, float]:
    """Run the app once and pickle every row it appends as (value, style index) cells, plus each
    sheet's layout (widths, panes, header height, order), autofilter and conditional formats."""
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.export import export_to

    fh = open(cells, "wb")
    buffers: dict[str, list] = {}  # type: ignore[type-arg]
    styles: dict[tuple, int] = {}  # type: ignore[type-arg]
    layout: dict[str, dict] = {}  # type: ignore[type-arg]
    original_append, original_save = WriteOnlyWorksheet.append, Workbook.save

    def flush(title: str) -> None:
        pickle.dump((title, buffers[title]), fh, protocol=pickle.HIGHEST_PROTOCOL)
        buffers[title] = []

    def append(self, row):  # type: ignore[no-untyped-def]
        title = self.title
        if title not in layout:  # the first append writes the sheet's head: widths and panes are set
            layout[title] = {
                "widths": {k: d.width for k, d in self.column_dimensions.items() if d.width},
                "freeze": self.freeze_panes,
                "heights": {k: d.height for k, d in self.row_dimensions.items() if d.height},
            }
        buffers.setdefault(title, []).append(
            [(c.value, styles.setdefault(_style_of(c), len(styles))) if isinstance(c, Cell) else (c, None) for c in row]
        )
        if len(buffers[title]) >= 2000:
            flush(title)
        return original_append(self, row)

    def save(self, filename):  # type: ignore[no-untyped-def]
        order = []
        for sheet in self.worksheets:
            order.append(sheet.title)
            layout.setdefault(sheet.title, {"widths": {}, "freeze": None, "heights": {}})
            layout[sheet.title]["filter"] = sheet.auto_filter.ref
            layout[sheet.title]["formats"] = [(str(cf.sqref), list(cf.rules)) for cf in sheet.conditional_formatting]
        for title in list(buffers):
            if buffers[title]:
                flush(title)
        table = [None] * len(styles)
        for style, n in styles.items():
            table[n] = style
        pickle.dump(("", {"order": order, "layout": layout, "styles": table}), fh, protocol=pickle.HIGHEST_PROTOCOL)
        return original_save(self, filename)

    WriteOnlyWorksheet.append = append  # type: ignore[method-assign]
    Workbook.save = save  # type: ignore[method-assign]
    ws = Workspace.open(db)
    export_to(ws, out, as_of=AS_OF)
    ws.close()
    fh.close()
    return {"seconds": 0.0, "cpu": 0.0, "peak_mb": _peak_mb()}


def _chunks(cells: Path):  # type: ignore[no-untyped-def]
    """The recorded rows, 2,000 at a time per sheet, in the order the app wrote them."""
    with open(cells, "rb") as fh:
        while True:
            try:
                title, rows = pickle.load(fh)
            except EOFError:
                return
            if title:
                yield title, rows


def _book_info(cells: Path) -> dict:  # type: ignore[type-arg]
    """The workbook's sheet order, layouts and cell styles (the last record of the file)."""
    info = None
    with open(cells, "rb") as fh:
        while True:
            try:
                title, data = pickle.load(fh)
            except EOFError:
                break
            if not title:
                info = data
    assert info is not None, "recording has no workbook record"
    return info


def _unpickle_seconds(cells: Path) -> tuple[float, float]:
    """Wall and CPU time of reading the recording alone, subtracted from the dump's time."""
    started = _now()
    _book_info(cells)
    for _ in _chunks(cells):
        pass
    took = _since(started)
    return took["seconds"], took["cpu"]


def run_bare(cells: Path, out: Path) -> dict[str, float]:
    """The same cells, styles, sheets, widths, panes, filters and conditional formats, written
    by the plainest openpyxl write-only loop (a new WriteOnlyCell per styled cell)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter  # noqa: F401 - widths are keyed by letter already

    unpickle = _unpickle_seconds(cells)
    started = _now()
    info = _book_info(cells)
    styles = info["styles"]
    wb = Workbook(write_only=True)
    sheets = {}
    for title in info["order"]:
        ws = wb.create_sheet(title)
        head = info["layout"][title]
        for letter, width in head["widths"].items():
            ws.column_dimensions[letter].width = width
        for row, height in head["heights"].items():
            ws.row_dimensions[row].height = height
        ws.freeze_panes = head["freeze"]
        sheets[title] = ws
    for title, rows in _chunks(cells):
        ws = sheets[title]
        for row in rows:
            out_row = []
            for value, style in row:
                if style is None:
                    out_row.append(value)
                    continue
                fmt, font, fill, alignment, quote, text = styles[style]
                cell = WriteOnlyCell(ws, value=value)
                if text:
                    cell.data_type = "s"
                if fmt != "General":
                    cell.number_format = fmt
                if font is not None:
                    cell.font = font
                if fill is not None:
                    cell.fill = fill
                if alignment is not None:
                    cell.alignment = alignment
                if quote:
                    cell.quotePrefix = True
                out_row.append(cell)
            ws.append(out_row)
    for title, ws in sheets.items():
        layout = info["layout"][title]
        ws.auto_filter.ref = layout["filter"]
        for ref, rules in layout["formats"]:
            for rule in rules:
                ws.conditional_formatting.add(ref, rule)
    wb.save(out)
    return {**_since(started, unpickle), "peak_mb": _peak_mb(), "unpickle": unpickle[0]}


def run_xlsxwriter(cells: Path, out: Path) -> dict[str, float]:
    import xlsxwriter

    unpickle = _unpickle_seconds(cells)
    started = _now()
    info = _book_info(cells)
    number_formats = [style[0] for style in info["styles"]]
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "default_date_format": "dd-mm-yyyy"})
    formats: dict[str, object] = {}
    # constant_memory writes row by row per sheet, so rows must arrive in order per sheet: they do.
    sheets: dict[str, tuple] = {}  # type: ignore[type-arg]
    for title in info["order"]:
        sheets[title] = (wb.add_worksheet(title), [0])
    for title, rows in _chunks(cells):
        ws, counter = sheets[title]
        for row in rows:
            r = counter[0]
            for c, (value, style) in enumerate(row):
                if value is None:
                    continue
                fmt = number_formats[style] if style is not None else "General"
                if fmt == "General":
                    ws.write(r, c, value)
                else:
                    f = formats.get(fmt) or formats.setdefault(fmt, wb.add_format({"num_format": fmt}))
                    if isinstance(value, date):
                        ws.write_datetime(r, c, value, f)
                    else:
                        ws.write_number(r, c, value, f)
            counter[0] += 1
    wb.close()
    return {**_since(started, unpickle), "peak_mb": _peak_mb(), "unpickle": unpickle[0]}


def run_pandas(cells: Path, out: Path) -> dict[str, float]:
    import pandas as pd

    by_sheet: dict[str, list] = {}  # type: ignore[type-arg]
    for title, rows in _chunks(cells):
        by_sheet.setdefault(title, []).extend([v for v, _ in row] for row in rows)
    frames = {t: pd.DataFrame(rows[1:], columns=[str(h) for h in rows[0]]) for t, rows in by_sheet.items()}
    del by_sheet
    started = _now()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for title, frame in frames.items():
            frame.to_excel(writer, sheet_name=title, index=False)
    return {**_since(started), "peak_mb": _peak_mb()}


METHODS = {"app": run_app, "bare": run_bare, "xlsxwriter": run_xlsxwriter, "pandas": run_pandas}


def one(method: str, db: Path, cells: Path, out: Path) -> dict[str, float]:
    if method == "app":
        return run_app(db, out)
    if method == "record":
        return record(db, cells, out)
    return METHODS[method](cells, out)


def _listed(runs: list[dict[str, float]], key: str, digits: int = 2) -> str:
    return ", ".join(f"{r[key]:.{digits}f}" for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    # In this checkout's git-ignored benchmarks/out/: a shared /tmp folder kept another checkout's
    # demo databases and recordings, made by other code, and this run would have used them.
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "excel")
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

        def out(method: str) -> Path:
            return args.work / f"out_{size}_{method}.xlsx"

        def sub(method: str) -> dict[str, float]:
            done = subprocess.run(
                [sys.executable, __file__, "--one", method, str(db), str(cells), str(out(method))],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            return json.loads(done.stdout.strip().splitlines()[-1])

        sub("record")
        print(f"\n{size} students (database and recording ready in {time.perf_counter() - started:.0f} s)")
        results: dict[str, list[dict[str, float]]] = {m: [] for m in available}
        for _ in range(args.repeat):
            for method in available:  # interleaved, so contention hits every method alike
                if method == "pandas" and size > 10000:
                    continue
                results[method].append(sub(method))
        bare = results.get("bare") or []
        bare_wall = statistics.median(r["seconds"] for r in bare) if bare else None
        bare_cpu = statistics.median(r["cpu"] for r in bare) if bare else None
        for method, runs in results.items():
            if not runs:
                print(f"  {method:<11} skipped at this size")
                continue
            wall, cpu = statistics.median(r["seconds"] for r in runs), statistics.median(r["cpu"] for r in runs)
            ratio = f"  {wall / bare_wall:.2f}x bare wall, {cpu / bare_cpu:.2f}x bare CPU" if bare else ""
            print(
                f"  {method:<11} wall median {wall:7.2f} s (runs {_listed(runs, 'seconds')})"
                f"  CPU median {cpu:7.2f} s (runs {_listed(runs, 'cpu')})"
                f"  peak {max(r['peak_mb'] for r in runs):4.0f} MB (runs {_listed(runs, 'peak_mb', 0)}){ratio}"
            )
        if bare and results.get("app"):
            pairs = list(zip(results["app"], bare))  # run i of the app right before run i of the dump
            print(
                "  app/bare per interleaved pair: wall "
                + ", ".join(f"{a['seconds'] / b['seconds']:.2f}" for a, b in pairs)
                + "; CPU "
                + ", ".join(f"{a['cpu'] / b['cpu']:.2f}" for a, b in pairs)
            )
        print(
            "  workbook size "
            + ", ".join(
                f"{method} {out(method).stat().st_size / 1e6:.1f} MB" for method, runs in results.items() if runs
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
