"""Laying documents out on A4 pages with Qt's own text and PDF support.

A document is HTML (html.py) laid out by QTextDocument on the page's paint device (a QPdfWriter
for a file, a QPrinter for paper), page by page, with a footer on each page: what the document
is, the day it was made, the app's version, and "page x of y". Many documents go into one file
one after another, each starting on a new page and each laid out and dropped in turn, so a
file of 500 reports takes the memory of one (`render`).

Qt needs a QGuiApplication for fonts: the window has one, the command line makes one
(`ensure_gui`, offscreen when there is no display). Painting a QPdfWriter off the GUI thread is
supported by Qt ("QPainter can be used in a thread to paint onto QImage, QPrinter and QPicture"),
so the window writes PDFs in its job runner.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator_app import APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtGui import QFont, QPagedPaintDevice, QPainter, QPdfWriter, QTextDocument

FONT_FAMILIES = ["Segoe UI", "Helvetica Neue", "Helvetica", "Arial", "Liberation Sans", "DejaVu Sans"]
BODY_POINTS = 9.5
FOOTER_POINTS = 7.5
MARGINS_MM = (18.0, 15.0, 18.0, 14.0)  # left, top, right, bottom
RESOLUTION = 300  # dots per inch of the PDF's layout: fine enough for text positions, small numbers


@dataclass(frozen=True)
class Document:
    """One document to lay out: its HTML, and what the footer of each of its pages says it is."""

    html: str
    footer: str


def ensure_gui() -> None:
    """A Qt application for Qt's fonts, made if there is none yet (the command line). Without a
    display (a server, CI, a terminal over ssh) it draws offscreen: a PDF needs no screen. A
    QApplication, not the lighter QGuiApplication: a process has one application for good, and
    whatever runs after in the same process (the window, the commands run in-process by the
    tests) may need widgets."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    if QGuiApplication.instance() is not None:
        return
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication([sys.argv[0] if sys.argv else "coordinator-app"])
    app.setApplicationName(APP_NAME)
    _keep.append(app)


_keep: list[object] = []  # the command line's QGuiApplication lives as long as the process


def pdf_writer(target: Path, title: str) -> QPdfWriter:
    """A PDF writer on A4 with the documents' margins, naming the app as its creator."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    writer = QPdfWriter(str(target))
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(*MARGINS_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setCreator(f"{APP_NAME} {__version__}")
    writer.setTitle(title)
    return writer


def _font(points: float) -> QFont:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(points)
    return font


def footer_text(what: str, made: datetime) -> str:
    return f"{what} · made {made:%d-%m-%Y %H:%M} · {APP_NAME} {__version__}"


class Pages:
    """Lays documents out on one paged device (a PDF writer or a printer) and paints them."""

    def __init__(self, device: QPagedPaintDevice, painter: QPainter) -> None:
        from PySide6.QtGui import QFontMetricsF

        self.device = device
        self.painter = painter
        area = device.pageLayout().paintRectPixels(device.logicalDpiX())  # a PDF writer's or printer's resolution
        self.width = float(area.width())
        footer_font = _font(FOOTER_POINTS)
        self.footer_font = footer_font
        line = QFontMetricsF(footer_font, device).height()
        self.footer_height = line * 2.2
        self.body_height = float(area.height()) - self.footer_height
        self.pages_painted = 0

    def lay_out(self, html: str) -> QTextDocument:
        """The document laid out on this device's pages (pageCount() says how many)."""
        from PySide6.QtCore import QSizeF
        from PySide6.QtGui import QTextDocument, QTextOption

        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.device)
        doc.setDefaultFont(_font(BODY_POINTS))
        doc.setDocumentMargin(0)
        option = QTextOption()
        # A host name or an e-mail address longer than the page breaks anywhere rather than run off it.
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setHtml(html)
        doc.setPageSize(QSizeF(self.width, self.body_height))
        return doc

    def paint(self, document: Document) -> int:
        """Paint one document from a new page on; returns its number of pages."""
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPen

        doc = self.lay_out(document.html)
        count = doc.pageCount()
        painter = self.painter
        context = QAbstractTextDocumentLayout.PaintContext()
        for page in range(count):
            if self.pages_painted:
                self.device.newPage()
            painter.save()
            painter.setClipRect(QRectF(0, 0, self.width, self.body_height))
            painter.translate(0, -page * self.body_height)
            context.clip = QRectF(0, page * self.body_height, self.width, self.body_height)
            doc.documentLayout().draw(painter, context)
            painter.restore()
            top = self.body_height + self.footer_height * 0.35
            painter.save()
            painter.setPen(QPen(QColor("#c7ccd1"), 1))
            painter.drawLine(QRectF(0, top, self.width, 0).topLeft(), QRectF(0, top, self.width, 0).topRight())
            painter.setPen(QColor("#5f6368"))
            painter.setFont(self.footer_font)
            box = QRectF(0, top, self.width, self.body_height + self.footer_height - top)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), document.footer)
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), f"page {page + 1} of {count}"
            )
            painter.restore()
            self.pages_painted += 1
        return count


@contextmanager
def painting(device: QPagedPaintDevice) -> Iterator[Pages]:
    """A painter open on `device` for the time of the block; closing it finishes the file."""
    from PySide6.QtGui import QPainter

    painter = QPainter()
    if not painter.begin(device):
        raise OSError("Qt could not start writing the document")
    try:
        yield Pages(device, painter)
    finally:
        painter.end()


def render(device: QPagedPaintDevice, documents: Iterable[Document]) -> int:
    """Paint `documents` one after another on `device`, each from a new page; returns the pages painted."""
    with painting(device) as pages:
        for document in documents:
            pages.paint(document)
        return pages.pages_painted
