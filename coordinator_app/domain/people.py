"""What a valid student number, name, e-mail address and typed date look like."""

from __future__ import annotations

import re
from datetime import date, datetime

from coordinator_app.domain.errors import DomainError

_STUDENT_NUMBER = re.compile(r"^[A-Za-z]?[0-9]{5,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def validate_student_number(text: str) -> str:
    """Student numbers as universities issue them: 5-10 digits, optionally one letter first (s1234567)."""
    cleaned = (text or "").strip()
    if not _STUDENT_NUMBER.match(cleaned):
        raise DomainError(
            f"'{cleaned}' is not a student number: use 5 to 10 digits, optionally after one letter (like 2712345 or s2712345).",
            "student_number",
        )
    return cleaned


# One C-level scan instead of a Python loop per character: an import checks 20,000 names.
_CONTROL = re.compile(r"[\x00-\x1f]")
# Half of a UTF-16 pair without its other half: no text encoding can store it (the database
# write would fail with UnicodeEncodeError). Comes from a damaged copy and paste.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# What one Excel or LibreOffice cell holds: longer notes would be cut in the export without a word.
NOTES_LIMIT = 32_767


def _broken_text(label: str, field: str) -> DomainError:
    return DomainError(
        f"The {label} contains a broken character (half of a pair, as a damaged copy and paste leaves); retype it.",
        field,
    )


def validate_name(text: str, field: str) -> str:
    cleaned = " ".join((text or "").split())
    label = field.replace("_", " ")
    if not cleaned:
        raise DomainError(f"The {label} cannot be empty.", field)
    if len(cleaned) > 100:
        raise DomainError(f"The {label} is longer than 100 characters.", field)
    if _CONTROL.search(cleaned):
        raise DomainError(f"The {label} contains control characters.", field)
    if not cleaned.isascii() and _LONE_SURROGATE.search(cleaned):
        raise _broken_text(label, field)
    return cleaned


def validate_email(text: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned.isascii() and _LONE_SURROGATE.search(cleaned):
        raise _broken_text("e-mail address", "email")
    if cleaned and not _EMAIL.match(cleaned):
        raise DomainError(f"'{cleaned}' is not an e-mail address.", "email")
    return cleaned


def validate_notes(text: str | None, field: str = "notes") -> str:
    """Free text (notes, a mentor meeting's topic): any length up to what one spreadsheet cell
    holds, so an export never cuts it; line breaks are kept."""
    value = str(text or "")
    label = field.replace("_", " ")
    if len(value) > NOTES_LIMIT:
        raise DomainError(
            f"The {label} text is {len(value):,} characters long; at most {NOTES_LIMIT:,} fit (what one "
            "Excel cell holds, so the export keeps all of it). Shorten them, or keep the long text in a "
            "document.",
            field,
        )
    if not value.isascii() and _LONE_SURROGATE.search(value):
        raise _broken_text(f"{label} text", field)
    return value


def parse_date(text: str, field: str = "date") -> date:
    """A date as typed or exported: 2025-02-03, 3-2-2025, 03/02/2025 or 3.2.2025 (day first)."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError("Enter a date, like 3-2-2025.", field)
    head = cleaned.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    raise DomainError(f"'{cleaned}' is not a date. Use day-month-year, like 3-2-2025 (or 2025-02-03).", field)


def parse_yes_no(value: object, field: str) -> bool:
    """A yes/no answer as typed or imported (yes/ja/true/1, no/nee/false/0, empty: no)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "ja", "true", "1", "y"):
        return True
    if text in ("no", "nee", "false", "0", "n", ""):
        return False
    raise DomainError(f"Answer yes or no for {field.replace('_', ' ')}, not '{value}'.", field)


def parse_optional_date(text: str | None, field: str = "date") -> date | None:
    if text is None or not str(text).strip():
        return None
    return parse_date(str(text), field)
