"""Import benchmark: preview + apply of a 10,000-row student list and a 10,000-row results list
against a bare python-calamine iteration over the same file, in the same run.

    .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--repeat 5] [--keep-open] [--sis-columns 33]
                                                [--only students|results]

Each case runs on a fresh copy of its database, opened before the clock starts (as in the app,
where the database is open when the coordinator imports); the timed part is preview_import +
apply_import, the functions the CLI and the import dialog call. Each case is timed right after
a bare calamine pass over the same file, so every run has its own floor; every run is printed,
then the medians of the ratios.

Cases:
- students, new:        10,000 students not yet in the database (inserts + Academic Core items)
- students, again:      the same file a second time (every row unchanged: nothing written)
- results, new:         10,000 grades for one course for students already in the database
- results, again:       the same results file again (unchanged)
The floor: open the workbook with python-calamine and iterate every row of the first sheet.
--cold-reader: each import starts the reading server within its clock (a session's first, the dialog
just opened); --reader-started: the server started as the import dialog does when it opens, outside
the clock (a session's first once the coordinator has chosen a file; that start is reported apart).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook

AS_OF = date(2025, 11, 24)


def calamine_floor(path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to open the workbook and iterate every row of its first sheet."""
    from python_calamine import CalamineWorkbook

    started, cpu = time.perf_counter(), time.process_time()
    wb = CalamineWorkbook.from_path(str(path))
    n = 0
    for row in wb.get_sheet_by_name(wb.sheet_names[0]).iter_rows():
        n += len(row)
    return time.perf_counter() - started, time.process_time() - cpu


def _snapshot(db: Path, to: Path) -> Path:
    """A copy of `db` as committed (its WAL included), through SQLite's backup."""
    to.unlink(missing_ok=True)
    source, target = sqlite3.connect(db), sqlite3.connect(to)
    source.backup(target)
    source.close()
    target.close()
    return to


def _written(before: Path, after: Path) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Per table, the rows the import added (rowid past the largest before it): what a raw insert
    of "the same rows" writes. Rows it only updated or deleted are not counted (the floor is lower)."""
    con = sqlite3.connect(f"{after.resolve().as_uri()}?mode=ro", uri=True)
    con.execute("ATTACH DATABASE ? AS before", (f"{before.resolve().as_uri()}?mode=ro",))
    tables = [
        t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    added: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    for table in tables:
        (last,) = con.execute(f'SELECT coalesce(max(rowid), 0) FROM before."{table}"').fetchone()
        cursor = con.execute(f'SELECT * FROM main."{table}" WHERE rowid > ?', (last,))
        rows = cursor.fetchall()
        if rows:
            added[table] = ([d[0] for d in cursor.description], rows)
    con.close()
    return added


def raw_insert_floor(path: Path, before: Path, after: Path, work: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of the calamine pass plus a raw sqlite3 executemany of the rows the app's
    import added, into a copy of the database it started from: one BEGIN IMMEDIATE ... COMMIT on a
    connection with WAL and synchronous=FULL, as the app writes. Gathering the rows is not timed."""
    added = _written(before, after)
    target = work / "floor.sqlite"
    for old in work.glob("floor.sqlite*"):
        old.unlink()
    shutil.copy(before, target)
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    wall, cpu = calamine_floor(path)
    started, cpu_started = time.perf_counter(), time.process_time()
    con.execute("BEGIN IMMEDIATE")
    for table, (columns, rows) in added.items():
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        con.executemany(f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({marks})', rows)
    con.execute("COMMIT")
    wall += time.perf_counter() - started
    cpu += time.process_time() - cpu_started
    con.close()
    return wall, cpu


# What else a student information system's export carries (the import ignores these columns).
SIS_EXTRA = [
    "Geboortedatum",
    "Geslacht",
    "Nationaliteit",
    "Straat",
    "Huisnummer",
    "Postcode",
    "Woonplaats",
    "Land",
    "Telefoon",
    "Privé e-mail",
    "Inschrijfdatum",
    "Inschrijfstatus",
    "Vooropleiding",
    "Instelling vooropleiding",
    "Diplomadatum",
    "Fase",
    "Studielast",
    "Betaalstatus",
    "Collegegeldsoort",
    "Verblijfsvergunning",
    "Toelatingsbesluit",
    "Datum toelating",
    "Studieadviseur",
    "Mentorgroep",
    "Taal",
    "Voltijd/deeltijd",
    "Examenprogramma",
    "Afstudeerrichting",
    "Begindatum opleiding",
    "Einddatum verwacht",
    "Opmerking",
    "Laatste wijziging",
    "Gewijzigd door",
]


def write_students(path: Path, rows: int, extra: int = 0) -> None:
    """The student list; `extra` more columns from SIS_EXTRA make it shaped like a full export
    (the issue's reference sheet is 10,000 x 40)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Studenten")
    extras = SIS_EXTRA[:extra]
    ws.append(["Studentnummer", "Voornaam", "Achternaam", "E-mail", "Opleiding", "Cohort", "Specialisatie", *extras])
    for i in range(rows):
        filler = [
            date(2000, 1 + i % 12, 1 + i % 28) if "datum" in name.lower() else f"{name} {i % 97}" for name in extras
        ]
        ws.append(
            [str(2900000 + i), f"Voornaam{i}", f"Achternaam{i}", f"student{i}@student.vu.nl", "PM", 2025, "", *filler]
        )
    wb.save(path)


def write_results(path: Path, numbers: list[str]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Cijfers")
    ws.append(["Studentnummer", "Cijfer", "Toetsdatum", "Poging"])
    for n, number in enumerate(numbers):
        ws.append([number, round(4.0 + (n % 60) / 10, 1), date(2025, 9, 30), 1])
    wb.save(path)


_OPEN: dict[Path, object] = {}


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for, and of the reading server
    and the children it forked (spreadsheets/reading.py reader_cpu: the server is not waited for
    while it runs): a workbook is read in a child process (spreadsheets/workbook_reader.py), whose
    CPU belongs to the import. To the microsecond where the system says (getrusage), not in
    os.times()'s 10 ms ticks."""
    from coordinator_app.spreadsheets.reading_child import reader_cpu

    try:
        import resource
    except ImportError:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system + reader_cpu()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime + reader_cpu()


# (wall, CPU) seconds of each reading server's start ahead of an import (--reader-started)
STARTS: list[tuple[float, float]] = []


def timed_import(
    db: Path,
    path: Path,
    course: str | None = None,
    keep_open: bool = False,
    cold_reader: bool = False,
    reader_started: bool = False,
) -> tuple[float, float, float, str]:
    """(preview wall, apply wall, preview + apply CPU) seconds, and the preview's summary.
    keep_open: one Workspace (one engine, so SQLAlchemy's statement cache stays warm) for all
    runs on `db`, as in an app session's second import; else a fresh one, as for its first.
    cold_reader: the reading server (spreadsheets/reading.py) stopped first, so this import starts
    it, as a session's first workbook does; else the one a previous run started reads this one.
    reader_started: the server stopped, then started as the import dialog starts it when it opens
    (reading_child.start_reader, outside the clock: timed into STARTS), so this is a session's first
    import as the coordinator sees it once the dialog has been open that long."""
    from coordinator_app.services.workspace import Workspace
    from coordinator_app.spreadsheets.importer import apply_import, preview_import
    from coordinator_app.spreadsheets.reading_child import start_reader, stop_reader

    if cold_reader or reader_started:  # as a session's first workbook: no reading server runs yet
        stop_reader()
    if reader_started:
        started, cpu = time.perf_counter(), _cpu()
        start_reader()
        STARTS.append((time.perf_counter() - started, _cpu() - cpu))
    ws = _OPEN.get(db) if keep_open else None
    if ws is None:
        ws = Workspace.open(db, daily_backup=False)
        ws.today = AS_OF
        if keep_open:
            _OPEN[db] = ws
    started, cpu = time.perf_counter(), _cpu()
    preview = preview_import(ws, path, course=course)
    middle = time.perf_counter()
    apply_import(ws, preview)
    done, cpu_done = time.perf_counter(), _cpu()
    if not keep_open:
        ws.close()
    return middle - started, done - middle, cpu_done - cpu, preview.summary()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    # In this checkout's git-ignored benchmarks/out/, not a /tmp folder another checkout may be
    # writing at the same moment (every run deletes and rebuilds its databases there).
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / "out" / "import")
    parser.add_argument(
        "--only",
        choices=("students", "results"),
        help="run only the cases of one kind (the database with the students is still made for results)",
    )
    parser.add_argument(
        "--keep-open",
        action="store_true",
        help="one open workspace for all runs (warm statement cache; the database file is "
        "replaced between runs while no connection is open)",
    )
    parser.add_argument(
        "--cold-reader",
        action="store_true",
        help="stop the reading server before each import, so each starts one (a session's first workbook)",
    )
    parser.add_argument(
        "--reader-started",
        action="store_true",
        help="stop the reading server before each import and start it as the import dialog does when it "
        "opens (untimed, its start reported apart): a session's first workbook once the dialog is open",
    )
    parser.add_argument(
        "--sis-columns",
        type=int,
        default=0,
        choices=range(len(SIS_EXTRA) + 1),
        metavar="0-33",
        help="extra ignored columns in the student list, as in a full export (33: 40 columns)",
    )
    args = parser.parse_args()
    from coordinator_app.services.workspace import Workspace

    args.work.mkdir(parents=True, exist_ok=True)
    base = args.work / "base.sqlite"
    for old in args.work.glob("*.sqlite*"):
        old.unlink()
    Workspace.open(base).close()
    students_file = args.work / "students.xlsx"
    write_students(students_file, args.rows, args.sis_columns)
    # A database that already holds the students, for the results import.
    with_students = args.work / "with_students.sqlite"
    shutil.copy(base, with_students)
    timed_import(with_students, students_file)
    results_file = args.work / "results.xlsx"
    write_results(results_file, [str(2900000 + i) for i in range(args.rows)])

    db = args.work / "run.sqlite"
    # (name, file, database to start from or None to go on with the previous case's, course)
    cases = [
        ("students, new", students_file, base, None),
        ("students, again", students_file, None, None),
        ("results, new", results_file, with_students, "PM-PERS"),
        ("results, again", results_file, None, "PM-PERS"),
    ]
    if args.only:
        cases = [case for case in cases if case[0].startswith(args.only)]
    runs: dict[str, list[tuple[float, float, float, float, float, float, float]]] = {name: [] for name, *_ in cases}
    summaries: dict[str, str] = {}
    opened = "one workspace kept open" if args.keep_open else "a fresh workspace per run"
    print(
        f"{args.rows} rows, {opened}; each run: calamine floor, then preview + apply (seconds; CPU = this "
        "process's CPU time, steadier than wall time on a shared machine)"
    )
    for n in range(args.repeat):
        for name, path, start, course in cases:
            if start is not None:
                for old in args.work.glob("run.sqlite*"):
                    old.unlink()
                shutil.copy(start, db)
            before = _snapshot(db, args.work / "before.sqlite")
            floor, floor_cpu = calamine_floor(path)
            preview, apply, cpu, summaries[name] = timed_import(
                db, path, course, args.keep_open, args.cold_reader, args.reader_started
            )
            raw, raw_cpu = raw_insert_floor(path, before, db, args.work)
            runs[name].append((floor, preview, apply, floor_cpu, cpu, raw, raw_cpu))
            print(
                f"  run {n + 1} {name:<16} floor {floor:.3f}  preview {preview:.3f} + apply {apply:.3f} = "
                f"{preview + apply:.3f}  = {(preview + apply) / floor:.1f}x   "
                f"(CPU: floor {floor_cpu:.3f}, import {cpu:.3f} = {cpu / floor_cpu:.1f}x); "
                f"calamine + raw insert {raw:.3f} = {(preview + apply) / raw:.1f}x (CPU {cpu / raw_cpu:.1f}x)"
            )
    print(f"medians over {args.repeat} runs")
    for name, _, _, _ in cases:
        rows = runs[name]
        ratio = statistics.median((p + a) / f for f, p, a, *_ in rows)
        cpu_ratio = statistics.median(c / fc for _, _, _, fc, c, *_ in rows)
        raw_ratio = statistics.median((p + a) / r for _, p, a, _, _, r, _ in rows)
        raw_cpu_ratio = statistics.median(c / rc for *_, c, _, rc in rows)
        print(
            f"  {name:<16} floor {statistics.median(r[0] for r in rows):.3f}  preview "
            f"{statistics.median(r[1] for r in rows):.3f} + apply {statistics.median(r[2] for r in rows):.3f} = "
            f"{statistics.median(r[1] + r[2] for r in rows):.3f}  ratio {ratio:.1f}x calamine "
            f"(CPU {cpu_ratio:.1f}x); calamine + raw insert {statistics.median(r[5] for r in rows):.3f}, "
            f"ratio {raw_ratio:.1f}x (CPU {raw_cpu_ratio:.1f}x; target <= 3x)   [{summaries[name]}]"
        )
    if STARTS:
        print(
            f"  the reading server's start, as the import dialog makes it (not in the figures above): "
            f"{statistics.median(w for w, _ in STARTS):.3f} s, CPU {statistics.median(c for _, c in STARTS):.3f} s"
        )


if __name__ == "__main__":
    main()
