"""`export` (cohort workbook) and `import` (student lists, exam results) on the command line."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coordinator_app.commands.arguments import (
    Subparsers,
    UserError,
    add_as_of_option,
    add_db_option,
    database_location,
    open_workspace,
    output_file,
)

if TYPE_CHECKING:
    from coordinator_app.services.imports import ImportRefused


SKIP_OPTION = "--skip-rejected"


def register(subparsers: Subparsers) -> None:
    exp = subparsers.add_parser("export", help="write a cohort workbook (.xlsx) for the Examination Board and others")
    add_db_option(exp)
    exp.add_argument("--cohort", help="cohort start year, e.g. 2024 for 2024-2025 (default: all cohorts)")
    exp.add_argument("--programme", help="programme code or name (default: all)")
    add_as_of_option(exp, "the date overdue items are counted from")
    exp.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx file to write")

    imp = subparsers.add_parser("import", help="import a student list or exam results (.xlsx, .xls, .ods, .csv)")
    add_db_option(imp)
    imp.add_argument("file", type=Path, help="the spreadsheet or CSV file")
    imp.add_argument("--kind", choices=("students", "results"), help="what the file holds (default: from its columns)")
    imp.add_argument("--programme", help="programme for rows without one (code or name)")
    imp.add_argument("--cohort", help="cohort for new students without one (start year)")
    imp.add_argument("--course", help="course code or name for a results file without a course column")
    imp.add_argument("--dry-run", action="store_true", help="only show what would change")
    imp.add_argument(SKIP_OPTION, action="store_true", help="import the accepted rows even if some are rejected")
    exp.set_defaults(handler=cmd_export)
    imp.set_defaults(handler=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from coordinator_app.services.lookup import parse_cohort
    from coordinator_app.spreadsheets.export import export_workbook

    target: Path = output_file(args.output, "the workbook", "cohort.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise UserError(f"{target} must end in .xlsx")
    ws = open_workspace(database_location(args))
    try:
        cohort = parse_cohort(args.cohort) if args.cohort else None
        started = time.perf_counter()
        last = None
        for progress in export_workbook(ws, target, programme=args.programme, cohort=cohort, as_of=args.as_of):
            last = progress
        took = time.perf_counter() - started
    finally:
        ws.close()
    print(f"{last.message if last else f'Saved {target}'} in {took:.1f} s")
    return 0


def with_option_named(refusal: ImportRefused) -> str:
    """The refusal says what to do on the command line: which option imports only the accepted rows."""
    if not refusal.skippable:
        return refusal.message
    return f"{refusal.problems} Correct the file, or add {SKIP_OPTION} to import only the accepted rows."


def _result(values: dict[str, Any]) -> str:
    """A new result as the dry run shows it: course, grade and exam date (an Excel day number
    in the file shows here as the date it stands for)."""
    if "course_code" not in values:
        return ""
    from coordinator_app.domain.grades import Grade

    grade = Grade(None, no_show=True) if values.get("no_show") else Grade(values.get("grade"))
    when = values.get("exam_date")
    return f" {values['course_code']} {grade}" + (f", exam {when:%d-%m-%Y}" if when else "")


def cmd_import(args: argparse.Namespace) -> int:
    from coordinator_app.services.imports import ImportRefused
    from coordinator_app.services.lookup import parse_cohort
    from coordinator_app.spreadsheets.importer import apply_import, preview_import

    ws = open_workspace(database_location(args), writes=not args.dry_run)
    try:
        cohort = parse_cohort(args.cohort) if args.cohort else None
        preview = preview_import(ws, args.file, args.kind, programme=args.programme, cohort=cohort, course=args.course)
        if args.course and preview.kind == "students":
            raise UserError(
                f"--course is for a results file; {args.file.name} is a student list. Leave --course out to import it."
            )
        print(f"{preview.summary()} (sheet {preview.sheet})")
        for rejection in preview.rejected[:50]:
            print(f"  rejected {rejection}")
        if len(preview.rejected) > 50:
            print(f"  ... and {len(preview.rejected) - 50} more rejections")
        if args.dry_run:
            for row in preview.new[:20]:
                print(f"  new      row {row.row}: {row.student_number}{_result(row.values)}")
            for row in preview.updated[:20]:
                changes = ", ".join(f"{k} {old!s} -> {new!s}" for k, (old, new) in row.changes.items())
                print(f"  updated  row {row.row}: {row.student_number}: {changes}")
            print("Dry run: nothing was written.")
            return 1 if preview.rejected else 0
        try:
            result = apply_import(ws, preview, skip_rejected=args.skip_rejected)
        except ImportRefused as exc:
            raise UserError(with_option_named(exc)) from exc
    finally:
        ws.close()
    print(f"Imported: {result.summary()}")
    sys.stdout.flush()
    return 0
