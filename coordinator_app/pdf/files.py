"""One PDF written safely: into a hidden temporary file next to the target, moved into place only
once complete (as the Excel export does), so a failed write never leaves half a file under the
name the coordinator chose. And the documents of one student: the report and the certificate."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from coordinator_app.domain.errors import DomainError
from coordinator_app.durable import replace_durably
from coordinator_app.pdf.certificate import certificate_html, certificate_title
from coordinator_app.pdf.pages import Document, ensure_gui, footer_text, pdf_writer, render
from coordinator_app.pdf.report import report_html, report_title
from coordinator_app.services.certificate import Certificate
from coordinator_app.services.record_view import StudentRecord


class DocumentError(DomainError):
    """The PDF could not be written (no such folder, no permission, disk full)."""


def report_document(record: StudentRecord, made: datetime | None = None) -> Document:
    made = made or datetime.now()
    who = f"{record.name} ({record.student['student_number']})"
    return Document(report_html(record), footer_text(f"Progress report of {who}, as of {record.as_of:%d-%m-%Y}", made))


def certificate_document(cert: Certificate, made: datetime | None = None) -> Document:
    made = made or datetime.now()
    return Document(
        certificate_html(cert),
        footer_text(f"Attendance certificate of {cert.student_name} ({cert.student_number})", made),
    )


def pdf_name(record_label: str, what: str, day: date) -> str:
    """'2712345 Anouk de Vries - progress report (2025-11-24).pdf', safe on every file system."""
    text = f"{record_label} - {what} ({day:%Y-%m-%d})"
    cleaned = "".join("_" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in text).strip(" .")
    return f"{cleaned}.pdf"


@contextmanager
def written_safely(target: Path) -> Iterator[Path]:
    """A temporary path next to `target` to write to; moved onto `target` when the block ends well,
    removed when it does not (an error, or a cancelled batch closing its generator)."""
    target = Path(target)
    if not target.parent.is_dir():
        raise DocumentError(f"The folder {target.parent} does not exist.", "target")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem[:40]}.", suffix=".pdf.part", dir=target.parent)
    except OSError as exc:
        raise DocumentError(f"Cannot write in {target.parent}: {exc.strerror}.", "target") from exc
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        if temporary.stat().st_size == 0:
            raise DocumentError(f"Could not write {target}: nothing was written. Nothing was saved there.", "target")
        replace_durably(temporary, target)
    except OSError as exc:
        raise DocumentError(
            f"Could not write {target}: {exc.strerror or exc}. Nothing was saved there.", "target"
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)


def write_pdf(target: Path, documents: Iterable[Document], title: str) -> Path:
    """`documents` as one PDF at `target`, each from a new page."""
    ensure_gui()
    with written_safely(target) as temporary:
        writer = pdf_writer(temporary, title)
        render(writer, documents)
        del writer  # the file is closed before it is moved
    return Path(target)


def write_report(record: StudentRecord, target: Path, made: datetime | None = None) -> Path:
    return write_pdf(target, [report_document(record, made)], report_title(record))


def write_certificate(cert: Certificate, target: Path, made: datetime | None = None) -> Path:
    return write_pdf(target, [certificate_document(cert, made)], certificate_title(cert))
