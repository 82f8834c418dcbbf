"""Progress reports as PDF (issue 15): one report, and a cohort of 500 into one PDF, against a Qt floor.

    .venv/bin/python benchmarks/bench_reports.py [--students 2000] [--batch 500] [--repeat 7]

Targets: one report in under 300 ms; 500 reports in under 60 s with flat memory.
- floor: Qt alone, no database and no record: the same report's HTML (made once, beforehand) laid
  out by QTextDocument and painted on a new QPdfWriter. What any QTextDocument PDF of that size costs.
- one report: `load_record` + `write_report` for a student with both internships planned (the
  longest kind of report), the median of --repeat, after one warm-up (fonts).
- batch: `reports_in_one_pdf` for --batch students; the process's peak memory (VmHWM) is sampled
  after 10% of the reports and at the end: flat memory means the two are close.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def median_time(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from sqlalchemy import select

    from coordinator_app.pdf.batch import reports_in_one_pdf
    from coordinator_app.pdf.files import write_pdf, write_report
    from coordinator_app.pdf.pages import Document, ensure_gui
    from coordinator_app.pdf.report import report_html
    from coordinator_app.services.demo import build_demo
    from coordinator_app.services.record_view import load_record
    from coordinator_app.services.report_students import students_for_documents
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.store import models as m

    ensure_gui()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "demo.sqlite"
        build_demo(db, students=args.students, seed=1, as_of=date(2025, 11, 24))
        ws = Workspace.open(db)
        ws.today = date(2025, 11, 24)
        with ws.read() as s:
            sid = s.scalar(
                select(m.Internship.student_id).where(
                    m.Internship.kind == "major", m.Internship.start_date.is_not(None)
                )
            )
        assert sid is not None
        record = load_record(ws, sid)
        html = report_html(record)
        write_report(record, folder / "warm-up.pdf")

        floor = median_time(lambda: write_pdf(folder / "floor.pdf", [Document(html, "footer")], "floor"), args.repeat)
        one = median_time(lambda: write_report(load_record(ws, sid), folder / "one.pdf"), args.repeat)
        pages = len(html)  # (characters of HTML, to say what size of report this is)
        print(
            f"one report ({pages:,} characters of HTML): {one * 1000:.0f} ms; floor (Qt layout + PDF only) "
            f"{floor * 1000:.0f} ms; ratio {one / floor:.2f}"
        )

        ids = students_for_documents(ws)[: args.batch]
        steps = reports_in_one_pdf(ws, ids, folder / "batch.pdf", "batch")
        started = time.perf_counter()
        early = None
        result = None
        while True:
            try:
                step = next(steps)
            except StopIteration as stop:
                result = stop.value
                break
            if step.done == max(len(ids) // 10, 1):
                early = peak_mb()
        took = time.perf_counter() - started
        size = (folder / "batch.pdf").stat().st_size / 1e6
        print(
            f"{result.students} reports in one PDF: {took:.1f} s ({took / len(ids) * 1000:.0f} ms each; "
            f"floor x {len(ids)} = {floor * len(ids):.1f} s), {size:.1f} MB; "
            f"peak memory {early:.0f} MB after 10%, {peak_mb():.0f} MB at the end"
        )
        ws.close()


if __name__ == "__main__":
    main()
