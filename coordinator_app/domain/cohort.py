"""How a cohort is summed up on the dashboard and the workbook's Dashboard sheet.

- EC earned, in bands of 15 EC (0-14 ... 105-119) and the whole degree (120);
- where a student is: stopped, graduated, graduating (a graduation month planned), else the part
  of the programme begun last (minor or major internship, Literature Study), else courses;
- the months ahead that graduations are counted in: this month and the eleven after it.

Plain values in, plain values out: services/dashboard.py asks these for every student and bar.
"""

from __future__ import annotations

from datetime import date

EC_BAND = 15
MONTHS_AHEAD = 12

# Where a student is, in the order the dashboard lists the places.
COURSES, MINOR, MAJOR, LITERATURE = "courses", "minor internship", "major internship", "Literature Study"
GRADUATING, GRADUATED, STOPPED = "graduating", "graduated", "stopped"
PLACES = (COURSES, MINOR, MAJOR, LITERATURE, GRADUATING, GRADUATED, STOPPED)
# The parts a student begins on a start date, by the place that names them.
BEGUN_PARTS = (MINOR, MAJOR, LITERATURE)


def ec_bands(total_ec: int, width: int = EC_BAND) -> tuple[tuple[int, int], ...]:
    """(lowest, highest) EC of each band: (0, 14), (15, 29), ... up to total - 1, then (total, total)."""
    bands = [(low, min(low + width, total_ec) - 1) for low in range(0, total_ec, width)]
    return (*bands, (total_ec, total_ec))


def ec_band_label(band: tuple[int, int]) -> str:
    low, high = band
    return f"{low}" if low == high else f"{low}-{high}"


def ec_band_of(ec: int, bands: tuple[tuple[int, int], ...]) -> int:
    """The index of the band `ec` falls in (more than the total counts as the whole degree)."""
    for index, (low, high) in enumerate(bands):
        if low <= ec <= high:
            return index
    return len(bands) - 1 if ec > bands[-1][1] else 0


def place_by_status(status: str, graduation_planned: bool) -> str | None:
    """Where a student is for their status and plan alone: stopped, graduated or graduating; None
    when it is the part of the programme they began last that says (`place_by_parts`)."""
    if status == "stopped":
        return STOPPED
    if status == "graduated":
        return GRADUATED
    if graduation_planned:
        return GRADUATING
    return None


def place_by_parts(begun: dict[str, date | None], as_of: date) -> str:
    """The part begun last: `begun` maps MINOR, MAJOR and LITERATURE to their start dates (None or
    absent: not planned or no date); a part counts once its start date has come. Of two begun on
    the same day, the one listed later in BEGUN_PARTS wins (a tie has to go one way). None begun:
    courses."""
    latest: tuple[date, int] | None = None
    for order, part in enumerate(BEGUN_PARTS):
        start = begun.get(part)
        if start is not None and start <= as_of and (latest is None or (start, order) > latest):
            latest = (start, order)
    return COURSES if latest is None else BEGUN_PARTS[latest[1]]


def where_student_is(status: str, graduation_planned: bool, begun: dict[str, date | None], as_of: date) -> str:
    """One of PLACES: by status and plan first, else by the part begun last."""
    return place_by_status(status, graduation_planned) or place_by_parts(begun, as_of)


def holds_a_place(status: str) -> bool:
    """A student holds their specialization's place unless they stopped (at most 20 per cohort)."""
    return status != "stopped"


def counts_as_active(status: str) -> bool:
    """Whose EC, overdue items and planned graduations the dashboard counts: the students still on their way."""
    return status == "active"


def months_ahead(as_of: date, count: int = MONTHS_AHEAD) -> tuple[tuple[int, int], ...]:
    """(year, month) of this month and the `count - 1` after it."""
    first = as_of.year * 12 + as_of.month - 1
    return tuple((n // 12, n % 12 + 1) for n in range(first, first + count))
