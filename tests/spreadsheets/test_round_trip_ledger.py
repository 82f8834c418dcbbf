"""The ledger's rows as the export writes them: the same text json.dumps gives, which the import compares
(round_trip.identity_text) and decodes."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

import pytest

from coordinator_app.spreadsheets.round_trip import Ledger, _json, encode_value, key_text


class _Stage(str, Enum):
    RUNNING = "running  late"


TRICKY: list[Any] = [
    1,
    -0.0,
    2.5,
    1e300,
    10**30,
    float("nan"),
    True,
    False,
    None,
    "",
    "é ü  ß",
    'quote " and \\ backslash',
    "line\nbreak\ttab",
    "\u2028 \U0001f600",
    {"date": "2025-11-24"},
]


@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_json_text_is_json_dumps(value: Any) -> None:
    assert _json([value, value]) == json.dumps([value, value])
    assert _json((value,)) == json.dumps([value])


def test_json_text_refuses_what_json_dumps_refuses() -> None:
    with pytest.raises(TypeError):
        _json([object()])


def test_ledger_row_is_what_it_was() -> None:
    """Each row as written before the ledger was made faster: key_text of the identifying cells, the
    natural key, the values through encode_value, each as json.dumps."""

    class Sheet:
        title = "Coordinator App"
        sheet_state = ""

        def __init__(self) -> None:
            self.rows: list[list[Any]] = []

        def append(self, row: list[Any]) -> None:
            self.rows.append(row)

    class Book:
        def create_sheet(self, title: str) -> Sheet:
            return Sheet()

    ledger = Ledger(Book(), "cohort workbook", {})
    keys: list[Any] = [
        "  2600007 ",
        "PM  PERS",
        2.0,
        3,
        date(2025, 1, 2),
        datetime(2025, 1, 2, 10),
        None,
        True,
        _Stage.RUNNING,
    ]
    values: list[Any] = [*TRICKY, date(2025, 1, 2), datetime(2025, 3, 4, 5, 6), _Stage.RUNNING]
    ledger.row("Courses", keys, "result", (12, "PM-PERS", 1), values)
    assert ledger.sheet.rows[-1] == [
        "row",
        "Courses",
        json.dumps([key_text(k) for k in keys]),
        "result",
        json.dumps([12, "PM-PERS", 1]),
        json.dumps([encode_value(v) for v in values]),
    ]
