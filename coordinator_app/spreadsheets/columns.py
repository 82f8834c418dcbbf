"""Which row of a sheet is the header, and which of its columns the import knows.

Plain Python with no heavy imports: the workbook reader's child process uses it too
(spreadsheets/workbook_reader.py), so that only the known columns travel back.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing is not imported in the reading child (workbook_reader.py); mypy reads these
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

# Column names as student information systems and course coordinators write them, compared
# after lower-casing and dropping everything but letters and digits ("E-mail" -> "email").
ALIASES: dict[str, tuple[str, ...]] = {
    "student_number": (
        "studentnumber",
        "studentnummer",
        "studentnr",
        "studentno",
        "studentid",
        "snumber",
        "snummer",
        "number",
        "nummer",
        "student",
    ),
    "first_name": ("firstname", "voornaam", "givenname", "roepnaam", "forename", "voornamen"),
    "infix": ("infix", "tussenvoegsel", "tussenvoegsels", "prefix"),
    "last_name": ("surname", "lastname", "achternaam", "familyname", "familienaam", "naam"),
    "email": ("email", "emailaddress", "emailadres", "mail", "mailadres"),
    "programme": ("programme", "program", "opleiding", "programma", "masterprogramme"),
    "cohort": ("cohort", "cohortyear", "startyear", "startjaar", "cohortjaar", "jaar", "year"),
    "specialization": ("specialization", "specialisation", "specialisatie", "track", "richting"),
    "grade": ("grade", "cijfer", "result", "resultaat", "mark", "eindcijfer", "finalgrade"),
    "exam_date": ("examdate", "toetsdatum", "examendatum", "date", "datum", "testdate", "tentamendatum"),
    "attempt": ("attempt", "poging", "gelegenheid", "kans", "attemptnumber", "pogingnummer"),
    "course": ("course", "coursecode", "vak", "vakcode", "cursus", "cursuscode", "coursename", "module"),
}
# Optional: the e-mail addresses of the people around a student ("Minor daily supervisor e-mail").
for _where, _role in (
    ("minor", "daily supervisor"),
    ("minor", "second supervisor"),
    ("minor", "assessor"),
    ("major", "daily supervisor"),
    ("major", "second supervisor"),
    ("major", "assessor"),
    ("literature", "supervisor"),
    ("literature", "assessor"),
):
    _key = f"{_where}_{_role.replace(' ', '_')}_email"
    _said = f"{_where}{_role}".replace(" ", "")
    ALIASES[_key] = (f"{_said}email", f"{_said}emailaddress", f"{_said}mail", f"{_said}emailadres")
ALIASES["mentor_email"] = ("mentoremail", "mentoremailaddress", "mentormail", "emailmentor", "mentoremailadres")
ALIASES["literature_supervisor_email"] += ("literaturestudysupervisoremail",)
ALIASES["literature_assessor_email"] += ("literaturestudyassessoremail",)
LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
HEADER_SEARCH_ROWS = 10
# The very hidden sheet of a workbook the app made (app_workbook.py): its name, here so the reading
# child can look for it without importing app_workbook for every other workbook.
LEDGER = "Coordinator App"  # a title line or a merged group row may stand above the header
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(Exception):
    """The file is past a limit or has no data; the message says so in the coordinator's words."""


def normalise(header: object) -> str:
    return re.sub(r"[^0-9a-z]", "", str(header or "").casefold())


def label(value: object) -> str:
    """A header cell as one line of text: a cell with a line break ("Student\\nnumber") would
    otherwise put a line break into every message that names the column."""
    text = " ".join(str(value if value is not None else "").split())
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)  # printable whatever the file held


def is_empty(row: Sequence[Any]) -> bool:
    return row.count("") + row.count(None) == len(row)  # counted in C, not per cell


def header_row(rows: Sequence[Sequence[Any]]) -> int | None:
    """Index of the header among the first non-empty rows: the row naming the most known columns
    (at least two). A merged group row above the real header ("Student" over number and name,
    "Result" over grade and date) names fewer, so the row below it wins. Without such a row,
    the first non-empty one; None when every row is empty."""
    best, best_count, seen, first = None, 1, 0, None
    for n, row in enumerate(rows):
        if is_empty(row):
            continue
        first = n if first is None else first
        count = len({LOOKUP[key] for key in map(normalise, row) if key in LOOKUP})
        if count > best_count:
            best, best_count = n, count
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return first if best is None else best


def map_columns(header: Sequence[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """(field -> column position, field -> the file's own header, headers that name nothing known)."""
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for n, value in enumerate(header):
        field_name = LOOKUP.get(normalise(value))
        text = label(value)
        if field_name and field_name not in index:
            index[field_name] = n
            names[field_name] = text
        elif text:
            ignored.append(text)
    return index, names, ignored


def column_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as Excel names columns)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
