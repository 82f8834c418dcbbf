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
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.returned import WorkbookPreview


SKIP_OPTION = "--skip-rejected"


def register(subparsers: Subparsers) -> None:
    exp = subparsers.add_parser("export", help="write a cohort workbook (.xlsx) for the Examination Board and others")
    add_db_option(exp)
    exp.add_argument("--cohort", help="cohort start year, e.g. 2024 for 2024-2025 (default: all cohorts)")
    exp.add_argument("--programme", help="programme code or name (default: all)")
    add_as_of_option(exp, "the date overdue items are counted from")
    exp.add_argument(
        "--kind",
        choices=("cohort", "results"),
        default="cohort",
        help="cohort: the cohort workbook (default); results: one course's upload sheet for the student "
        "information system (with --course)",
    )
    exp.add_argument("--course", help="the course of a results upload sheet (code or name)")
    exp.add_argument(
        "--decimal",
        choices=("comma", "point"),
        default="comma",
        help="the decimal mark of the grades in a results upload sheet (default: comma, 7,5)",
    )
    exp.add_argument("--template", type=Path, help="fill a copy of this workbook (its columns mapped once) instead")
    exp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=HEADER",
        help="with --template: put the app's column HEADER into the template's COLUMN (its letter or header), "
        "saved next to the template for next time; repeat for more columns",
    )
    exp.add_argument(
        "-o", "--output", type=Path, required=True, help="the file to write (.xlsx; a results sheet also .csv)"
    )

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

    if args.map and args.template is None:
        raise UserError("--map names the columns of a template: add --template FILE.")
    if args.kind == "results":
        if args.template is not None:
            raise UserError("A results upload sheet has the SIS's own columns: leave out --template.")
        return _export_results(args)
    if args.course:
        raise UserError("--course is for a results upload sheet: add --kind results.")
    target: Path = output_file(args.output, "the workbook", "cohort.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise UserError(f"{target} must end in .xlsx")
    if args.template is not None:
        return _export_template(args, target)
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


def _export_results(args: argparse.Namespace) -> int:
    """One course's results as the student information system imports them."""
    from coordinator_app.services.lookup import parse_cohort
    from coordinator_app.spreadsheets.sis import write_results_sheet

    if not args.course:
        raise UserError("Name the course of the upload sheet: --course CODE (like PM-PERS).")
    target: Path = output_file(args.output, "the upload sheet", "PM-PERS results.csv")
    if target.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"{target} must end in .csv or .xlsx")
    ws = open_workspace(database_location(args))
    try:
        cohort = parse_cohort(args.cohort) if args.cohort else None
        written, rows = write_results_sheet(
            ws, args.course, target, decimal=args.decimal, programme=args.programme, cohort=cohort
        )
    finally:
        ws.close()
    print(f"Saved {rows:,} result{'' if rows == 1 else 's'} of {args.course} to {written}")
    return 0


def _export_template(args: argparse.Namespace, target: Path) -> int:
    """The programme's own workbook, filled (its column map saved next to it)."""
    from coordinator_app.services.lookup import find_programme, parse_cohort
    from coordinator_app.spreadsheets.template import fill_template, load_map, map_file, set_columns

    ws = open_workspace(database_location(args))
    try:
        cohort = parse_cohort(args.cohort) if args.cohort else None
        if args.map:
            mapped = set_columns(ws, args.template, args.programme, args.map)
            print(
                f"Columns of {args.template.name} ({mapped.sheet}, header row {mapped.header_row}): {mapped.describe()}"
            )
        started = time.perf_counter()
        written, students = fill_template(
            ws, args.template, target, programme=args.programme, cohort=cohort, as_of=args.as_of
        )
        took = time.perf_counter() - started
        code = find_programme(ws.programmes, args.programme).code if args.programme else None
        used = load_map(args.template, code)
    finally:
        ws.close()
    print(
        f"Saved {students:,} student{'' if students == 1 else 's'} in {args.template.name}'s layout to {written} "
        f"in {took:.1f} s"
    )
    if used is not None and not args.map:
        print(f"Columns ({map_file(args.template).name}; change them with --map C=HEADER): {used.describe()}")
    return 0


def with_option_named(refusal: ImportRefused) -> str:
    """The refusal says what to do on the command line: which option imports only the accepted rows."""
    if not refusal.skippable:
        return refusal.message
    return f"{refusal.problems} Correct the file, or add {SKIP_OPTION} to import only the accepted rows."


def _said(value: object) -> str:
    """A value in the preview; none yet (a resit registered without a grade, an empty field) is "(none)",
    not Python's "None"."""
    return "(none)" if value is None or value == "" else str(value)


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
    from coordinator_app.spreadsheets.importer import WorkbookPreview, apply_import, preview_import

    ws = open_workspace(database_location(args), writes=not args.dry_run)
    try:
        cohort = parse_cohort(args.cohort) if args.cohort else None
        preview = preview_import(ws, args.file, args.kind, programme=args.programme, cohort=cohort, course=args.course)
        if args.course and preview.kind == "students":
            raise UserError(
                f"--course is for a results file; {args.file.name} is a student list. Leave --course out to import it."
            )
        if isinstance(preview, WorkbookPreview):
            return _import_workbook(ws, preview, args)
        print(f"{preview.summary()} (sheet {preview.sheet})")
        for rejection in preview.rejected[:50]:
            print(f"  rejected {rejection}")
        if len(preview.rejected) > 50:
            print(f"  ... and {len(preview.rejected) - 50} more rejections")
        if args.dry_run:
            for row in preview.new[:20]:
                print(f"  new      row {row.row}: {row.student_number}{_result(row.values)}")
            for row in preview.updated[:20]:
                changes = ", ".join(f"{k} {_said(old)} -> {_said(new)}" for k, (old, new) in row.changes.items())
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


def _import_workbook(ws: Workspace, preview: WorkbookPreview, args: argparse.Namespace) -> int:
    """A workbook the app made, come back: the review line by line (old -> new per student and
    field, conflicts and refusals by sheet, row and column), then the changes in one transaction."""
    from coordinator_app.services.imports import ImportRefused
    from coordinator_app.spreadsheets.importer import apply_import

    review = preview.review
    print(preview.summary())
    shown = review.lines if args.dry_run else [line for line in review.lines if line.status != "change"]
    for line in shown[:200]:
        print(f"  {line.status:<9}{line}")
    if len(shown) > 200:
        print(f"  ... and {len(shown) - 200} more")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 1 if review.refused else 0
    try:
        applied = apply_import(ws, preview, skip_rejected=args.skip_rejected)
    except ImportRefused as exc:
        raise UserError(with_option_named(exc)) from exc
    print(f"Imported: {applied.summary()}")
    sys.stdout.flush()
    return 0
