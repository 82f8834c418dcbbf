"""`report`, `reports` and `certificate`: a student's progress report, a cohort's reports, and the
attendance certificate of a student who stopped, as PDF."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from coordinator_app.commands.arguments import (
    Subparsers,
    UserError,
    add_as_of_option,
    add_db_option,
    database_location,
    open_workspace,
    output_file,
)

COORDINATOR_SETTING = "Edit > Settings, Your name: it signs the reminders too"


def register(subparsers: Subparsers) -> None:
    rep = subparsers.add_parser("report", help="write a student's progress report (PDF)")
    add_db_option(rep)
    rep.add_argument("student", metavar="STUDENT", help="the student's student number")
    rep.add_argument("--programme", help="programme code or name, when the number is in two programmes")
    add_as_of_option(rep, "the date the report's statuses are worked out for")
    rep.add_argument("-o", "--output", type=Path, required=True, help="the .pdf file to write")
    rep.set_defaults(handler=cmd_report)

    many = subparsers.add_parser("reports", help="write the progress reports of a cohort: a PDF each, or one PDF")
    add_db_option(many)
    many.add_argument("--programme", help="programme code or name (default: all)")
    many.add_argument("--cohort", help="cohort start year, e.g. 2024 for 2024-2025 (default: all cohorts)")
    add_as_of_option(many, "the date the reports' statuses are worked out for")
    where = many.add_mutually_exclusive_group(required=True)
    where.add_argument("--folder", type=Path, help="an existing folder: one PDF per student goes into it")
    where.add_argument("-o", "--output", type=Path, help="one .pdf file with every report, each from a new page")
    many.set_defaults(handler=cmd_reports)

    cert = subparsers.add_parser(
        "certificate", help="write the attendance certificate of a student who stopped without finishing (PDF)"
    )
    add_db_option(cert)
    cert.add_argument("student", metavar="STUDENT", help="the student's student number")
    cert.add_argument("--programme", help="programme code or name, when the number is in two programmes")
    cert.add_argument(
        "--coordinator", help="the name the certificate is signed with (default: the name set in the window)"
    )
    add_as_of_option(cert, "the date of issue")
    cert.add_argument("-o", "--output", type=Path, required=True, help="the .pdf file to write")
    cert.set_defaults(handler=cmd_certificate)


def _pdf(path: Path, what: str, example: str) -> Path:
    target = output_file(path, what, example)
    if target.suffix.lower() != ".pdf":
        raise UserError(f"{target} must end in .pdf")
    return target


def cmd_report(args: argparse.Namespace) -> int:
    from coordinator_app.pdf.files import write_report
    from coordinator_app.services.record_view import load_record
    from coordinator_app.services.report_students import find_student

    target = _pdf(args.output, "the report", "report.pdf")
    ws = open_workspace(database_location(args))
    try:
        ws.today = args.as_of or ws.today
        started = time.perf_counter()
        record = load_record(ws, find_student(ws, args.student, args.programme))
        write_report(record, target)
        took = time.perf_counter() - started
    finally:
        ws.close()
    print(
        f"Saved the progress report of {record.name} ({record.student['student_number']}) in {target} in {took:.1f} s"
    )
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from coordinator_app.pdf.batch import reports_in_one_pdf, reports_into_folder, run_through
    from coordinator_app.services.lookup import parse_cohort
    from coordinator_app.services.report_students import students_for_documents

    if args.folder is not None and not args.folder.is_dir():
        raise UserError(f"There is no folder {args.folder}; create it first, or give an existing one.")
    target = _pdf(args.output, "the reports", "reports.pdf") if args.output is not None else None
    ws = open_workspace(database_location(args))
    try:
        ws.today = args.as_of or ws.today
        cohort = parse_cohort(args.cohort) if args.cohort else None
        ids = students_for_documents(ws, args.programme, cohort)
        if not ids:
            raise UserError("There are no students in this database.")
        started = time.perf_counter()
        if target is not None:
            title = f"Progress reports ({len(ids)} students)"
            result = run_through(reports_in_one_pdf(ws, ids, target, title))
        else:
            result = run_through(reports_into_folder(ws, ids, args.folder))
        took = time.perf_counter() - started
    finally:
        ws.close()
    print(f"{result.message} in {took:.1f} s")
    return 0


def cmd_certificate(args: argparse.Namespace) -> int:
    from coordinator_app.pdf.files import write_certificate
    from coordinator_app.pdf.settings import coordinator_name
    from coordinator_app.services.certificate import attendance_certificate
    from coordinator_app.services.report_students import find_student

    target = _pdf(args.output, "the certificate", "certificate.pdf")
    signer = " ".join((args.coordinator or coordinator_name()).split())
    if not signer:
        raise UserError(
            f'The certificate is signed by the coordinator: give your name with --coordinator "Your Name", '
            f"or set it once in the window ({COORDINATOR_SETTING})."
        )
    ws = open_workspace(database_location(args))
    try:
        ws.today = args.as_of or ws.today
        cert = attendance_certificate(ws, find_student(ws, args.student, args.programme), signer)
        write_certificate(cert, target)
    finally:
        ws.close()
    print(
        f"Saved the attendance certificate of {cert.student_name} ({cert.student_number}) in {target}: "
        f"{len(cert.parts)} components, {cert.ec} EC"
    )
    return 0
