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


def _sheet_xml(path: Any, title: str) -> bytes:
    import zipfile

    import openpyxl

    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{names.index(title) + 1}.xml")


def test_plain_rows_are_the_bytes_openpyxl_writes(tmp_path: Any) -> None:
    """The ledger's rows written as sheet XML text (cells.stream_plain_rows) are byte for byte what
    openpyxl writes for the same rows, whatever the text; rows it does not take as plain (other text,
    formula starts, error codes, other types) go through openpyxl's own writer in their place."""
    from openpyxl import Workbook

    from coordinator_app.spreadsheets.cells import stream_plain_rows

    rows: list[list[Any]] = [
        ["row", "Courses", '["2600007", "PM-PERS", "1"]', "result", '[12, "PM-PERS", 1]', '[{"date": "2025-01-02"}]'],
        ["~#coordinator-app", 1, "cohort workbook", '{"as_of": "2025-11-24"}'],
        [" leading", "trailing ", " both ", "a & b < c > d", "cr\rlf\nlf\ttab", "\"quote' &amp;"],
        [None, "gap", None, None, 0, -5, 10**15, 2**62],
        ["x" * 40000, "short"],
        ["caf\u00e9 \u0131 \U0001f600", "plain"],  # not ASCII: openpyxl's writer
        ["=1+1", "#N/A", "ok"],  # a formula and an error code: openpyxl's writer decides
        [True, 2.5, date(2025, 1, 2), "mixed"],  # other types: openpyxl's writer
        [],
        ["last"],
    ]
    written = {}
    for streamed in (False, True):
        wb = Workbook(write_only=True)
        sheet = wb.create_sheet("Ledger")
        if streamed:
            stream_plain_rows(sheet)
        for row in rows:
            sheet.append(row)
        path = tmp_path / f"{streamed}.xlsx"
        wb.save(path)
        written[streamed] = _sheet_xml(path, "Ledger")
    assert b"<sheetData><row" in written[True]
    assert written[True] == written[False]


def test_a_cancelled_workbook_with_plain_rows_leaves_no_file(tmp_path: Any, monkeypatch: Any) -> None:
    import tempfile

    from openpyxl import Workbook

    from coordinator_app.spreadsheets.cells import discard, stream_plain_rows

    # A temporary folder of this test's own: other tests running beside it write openpyxl's files too.
    own = tmp_path / "tmp"
    own.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(own))
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Ledger")
    stream_plain_rows(sheet)
    sheet.append(["row", 1])
    assert list(own.iterdir())  # openpyxl's part file is there while the workbook is open
    discard(wb)
    assert not list(own.iterdir())
