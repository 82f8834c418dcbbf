"""The error cells of an .ods workbook (calamine reads them as empty), for the reading child
(spreadsheets/workbook_reader.py): standard library only, streamed in 1 MB chunks."""

from __future__ import annotations

import re
import zipfile

TYPE_CHECKING = False  # typing is not imported in the child (workbook_reader.py); mypy reads these
if TYPE_CHECKING:
    from typing import Any

_CHUNK = 1 << 20

_ODS_TOKEN = re.compile(
    rb"<(/?)(table:table-row|table:table-cell|table:covered-table-cell|table:table)(?=[\s/>])"
    rb"([^>]*?)(/?)>|<text:p>([^<]*)"
)
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="([0-9]+)"')


def scan_ods_errors(archive: zipfile.ZipFile) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> {(row, column): error text} of the cells LibreOffice marks as errors. Only
    walked cell by cell when the file holds an error cell at all (one fast look first)."""
    try:
        info = archive.getinfo("content.xml")
    except KeyError:
        return {}
    with archive.open(info) as stream:
        if not any(b'value-type="error"' in chunk for chunk in iter(lambda: stream.read(_CHUNK), b"")):
            return {}
    found: dict[str, dict[tuple[int, int], str]] = {}
    state = {"sheet": "", "row": 0, "repeat": 1, "column": 0, "pending": None}
    carry = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk
            cut = len(data) if not chunk else (data.rfind(b"<") if data.rfind(b"<") > 0 else len(data))
            _ods_tokens(data[:cut], state, found)
            carry = data[cut:]
            if not chunk:
                return found


def _ods_tokens(data: bytes, state: dict[str, Any], found: dict[str, dict[tuple[int, int], str]]) -> None:
    for closing, tag, attributes, empty, text in _ODS_TOKEN.findall(data):
        if not tag:  # <text:p>: the text of an error cell just seen
            if state["pending"] is not None:
                found.setdefault(state["sheet"], {})[state["pending"]] = text.decode("utf-8", "replace") or "#VALUE!"
                state["pending"] = None
            continue
        if tag == b"table:table":
            if not closing:
                name = _ODS_NAME.search(attributes)
                state.update(sheet=name.group(1).decode("utf-8", "replace") if name else "", row=0)
        elif tag == b"table:table-row":
            if closing:
                state["row"] += state["repeat"]
            else:
                repeat = _ROWS_REPEATED.search(attributes)
                state.update(repeat=int(repeat.group(1)) if repeat else 1, column=0)
                if empty:
                    state["row"] += state["repeat"]
        elif not closing:  # a cell (or a cell covered by a merged one)
            repeat = _COLUMNS_REPEATED.search(attributes)
            if b'value-type="error"' in attributes:
                state["pending"] = (state["row"], state["column"])
            state["column"] += int(repeat.group(1)) if repeat else 1
