"""The attendance certificate as a document: the programme, the student, what they completed with
its EC and dates, and the coordinator who signs it (services/certificate.py decides the lines)."""

from __future__ import annotations

from datetime import date

from coordinator_app.pdf.html import Cell, bold, day, document, esc, heading, paragraph, table
from coordinator_app.services.certificate import Certificate

TITLE = "Attendance certificate"


def certificate_title(cert: Certificate) -> str:
    return f"{TITLE}: {cert.student_name} ({cert.student_number})"


def _dates(start: date | None, end: date | None) -> str:
    """A course's exam day; a part's first and last day."""
    first, last = day(start), day(end)
    return f"{first} – {last}" if first and last else (last or first)


def certificate_html(cert: Certificate) -> str:
    rows: list[list[Cell]] = [[p.component, p.name, p.ec, _dates(p.start, p.end)] for p in cert.parts]
    rows.append(["", bold("Total"), bold(cert.ec), ""])
    body = (
        paragraph(esc(cert.institution), css_class="muted")
        + heading(1, TITLE)
        + paragraph(bold(cert.programme))
        + "<p>&nbsp;</p>"
        + paragraph(
            "This is to certify that ",
            bold(cert.student_name),
            f" (student number {cert.student_number}) was enrolled in the {cert.programme} from the "
            f"{cert.cohort}-{cert.cohort + 1} academic year and completed the following components of the "
            f"programme of {cert.programme_ec} EC, without finishing the programme:",
        )
        + "<p>&nbsp;</p>"
        + table(["Component", "Completed", "EC", "Date"], rows, widths=[24, 40, 6, 30], numeric=[2], whole=[3])
        + "<p>&nbsp;</p>"
        + paragraph(f"Issued on {day(cert.issued)}.")
        + "<p>&nbsp;</p><p>&nbsp;</p>"
        + paragraph("_______________________________")
        + paragraph(bold(cert.coordinator))
        + paragraph(f"Programme coordinator, {cert.programme}", css_class="muted")
    )
    return document(certificate_title(cert), body)
