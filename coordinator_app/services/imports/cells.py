"""A spreadsheet cell as the value a coordinator meant, and the checks every import row shares."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.people import parse_date
from coordinator_app.services.imports.plan import CELL_PROBLEMS, Rejection
from coordinator_app.store.portable_sql import OneOf

# Excel keeps a date as a day number (46353 = 27-11-2026); a date column formatted as a number
# shows it bare. Accepted between these days (1990 to 2100), so a year such as 2025 stays an error.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_DAYS = (32874, 73415)
_WHOLE_NUMBER = re.compile(r"^([0-9]+)[.,]0+$")

T = TypeVar("T")  # what a cell's check makes of it

Known = dict[tuple[Any, ...], tuple[Any, str | None]]  # (check, cell type, cell) -> (value, reason)


def as_text(value: object) -> str:
    """A cell as the text a coordinator would have typed (Excel numbers lose their '.0')."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def number_text(value: object) -> str:
    """A student number as typed: a CSV written from a numeric column says 2600007.0."""
    text = value.strip() if type(value) is str else as_text(value)
    if "." not in text and "," not in text:
        return text
    whole = _WHOLE_NUMBER.match(text)
    return whole.group(1) if whole else text


def as_date(value: object, field_name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = number_text(value)
    if text.isdecimal() and _EXCEL_DAYS[0] <= int(text) <= _EXCEL_DAYS[1]:
        return _EXCEL_EPOCH + timedelta(days=int(text))
    return parse_date(text, field_name)


SHOWN_DUPLICATES = 3


def duplicate_rows(keys: Iterable[tuple[int, Hashable]]) -> dict[int, str]:
    """Row -> the other rows with the same key, as text: at most SHOWN_DUPLICATES named, then a
    count (None keys never clash). Linear in the rows: 20,000 rows with one number used to make
    20,000 lists of 19,999 rows each."""
    rows_of: dict[Hashable, list[int]] = defaultdict(list)
    for row, key in keys:
        if key is not None:
            rows_of[key].append(row)
    out: dict[int, str] = {}
    for rows in rows_of.values():
        if len(rows) > 1:
            head = rows[: SHOWN_DUPLICATES + 1]
            more = len(rows) - 1 - SHOWN_DUPLICATES
            tail = f" and {more:,} more" if more > 0 else ""
            for row in rows:
                others = [r for r in head if r != row][:SHOWN_DUPLICATES]
                out[row] = f"row{'s' if len(rows) > 2 else ''} {', '.join(map(str, others))}{tail}"
    return out


def cell_problems(
    row: int, raw: dict[str, Any], column: Callable[[str], str], fields: tuple[str, ...]
) -> list[Rejection]:
    """Rejections for the cells of `fields` the reader found unusable (an error cell, broken text)."""
    return [Rejection(row, column(f), reason) for f, reason in raw[CELL_PROBLEMS] if f in fields]


def one_of(column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (values)` with the values as ONE JSON parameter: no IN list of 10,000
    parameters for SQLAlchemy to compile and the database to parse (store/portable_sql.py)."""
    return OneOf(column, values)


def column_names(headers: dict[str, str]) -> Callable[[str], str]:
    """The file's own name for a field (the field's name when the file has no such column)."""
    return lambda name: headers.get(name, name.replace("_", " "))


def check_cell(problems: list[Rejection], row: int, column: str, check: Callable[..., T], *args: object) -> T | None:
    """check(*args), or None with a rejection naming the row and column."""
    try:
        return check(*args)
    except DomainError as exc:
        problems.append(Rejection(row, column, exc.message))
        return None


def cached_check(
    problems: list[Rejection], row: int, column: str, known: Known, check: Callable[[Any], Any], cell: Any
) -> Any:
    """check_cell for values that repeat down a column (programme, cohort, grade, date): each checked once."""
    key = (check, type(cell), cell)  # the type too: True == 1, but TRUE is not the number 1
    if key not in known:
        try:
            known[key] = (check(cell), None)
        except DomainError as exc:
            known[key] = (None, exc.message)
    value, reason = known[key]
    if reason is not None:
        problems.append(Rejection(row, column, reason))
    return value
