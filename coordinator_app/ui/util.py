"""Small display helpers shared by the window's parts: dates, months, colours, resources.

Qt-light and service-free, so the window shell imports it before the database opens.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from coordinator_app.domain.grades import format_mark
from coordinator_app.domain.graduation import MONTHS

# Status colours: calm, readable on light and dark backgrounds alike.
DONE_COLOUR = "#2e7d32"
DUE_SOON_COLOUR = "#b26a00"
OVERDUE_COLOUR = "#b3261e"
LATER_COLOUR = "#5f6368"
DONE_BACKGROUND = "#e6f4ea"
DUE_SOON_BACKGROUND = "#fff4e0"
OVERDUE_BACKGROUND = "#fce8e6"


def month_label(year_month: tuple[int, int] | None) -> str:
    if not year_month:
        return ""
    year, month = year_month
    return f"{MONTHS[month - 1][:3]} {year}"


def long_month(year_month: tuple[int, int] | None) -> str:
    if not year_month:
        return ""
    year, month = year_month
    return f"{MONTHS[month - 1]} {year}"


def day(value: date | None) -> str:
    """Dates as Dutch coordinators write them: 24-11-2025."""
    return "" if value is None else f"{value:%d-%m-%Y}"


def mark(value: float | None) -> str:
    """A mark as shown: the domain's one decimal, rounded half up (7.25 -> 7.3)."""
    return format_mark(value)


def resource_path(*parts: str) -> Path:
    from coordinator_app.paths import resources_dir

    return resources_dir().joinpath(*parts)
