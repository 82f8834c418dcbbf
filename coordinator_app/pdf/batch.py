"""Progress reports for many students: a PDF per student in one folder, or all in one PDF.

A generator of `Progress` steps, as the Excel export is: the window's job runner shows them in a
progress dialog and closes the generator to cancel; the command line just runs it through. Each
student's record is read, laid out, painted and dropped before the next is read, so memory stays
that of one report however large the cohort (`pages.render` takes the documents one at a time).

Cancelling: one PDF is written to a temporary file, removed on cancel (nothing saved); in a
folder, the reports already finished stay (each is complete), the one being written is removed.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coordinator_app.pdf.files import DocumentError, pdf_name, report_document, write_report, written_safely
from coordinator_app.pdf.pages import Document, ensure_gui, painting, pdf_writer
from coordinator_app.services.record_view import load_record
from coordinator_app.services.workspace import Workspace


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str


@dataclass(frozen=True)
class BatchResult:
    written: tuple[Path, ...]  # the files, one per student or the one PDF
    students: int

    @property
    def message(self) -> str:
        if len(self.written) == 1 and self.students != 1:
            return f"Saved {self.students} progress reports in {self.written[0]}"
        folder = self.written[0].parent if self.written else ""
        return f"Saved {len(self.written)} progress reports in {folder}"


def reports_into_folder(
    ws: Workspace, student_ids: Sequence[int], folder: Path, made: datetime | None = None
) -> Generator[Progress, None, BatchResult]:
    """A PDF per student in `folder`, named by student number and name; returns a BatchResult."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DocumentError(f"There is no folder {folder}; choose an existing folder for the reports.", "target")
    made = made or datetime.now()
    ensure_gui()
    total = len(student_ids)
    written: list[Path] = []
    yield Progress(0, total, f"0 of {total} reports written")
    for n, sid in enumerate(student_ids, 1):
        record = load_record(ws, sid)
        name = pdf_name(f"{record.student['student_number']} {record.name}", "progress report", record.as_of)
        if folder / name in written:  # the same number and name in two programmes
            name = pdf_name(
                f"{record.student['student_number']} {record.name} {record.programme.code}",
                "progress report",
                record.as_of,
            )
        target = folder / name
        written.append(write_report(record, target, made))
        yield Progress(n, total, f"{n} of {total} reports written")
    return BatchResult(tuple(written), total)


def reports_in_one_pdf(
    ws: Workspace, student_ids: Sequence[int], target: Path, title: str, made: datetime | None = None
) -> Generator[Progress, None, BatchResult]:
    """Every student's report in one PDF, each from a new page; returns a BatchResult."""
    made = made or datetime.now()
    ensure_gui()
    total = len(student_ids)
    yield Progress(0, total, f"0 of {total} reports laid out")
    with written_safely(Path(target)) as temporary:
        writer = pdf_writer(temporary, title)
        with painting(writer) as pages:
            for n, sid in enumerate(student_ids, 1):
                pages.paint(_document(ws, sid, made))
                yield Progress(n, total, f"{n} of {total} reports laid out")
        del writer  # the file is closed before it is moved into place
    return BatchResult((Path(target),), total)


def _document(ws: Workspace, student_id: int, made: datetime) -> Document:
    return report_document(load_record(ws, student_id), made)


def run_through(steps: Generator[Progress, None, BatchResult]) -> BatchResult:
    """Run a batch to its end without showing progress (the command line, tests)."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            result: BatchResult = stop.value
            return result
