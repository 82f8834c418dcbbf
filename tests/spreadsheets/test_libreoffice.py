"""The exported workbook opens in LibreOffice with the same values, and formula-like text stays text.

Converts with `soffice --headless --convert-to csv` (every sheet, values as shown) and
compares cell by cell with what the export wrote. Skipped when LibreOffice is not installed
(CI installs it: apt-get install -y libreoffice-calc-nogui).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from coordinator_app.services.students import NewStudent, add_student, update_student
from coordinator_app.spreadsheets.export import export_to

pytestmark = [
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="LibreOffice (soffice) is not installed; install it with: apt-get install -y libreoffice-calc-nogui",
    ),
    pytest.mark.slow,
]

# Field separator 44 (,), text delimiter 34 ("), UTF-8 (76), ..., "as shown" true, all sheets (-1).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false,-1"


def _convert(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{out}/profile",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    sheets = {}
    for path in out.glob(f"{xlsx.stem}-*.csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            sheets[path.stem[len(xlsx.stem) + 1 :]] = list(csv.reader(fh))
    return sheets


def _shown(value: Any, number_format: str) -> str:
    """A value as LibreOffice shows it with the cell's number format."""
    if value in ("", None):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%b %Y") if number_format == "mmm yyyy" else value.strftime("%d-%m-%Y")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            f"{value:.1f}" if number_format == "0.0" else (str(int(value)) if float(value).is_integer() else str(value))
        )
    return str(value)


def test_libreoffice_reads_the_same_values(demo_workspace, tmp_path: Path) -> None:
    sid = add_student(demo_workspace, NewStudent("PM", 2024, "2799999", '=HYPERLINK("http://x","y")', "=1+1"))
    update_student(demo_workspace, sid, notes="@SUM(A1)")
    target = export_to(demo_workspace, tmp_path / "demo.xlsx")
    converted = _convert(target, tmp_path)
    assert {"Overview", "Courses", "Portfolio", "Attention"} <= set(converted)
    from openpyxl import load_workbook

    wb = load_workbook(target, read_only=True)
    for name in ("Overview", "Courses", "Internships", "Portfolio", "Literature Study", "Academic Core", "Attention"):
        ours = [[_shown(c.value, c.number_format) for c in row] for row in wb[name].iter_rows()]
        theirs = converted[name]
        assert len(theirs) == len(ours), name
        for r, (mine, lo) in enumerate(zip(ours, theirs), 1):
            width = max(len(lo), len(mine))  # trailing empty cells are left out by either side
            assert lo + [""] * (width - len(lo)) == mine + [""] * (width - len(mine)), f"{name} row {r}"
    wb.close()
    overview = converted["Overview"]
    row = next(r for r in overview if r[0] == "2799999")
    assert row[1] == "=1+1" and row[2] == '=HYPERLINK("http://x","y")'  # literal text, not 2 or a link
