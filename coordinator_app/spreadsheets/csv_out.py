"""CSV files the app writes: as a Dutch (or any European) Excel opens them, and never a formula.

Excel reads a CSV with the separator of the computer's region: `;` where the decimal mark is a
comma, as in the Netherlands, so a `,`-separated file opens in one column there. It takes the
text as UTF-8 only when the file starts with a byte-order mark. Dates are written as the app
shows them (dd-mm-yyyy), which Excel in a Dutch region reads as dates.

Text that starts with = + - @ tab or carriage return is a formula to Excel and LibreOffice
when the CSV is opened (OWASP "CSV injection": `=HYPERLINK(...)` in a student's name). Such
text is written with a leading apostrophe, so it is shown as the text it is; the xlsx export
does the same with a quote-prefixed string cell (spreadsheets/cells.py, FORMULA_STARTS).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # the same as cells.FORMULA_STARTS (a test keeps them equal)
DELIMITER = ";"
DATE_FORMAT = "%d-%m-%Y"


def csv_cell(value: object) -> object:
    """A value as it goes into the CSV: dates as dd-mm-yyyy, formula-like text neutralised,
    numbers as they are (a negative number is a number, not a formula)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(f"{DATE_FORMAT} %H:%M")
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return value


def write_csv(binary: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """UTF-8 with a byte-order mark, `;`-separated, CRLF line ends (as Excel writes them), through
    the csv module (quoting a cell that holds the separator, a quote or a line break)."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=DELIMITER, lineterminator="\r\n")
        writer.writerow([csv_cell(h) for h in header])
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
        text.flush()
    finally:
        text.detach()  # leave the caller's stream open
