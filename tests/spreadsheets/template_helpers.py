"""A faculty's own workbook, as a coordinator receives it: a logo, a merged title in the faculty's
colours, a header on row 4 in Dutch and English, a styled first data row with formulas."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from PIL import Image as PILImage

TITLE = "Faculteit der Geneeskunde - voortgangsoverzicht"
FACULTY_BLUE = "FF0A3D62"
ROW_FILL = "FFEAF2F8"
HEADER = ("Nr.", "Studentnummer", "Achternaam", "Voornaam", "Cohort", "EC behaald", "Opmerking", "Status")


def logo_png() -> bytes:
    image = PILImage.new("RGB", (120, 40), (10, 61, 98))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def faculty_template(path: Path) -> Path:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Voortgang"
    info = wb.create_sheet("Toelichting")
    info["A1"] = "EC behaald: volgens de coördinator; Status volgt uit de formule."
    sheet.add_image(Image(io.BytesIO(logo_png())), "A1")
    sheet["C1"] = TITLE
    sheet["C1"].font = Font(bold=True, size=14, color="FFFFFFFF")
    sheet["C1"].fill = PatternFill("solid", fgColor=FACULTY_BLUE)
    sheet["C1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells("C1:H2")
    thin = Side(style="thin", color="FF7F7F7F")
    for n, text in enumerate(HEADER, 1):
        cell = sheet.cell(4, n, text)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = PatternFill("solid", fgColor=FACULTY_BLUE)
        cell.border = Border(bottom=thin)
    first = 5
    sheet.cell(first, 1, "=ROW()-4")  # the faculty numbers its rows with a formula
    for n in range(2, 8):
        cell = sheet.cell(first, n)
        cell.fill = PatternFill("solid", fgColor=ROW_FILL)
        cell.border = Border(bottom=thin)
    sheet.cell(first, 6).number_format = "0"
    sheet.cell(first, 8, '=IF(F5>=60,"op schema","achter")')
    sheet.cell(first, 8).font = Font(italic=True)
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 22
    sheet.freeze_panes = "A5"
    wb.save(path)
    return path
