"""Names for the plain values that pass between the layers, so a signature says what it carries.

Plain Python types only (the domain imports no Qt or SQL): the services and the spreadsheets both
import these.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

CellValue = str | int | float | bool | date | datetime | None
"""One spreadsheet cell's value as a workbook reader gives it (text, a number, yes/no, a date or
a date with a time, or empty)."""

FieldValue = str | int | float | bool | date | None
"""One stored field's value: a column of a record as read or written (an audit entry's old and new
values are these before they are written as text)."""

FieldCheck = Callable[[Any], FieldValue]
"""A form field's check: the value as typed or chosen (text, a number, a date; each check says
what it takes) made into the value stored, or a DomainError naming what is wrong."""
