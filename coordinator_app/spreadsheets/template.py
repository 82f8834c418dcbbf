"""The programme's own workbook, filled: the faculty's template with its logo, colours, merged titles
and formulas, one row per student in the columns the coordinator mapped once.

The map says, per programme, which sheet of the template, which row is its header and which of the
app's columns (the cohort workbook's Overview: spreadsheets/sheets.py) goes into which of the
template's columns. It is kept in a small file next to the template (`NAME.xlsx.columns.json`), so
every coordinator who uses that template shares it. Without a map, one is proposed from the
template's header (its names compared with the app's, English and Dutch) and saved.

Filling keeps the template as it is (openpyxl loads and saves it whole; Pillow keeps its images):
the rows below the header take the first row's styles, and a formula in the first row of a column
the map leaves alone is carried down to every student's row. Text goes in through `put_text`, so a
name starting with "=" stays text.
"""

from __future__ import annotations

import json
import os
import tempfile
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import Programme
from coordinator_app.durable import replace_durably
from coordinator_app.services.cohort_data import evaluated_chunks, nobody_in, select_students
from coordinator_app.services.lookup import find_programme
from coordinator_app.services.workspace import Workspace
from coordinator_app.spreadsheets.cells import DATE_FORMAT, GRADE_FORMAT, MONTH_FORMAT, Column, put_text
from coordinator_app.spreadsheets.columns import LOOKUP, normalise
from coordinator_app.spreadsheets.sheets import Line, StudentLines, overview_columns

if TYPE_CHECKING:
    from openpyxl import Workbook

MAP_SUFFIX = ".columns.json"
HEADER_ROWS = 30  # the header is among the template's first rows (a logo and a title may stand above it)
# The import's names for a column (Studentnummer, Achternaam, ...) lead to the app's own header.
_FIELD_HEADERS = {
    "student_number": "Student number",
    "first_name": "First name",
    "last_name": "Surname",
    "email": "E-mail",
    "programme": "Programme",
    "cohort": "Cohort",
    "specialization": "Specialization",
}


class TemplateError(DomainError):
    """The template cannot be used or filled as mapped."""


@dataclass
class TemplateMap:
    sheet: str
    header_row: int
    columns: dict[str, str] = field(default_factory=dict)  # template column letter -> the app's column header
    # template column letter -> the template's own header there when mapped: a new version of the
    # template with its columns moved is followed by header, one with a column gone is refused by name
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{letter}: {header}" for letter, header in sorted(self.columns.items(), key=_by_letter))


def _by_letter(item: tuple[str, str]) -> tuple[int, str]:
    return (len(item[0]), item[0])


def map_file(template: Path) -> Path:
    return template.with_name(template.name + MAP_SUFFIX)


def _programme_key(programme: str | None) -> str:
    return programme or "all programmes"


def load_map(template: Path, programme: str | None) -> TemplateMap | None:
    path = map_file(template)
    if not path.exists():
        return None
    try:
        saved = json.loads(path.read_text("utf-8")).get(_programme_key(programme))
    except (OSError, ValueError, AttributeError) as exc:
        raise TemplateError(f"{path.name} cannot be read ({exc}); delete it to map the columns again.") from exc
    if not saved:
        return None
    return TemplateMap(
        str(saved["sheet"]), int(saved["header_row"]), dict(saved["columns"]), dict(saved.get("headers", {}))
    )


def save_map(template: Path, programme: str | None, mapped: TemplateMap) -> Path:
    path = map_file(template)
    try:
        everything = json.loads(path.read_text("utf-8")) if path.exists() else {}
    except ValueError:
        everything = {}
    everything[_programme_key(programme)] = {
        "sheet": mapped.sheet,
        "header_row": mapped.header_row,
        "columns": mapped.columns,
        "headers": {letter: mapped.headers[letter] for letter in mapped.columns if letter in mapped.headers},
    }
    path.write_text(json.dumps(everything, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path


def app_headers(ws: Workspace, programme: str | None = None) -> list[str]:
    """The columns a template can take: the cohort workbook's Overview, for these programmes."""
    return [c.header for c in _columns(ws, programme)]


def _columns(ws: Workspace, programme: str | None) -> list[Column]:
    chosen = (
        [find_programme(ws.programmes, programme)]
        if programme
        else sorted(ws.programmes.values(), key=lambda p: p.code)
    )
    return overview_columns(chosen, lambda *_args: 12)


@dataclass(frozen=True)
class TemplateHeader:
    sheet: str
    row: int
    columns: list[tuple[str, str]]  # (letter, the template's header text)
    formulas: frozenset[str]  # letters whose first row below the header holds a formula of the template's own


def template_header(template: Path, sheet: str | None = None) -> TemplateHeader:
    """The header: of the first rows, the one with the most text cells."""
    from openpyxl.utils import get_column_letter

    wb = _open(template, read_only=True)
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise TemplateError(f"{template.name} has no sheet '{sheet}' any more; map its columns again.")
        chosen = wb[sheet] if sheet else wb.worksheets[0]
        rows = list(chosen.iter_rows(max_row=HEADER_ROWS + 1, values_only=True))
        best: tuple[int, int, list[tuple[str, str]]] = (0, 0, [])
        for n, row in enumerate(rows[:HEADER_ROWS], 1):
            texts = [
                (get_column_letter(c), str(v).strip())
                for c, v in enumerate(row, 1)
                if isinstance(v, str) and v.strip() and not v.startswith("=")
            ]
            if len(texts) > best[0]:
                best = (len(texts), n, texts)
        if best[0] < 2:
            raise TemplateError(
                f"No header row found in the first {HEADER_ROWS} rows of '{chosen.title}' of "
                f"{template.name}: the template needs a row that names its columns."
            )
        below = rows[best[1]] if len(rows) > best[1] else ()
        formulas = frozenset(
            get_column_letter(c) for c, v in enumerate(below, 1) if isinstance(v, str) and v.startswith("=")
        )
        return TemplateHeader(chosen.title, best[1], best[2], formulas)
    finally:
        wb.close()


def propose_map(ws: Workspace, template: Path, programme: str | None) -> TemplateMap:
    """A map from the template's header: its names matched to the app's (English or Dutch). A column
    the template fills with its own formula is left to the template."""
    header = template_header(template)
    known = {normalise(h): h for h in app_headers(ws, programme)}
    columns = {}
    for letter, text in header.columns:
        key = normalise(text)
        target = known.get(key) or _FIELD_HEADERS.get(LOOKUP.get(key, ""))
        if target is not None and target in known.values() and letter not in header.formulas:
            columns[letter] = target
    return TemplateMap(header.sheet, header.row, columns, dict(header.columns))


def checked_map(template: Path, mapped: TemplateMap) -> TemplateMap:
    """The saved map against the template as it is now: a mapped column whose header moved is
    followed to its new letter; one whose header is gone is refused by name."""
    header = template_header(template, mapped.sheet)
    now = dict(header.columns)
    where = {text.casefold(): letter for letter, text in header.columns}
    columns, headers, gone = {}, {}, []
    for letter, app_column in mapped.columns.items():
        was = mapped.headers.get(letter)
        if was is None or now.get(letter, "").casefold() == was.casefold():
            columns[letter], headers[letter] = app_column, now.get(letter, was or "")
        elif was.casefold() in where:
            moved = where[was.casefold()]
            columns[moved], headers[moved] = app_column, now[moved]
        else:
            gone.append(f"'{was}' (column {letter}, for {app_column})")
    if gone:
        raise TemplateError(
            f"{template.name} changed since its columns were mapped: it has no {', no '.join(gone)} any more. "
            "Map its columns again."
        )
    return TemplateMap(header.sheet, header.row, columns, headers)


def _open(template: Path, read_only: bool = False) -> Workbook:
    from openpyxl import load_workbook

    if not template.is_file():
        raise TemplateError(f"There is no template at {template}.", "template")
    if template.suffix.lower() not in (".xlsx", ".xlsm"):
        raise TemplateError(f"A template is an Excel workbook (.xlsx), not {template.name}.", "template")
    try:
        return load_workbook(template, read_only=read_only)
    except Exception as exc:  # openpyxl's many ways of saying the file is not a workbook it can read
        raise TemplateError(f"{template.name} cannot be opened as an Excel workbook ({type(exc).__name__}).") from exc


def set_columns(ws: Workspace, template: Path, programme: str | None, entries: list[str]) -> TemplateMap:
    """Change the saved map: each entry 'C=Student number' (a column letter, or the template's own
    header, = the app's column header; an empty right side takes the column out)."""
    code = find_programme(ws.programmes, programme).code if programme else None
    mapped = load_map(template, code) or propose_map(ws, template, code)
    header = template_header(template, mapped.sheet)
    letters = {text.casefold(): letter for letter, text in header.columns}
    mapped.headers = dict(header.columns)
    known = {h.casefold(): h for h in app_headers(ws, code)}
    for entry in entries:
        left, sep, right = entry.partition("=")
        if not sep:
            raise TemplateError(f"'{entry}' is not a column mapping; write it as C=Student number.")
        left, right = left.strip(), right.strip()
        letter = left.upper() if left.isalpha() and len(left) <= 3 and left.isupper() else letters.get(left.casefold())
        if letter is None:
            raise TemplateError(f"{template.name} has no column '{left}'; give its letter (C) or its header.")
        if not right:
            mapped.columns.pop(letter, None)
            continue
        if right.casefold() not in known:
            raise TemplateError(f"The app has no column '{right}'. Its columns: {', '.join(known.values())}.")
        mapped.columns[letter] = known[right.casefold()]
    save_map(template, code, mapped)
    return mapped


def fill_template(
    ws: Workspace,
    template: Path,
    target: Path,
    *,
    programme: str | None = None,
    cohort: int | None = None,
    as_of: date | None = None,
    mapped: TemplateMap | None = None,
) -> tuple[Path, int]:
    """A copy of `template` at `target` with one row per student; returns the path and the number of students."""
    template, target = Path(template), Path(target)
    if target.resolve() == template.resolve():
        raise TemplateError("Save the filled workbook under another name: the template itself stays as it is.")
    if not target.parent.is_dir():
        raise TemplateError(f"The folder {target.parent} does not exist.", "target")
    code = find_programme(ws.programmes, programme).code if programme else None
    mapped = mapped or load_map(template, code)
    if mapped is None:
        mapped = propose_map(ws, template, code)
        if not mapped.columns:
            raise TemplateError(f"None of {template.name}'s column names is one the app knows; map them first.")
        save_map(template, code, mapped)
    else:
        followed = checked_map(template, mapped)
        if (followed.columns, followed.header_row) != (mapped.columns, mapped.header_row):
            save_map(template, code, followed)  # the template's columns moved: the map follows them
        mapped = followed
    as_of = as_of or ws.as_of()
    columns = {c.header: c for c in _columns(ws, code)}
    unknown = sorted(set(mapped.columns.values()) - set(columns))
    if unknown:
        raise TemplateError(f"The map of {template.name} names columns the app does not have: {', '.join(unknown)}.")
    wb = _open(template)
    if mapped.sheet not in wb.sheetnames:
        raise TemplateError(f"{template.name} has no sheet '{mapped.sheet}' any more; map its columns again.")
    sheet = wb[mapped.sheet]
    writer = _RowWriter(sheet, mapped, columns)
    rows = _StreamedRows(writer)
    students = 0
    with ws.read() as s:
        ids, _present = select_students(s, code, cohort)
        if not ids:
            raise TemplateError(f"{nobody_in(code, cohort)}; nothing to fill in.")
        names: dict[tuple[str, str], str] = {}

        def component(p: Programme, key: str) -> str:
            if (p.code, key) not in names:
                try:
                    names[(p.code, key)] = p.component(key).name
                except KeyError:
                    names[(p.code, key)] = key
            return names[(p.code, key)]

        for chunk, evaluations in evaluated_chunks(s, ids, ws.programmes, as_of):
            for student, ev in zip(chunk.students, evaluations):
                lines = StudentLines(student, ws.programmes[student.programme], ev, chunk, as_of, component)
                if students == 0:
                    writer.write(Line(lines))  # the template's first row, filled in place
                else:
                    rows.add(Line(lines))
                students += 1
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".xlsx.part", dir=target.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        rows.save(wb, temporary)
        replace_durably(temporary, target)
    except OSError as exc:
        raise TemplateError(f"Could not write {target}: {exc.strerror or exc}. Nothing was saved there.") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return target, students


class _RowWriter:
    """Student rows below the template's header, each with the first data row's styles and formulas."""

    def __init__(self, sheet: Any, mapped: TemplateMap, columns: dict[str, Column]) -> None:
        from openpyxl.formula.translate import Translator
        from openpyxl.utils import column_index_from_string, get_column_letter

        # Any: the template's sheet, whose private cell styles (_style, _cell_styles) it copies; no stubs
        self.sheet = sheet
        self.first = mapped.header_row + 1
        self.row = self.first
        last = max(sheet.max_column, *(column_index_from_string(c) for c in mapped.columns))
        self.styles = {n: copy(sheet.cell(self.first, n)._style) for n in range(1, last + 1)}
        # Each mapped column's style once: the template's, with the app's number format where the
        # template left it General (a date, a month, a grade). Per cell only a copy of it is made.
        formats = {"date": DATE_FORMAT, "month": MONTH_FORMAT, "grade": GRADE_FORMAT}
        self.mapped: list[tuple[int, Any]] = []
        for letter, header in mapped.columns.items():
            n, column = column_index_from_string(letter), columns[header]
            first = sheet.cell(self.first, n)
            if formats.get(column.kind) and first.number_format == "General":
                first.number_format = formats[column.kind]
            self.styles[n] = copy(first._style)
            self.mapped.append((n, column.value))
        taken = {n for n, _ in self.mapped}
        self.formulas = []  # (column, Translator) of the first row's formulas the map leaves alone
        for n in range(1, last + 1):
            value = sheet.cell(self.first, n).value
            if n not in taken and isinstance(value, str) and value.startswith("="):
                self.formulas.append(
                    (n, get_column_letter(n), Translator(value, origin=f"{get_column_letter(n)}{self.first}"))
                )

    def write(self, line: Line) -> None:
        row, cell_at, styles = self.row, self.sheet.cell, self.styles
        for n, value_of in self.mapped:
            cell = cell_at(row, n)
            cell._style = copy(styles[n])
            value = value_of(line) if value_of else None
            if value is None or value == "":
                if row == self.first:
                    cell.value = None  # an example value in the template's first row is not a student's
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            if isinstance(value, str):
                put_text(cell, value)
            else:
                cell.value = value
        if row != self.first:
            for n, letter, formula in self.formulas:
                cell = cell_at(row, n)
                cell._style = copy(styles[n])
                cell.value = formula.translate_formula(f"{letter}{row}")
        self.row += 1


def map_for_window(ws: Workspace, template: Path, programme: str | None) -> tuple[TemplateHeader, TemplateMap, str]:
    """The template's header and the map to show for it: the saved one (followed to moved columns),
    else a proposal; the note says which, or why the saved one no longer fits."""
    code = find_programme(ws.programmes, programme).code if programme else None
    saved = load_map(template, code)
    note = f"Columns as mapped before ({map_file(template).name})."
    mapped = None
    if saved is not None:
        try:
            mapped = checked_map(template, saved)
        except TemplateError as exc:
            note = f"{exc} Proposed from its header:"
    if mapped is None:
        mapped = propose_map(ws, template, code)
        if saved is None:
            note = "Proposed from the template's header names; change any column before filling."
    return template_header(template, mapped.sheet), mapped, note


class _StreamedRows:
    """The students' rows after the first, written as the sheet's XML rows (lxml) into a temporary
    file as they come, and put into the saved template's sheet part at the end: openpyxl loads and
    saves the template itself (its logo, merged titles, other sheets) but never holds a Cell object
    per student cell, which cost more than the whole plain export. Each cell gets its column's style
    from the template's first data row (`_RowWriter`), registered once in the workbook's own style
    list; formulas are carried down as `_RowWriter` carries them; text stays text (the quote prefix
    for a formula start, as `put_text`)."""

    def __init__(self, writer: _RowWriter) -> None:
        from openpyxl.utils import get_column_letter

        self.writer = writer
        self.row = writer.first + 1
        self.parts = tempfile.TemporaryFile()  # noqa: SIM115 (open from the first row to the save)
        from openpyxl.styles.cell_style import StyleArray

        styles = writer.sheet.parent._cell_styles  # the workbook's own list: the saved cellXfs

        def style_id(n: int, quoted: bool = False) -> str:
            style = StyleArray(writer.styles[n] or StyleArray())
            style.quotePrefix = quoted
            return str(styles.add(style))

        self.columns = [
            (get_column_letter(n), style_id(n), style_id(n, quoted=True), value_of) for n, value_of in writer.mapped
        ]
        self.formulas = [(letter, style_id(n), formula) for n, letter, formula in writer.formulas]

    def add(self, line: Line) -> None:
        from lxml.etree import Element, SubElement, tostring
        from openpyxl.utils.datetime import to_excel

        from coordinator_app.spreadsheets.cells import FORMULA_STARTS, safe_text

        r = str(self.row)
        row = Element("row", r=r)
        for letter, style, text_style, value_of in self.columns:
            value = value_of(line) if value_of else None
            if value is None or value == "":
                SubElement(row, "c", r=letter + r, s=style)
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            if isinstance(value, str):
                text = safe_text(value)
                cell = SubElement(row, "c", r=letter + r, s=text_style if value[:1] in FORMULA_STARTS else style)
                cell.set("t", "inlineStr")
                t = SubElement(SubElement(cell, "is"), "t")
                t.text = text
                if text != text.strip():
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                continue
            cell = SubElement(row, "c", r=letter + r, s=style, t="n")
            if isinstance(value, date):
                value = to_excel(value)
            SubElement(cell, "v").text = repr(value) if isinstance(value, float) else str(value)
        for letter, style, formula in self.formulas:
            cell = SubElement(row, "c", r=letter + r, s=style)
            SubElement(cell, "f").text = formula.translate_formula(f"{letter}{r}")[1:]
        self.parts.write(tostring(row))
        self.row += 1

    def save(self, wb: Workbook, target: Path) -> None:
        """The template saved by openpyxl, its sheet part then copied with the rows put in."""
        import re
        import shutil
        import zipfile

        sheet = self.writer.sheet
        below = [key for key in sheet._cells if key[0] > self.writer.first]  # the template's example rows
        for key in below:
            del sheet._cells[key]
        saved = target.with_name(target.name + ".template")
        try:
            wb.save(saved)
            part = sheet.path.lstrip("/")  # the name openpyxl gave the sheet's part as it saved it
            last = self.row - 1
            with zipfile.ZipFile(saved) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
                for item in source.infolist():
                    if item.filename != part:
                        out.writestr(item, source.read(item.filename))
                        continue
                    xml = source.read(part)
                    xml = re.sub(rb'(<dimension ref="[A-Z]+[0-9]+:[A-Z]+)[0-9]+"', rb'\g<1>%d"' % last, xml, count=1)
                    xml = re.sub(rb"<sheetData\s*/>", b"<sheetData></sheetData>", xml, count=1)
                    end = xml.index(b"</sheetData>")
                    with out.open(item, "w") as stream:
                        stream.write(xml[:end])
                        self.parts.seek(0)
                        shutil.copyfileobj(self.parts, stream)
                        stream.write(xml[end:])
        finally:
            self.parts.close()
            saved.unlink(missing_ok=True)
