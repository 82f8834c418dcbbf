"""Reading back the PDFs the app writes (pypdf, in the test extras)."""

from __future__ import annotations

import unicodedata
from pathlib import Path


def pdf_text(path: Path) -> str:
    """The PDF's text, page after page, with runs of spaces and line breaks made single spaces, and
    the font's ligatures ("ﬁ" in "certiﬁcate") read as their letters, as a PDF viewer's search does."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return unicodedata.normalize("NFKC", text)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)
