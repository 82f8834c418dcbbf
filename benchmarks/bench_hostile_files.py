"""Hostile and oversized import files: time and peak memory of `coordinator-app import`, each in
its own process, against the same command on a two-row list (the floor: interpreter, app start
and a tiny import) in the same run, interleaved.

    .venv/bin/python benchmarks/bench_hostile_files.py [--repeat 3] [--work /tmp/bench_hostile] [--cases far bomb ...]

Peak = the largest resident set of the import process and of the reader child it starts
(RUSAGE_CHILDREN of a small wrapper process). The issue's promise: every import ends within
20 s and 400 MB, with one line, whatever the file. Medians of the runs are printed, then each
case's ratio to the floor's wall time.
"""

from __future__ import annotations

import argparse
import ast
import codecs
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "spreadsheets"))

from hostile_helpers import _MEASURED, xlsx, zip_bomb  # noqa: E402

HEADER = "Studentnummer;Voornaam;Achternaam;E-mail;Opleiding;Cohort;Faculteit\n"
LINE = "2600001;Anna;Vries;anna.vries@student.example.nl;Biomedical Sciences;2025;Faculty of Science\n"


def make_files(work: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (file, extra CLI arguments)."""
    work.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[Path, list[str]]] = {}
    floor = work / "two.csv"
    floor.write_text(
        "Student number;First name;Surname;Programme;Cohort\n2600001;Anna;Vries;PM;2025\n2600002;Bram;Jansen;PM;2025\n",
        encoding="utf-8",
    )
    files["floor: 2-row CSV (dry run)"] = (floor, ["--dry-run"])
    files["far: .xlsx, one cell at XFD1048576 (5 KB)"] = (
        xlsx(
            work / "far.xlsx",
            [["Student number", "First name", "Surname"], ["2600001", "Anna", "Vries"]],
            XFD1048576="x",
        ),
        [],
    )
    files["bomb: .xlsx, 16 MB unpacking to 213 MB (40,000 x 200 cells)"] = (
        zip_bomb(work / "bomb.xlsx", rows=40_000, columns=200),
        [],
    )
    files["rows: .xlsx, 16 MB, 1,000,000 rows x 8 cells"] = (
        zip_bomb(work / "rows.xlsx", rows=1_000_000, columns=8),
        [],
    )
    files["device: /dev/zero"] = (Path("/dev/zero"), [])
    fifo = work / "fifo.csv"
    if not fifo.exists():
        os.mkfifo(fifo)
    files["fifo: a named pipe, no writer"] = (fifo, [])
    bad = work / "faculty-bad-header.csv"
    with open(bad, "w", encoding="utf-8") as out:
        out.write("Nummer;Roepnaam;Woonplaats;E-mail;Opleiding;Jaar;Faculteit\n")
        for _ in range(515):
            out.write(LINE * 1000)
    files["faculty CSV, 515,000 rows (50 MB), wrong header"] = (bad, [])
    good = work / "faculty.csv"
    with open(good, "w", encoding="utf-8") as out:
        out.write(HEADER)
        for _ in range(515):
            out.write(LINE * 1000)
    files["faculty CSV, 515,000 rows (50 MB), good header"] = (good, [])
    quote = work / "stray-quote.csv"
    lines = ["Student number;First name;Surname;Programme;Cohort"] + [
        f"{2600100 + n};Name{n};Surname{n};PM;2025" for n in range(5000)
    ]
    lines[10] = '2600109;"Anna;Vries;PM;2025'
    quote.write_text("\n".join(lines) + "\n", encoding="utf-8")
    files["stray quote, 5,000-row CSV"] = (quote, [])
    dup = work / "duplicates.csv"
    dup.write_text(
        "Student number;First name;Surname;Programme;Cohort\n"
        + "".join(f"2600001;Anna{n};Vries;PM;2025\n" for n in range(20_000)),
        encoding="utf-8",
    )
    files["20,000 rows, one student number (dry run)"] = (dup, ["--dry-run"])
    utf16 = work / "unicode-text.txt"
    rows = [["Student number", "First name", "Surname", "Programme", "Cohort"]] + [
        [str(2700000 + n), "Łukasz", "Nguyễn", "PM", "2025"] for n in range(2000)
    ]
    utf16.write_bytes(codecs.BOM_UTF16_LE + "".join("\t".join(r) + "\r\n" for r in rows).encode("utf-16-le"))
    files["UTF-16 'Unicode Text', 2,000 rows (dry run)"] = (utf16, ["--dry-run"])
    from bench_import import write_students

    largest = work / "largest-37k.xlsx"
    if not largest.exists():
        write_students(largest, 37_000, 33)
    files["largest accepted: .xlsx 37,000 rows x 40 columns, imported"] = (largest, [])
    narrow = work / "largest-50k.xlsx"
    if not narrow.exists():
        write_students(narrow, 49_990, 0)
    files["largest accepted: .xlsx 49,990 rows x 7 columns, imported"] = (narrow, [])
    return files


def run(db: Path, path: Path, extra: list[str]) -> tuple[int, str, float, int]:
    cli = [sys.executable, "-m", "coordinator_app", "import", "--db", str(db), str(path), *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _MEASURED, *cli], capture_output=True, text=True, timeout=300, env=env)
    code, out, err, seconds, peak_kb = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    said = (err or out).strip().splitlines()
    return code, (said[0] if len(said) == 1 or err else said[-1])[:150], seconds, peak_kb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_hostile"))
    args = parser.parse_args()
    from coordinator_app.services.workspace import Workspace

    files = make_files(args.work)
    base = args.work / "base.sqlite"
    if not base.exists():
        Workspace.open(base, daily_backup=False).close()
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in files}
    said: dict[str, str] = {}
    floor_name = next(iter(files))
    for n in range(args.repeat):
        for name, (path, extra) in files.items():
            db = args.work / f"run-{n}.sqlite"
            for old in args.work.glob(f"run-{n}.sqlite*"):
                old.unlink()
            db.write_bytes(base.read_bytes())
            code, line, seconds, peak_kb = run(db, path, extra)
            results[name].append((seconds, peak_kb))
            said[name] = f"exit {code}: {line}"
            print(f"run {n + 1} {name}: {seconds:.2f} s, {peak_kb / 1024:.0f} MB", flush=True)
    floor = statistics.median(s for s, _ in results[floor_name])
    print(f"\nload average {os.getloadavg()[0]:.1f}; floor (median wall) {floor:.2f} s\n")
    print("| file | wall (median) | x floor | peak | answer |\n|---|---|---|---|---|")
    for name, runs in results.items():
        wall = statistics.median(s for s, _ in runs)
        peak = max(p for _, p in runs) / 1024
        print(f"| {name} | {wall:.2f} s | {wall / floor:.1f}x | {peak:.0f} MB | {said[name]} |")
    # The refusal at the header, in process (no interpreter start): open_table + the header checks.
    from coordinator_app.spreadsheets.importer import ImportFileError, preview_import

    ws = Workspace.open(base, daily_backup=False)
    bad = files["faculty CSV, 515,000 rows (50 MB), wrong header"][0]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        try:
            preview_import(ws, bad)
        except ImportFileError:
            pass
        times.append(time.perf_counter() - started)
    ws.close()
    print(f"\nIn process, the 50 MB CSV refused at its header: median {statistics.median(times) * 1000:.1f} ms of 5")


if __name__ == "__main__":
    main()
