"""Helpers for the hostile-file tests: files made by the test itself, an import run as the CLI
in its own process (so a crash or hang of the reader cannot take the test run down), and a
byte-for-byte look at the database files."""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from coordinator_app.spreadsheets.columns import column_letter

# Runs the CLI as a child and reports (exit code, stdout, stderr, seconds, peak KB): the peak is
# the largest resident set of that process and of the reader child it starts (RUSAGE_CHILDREN).
_MEASURED = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
print(repr((done.returncode, done.stdout, done.stderr, time.perf_counter() - started,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)))
"""
LIMIT_SECONDS = 20
LIMIT_KB = 400 * 1024


def database_bytes(path: Path) -> str:
    """A checksum of the database file and its write-ahead log: equal = not a byte changed."""
    digest = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


def import_in_process(db: Path, *args: str, timeout: float = 120) -> tuple[int, str, str, float, int]:
    """`coordinator-app import --db DB ARGS` in its own process: (code, stdout, stderr, seconds, peak KB)."""
    cli = [sys.executable, "-m", "coordinator_app", "import", "--db", str(db), *map(str, args)]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *cli], capture_output=True, text=True, timeout=timeout, env=env
    )
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def xlsx(path: Path, rows: list[list[Any]], **cells: Any) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    for row in rows:
        sheet.append(row)
    for ref, value in cells.items():
        sheet[ref] = value
    wb.save(path)
    return path


def zip_bomb(path: Path, rows: int, columns: int = 26) -> Path:
    """An .xlsx whose one sheet unpacks to `rows` rows of `columns` identical cells (~30 bytes each):
    a few hundred KB on disk for hundreds of MB of XML."""
    template = xlsx(path.with_suffix(".template.xlsx"), [["Student number", "First name", "Surname"]])
    cells = "".join(f'<c r="{column_letter(n)}@"><v>7</v></c>' for n in range(columns)).encode()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, src.read(item.filename))
                continue
            with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                sheet.write(
                    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Student number</t></is></c>'
                    b'<c r="B1" t="inlineStr"><is><t>Surname</t></is></c></row>'
                )
                for r in range(2, rows + 2):
                    number = str(r).encode()
                    sheet.write(b'<row r="' + number + b'">' + cells.replace(b"@", number) + b"</row>")
                sheet.write(b"</sheetData></worksheet>")
    template.unlink()
    return path
