"""How the dashboard sums a cohort up (domain/cohort.py): EC bands, where a student is, the months ahead."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordinator_app.domain.cohort import (
    LITERATURE,
    MAJOR,
    MINOR,
    ec_band_label,
    ec_band_of,
    ec_bands,
    holds_a_place,
    months_ahead,
    where_student_is,
)

TODAY = date(2025, 11, 24)


def test_ec_bands_of_fifteen_and_the_whole_degree() -> None:
    bands = ec_bands(120)
    assert [ec_band_label(b) for b in bands] == [
        "0-14",
        "15-29",
        "30-44",
        "45-59",
        "60-74",
        "75-89",
        "90-104",
        "105-119",
        "120",
    ]


@given(st.integers(min_value=0, max_value=200))
def test_every_ec_falls_in_exactly_one_band(ec: int) -> None:
    bands = ec_bands(120)
    index = ec_band_of(ec, bands)
    low, high = bands[index]
    assert low <= min(ec, 120) <= high
    assert sum(1 for lo, hi in bands if lo <= ec <= hi) == (1 if ec <= 120 else 0)


@pytest.mark.parametrize(
    "status, planned, begun, place",
    [
        ("stopped", True, {MINOR: date(2025, 3, 3)}, "stopped"),
        ("graduated", False, {}, "graduated"),
        ("active", True, {MAJOR: date(2025, 9, 1)}, "graduating"),
        ("active", False, {}, "courses"),
        ("active", False, {MINOR: date(2025, 12, 1)}, "courses"),  # not begun yet on 24 November
        ("active", False, {MINOR: date(2025, 3, 3), MAJOR: date(2025, 9, 1)}, MAJOR),
        ("active", False, {MINOR: date(2025, 3, 3), MAJOR: date(2026, 2, 1)}, MINOR),
        ("active", False, {MAJOR: date(2025, 9, 1), LITERATURE: date(2025, 9, 1)}, LITERATURE),  # a tie: the later part
        ("active", False, {MINOR: None, LITERATURE: date(2025, 11, 24)}, LITERATURE),  # begins today
    ],
)
def test_where_a_student_is(status: str, planned: bool, begun: dict[str, date | None], place: str) -> None:
    assert where_student_is(status, planned, begun, TODAY) == place


def test_a_student_who_stopped_holds_no_specialization_place() -> None:
    assert holds_a_place("active") and holds_a_place("graduated") and not holds_a_place("stopped")


def test_twelve_months_ahead_cross_the_year() -> None:
    ahead = months_ahead(TODAY)
    assert ahead[0] == (2025, 11) and ahead[2] == (2026, 1) and ahead[-1] == (2026, 10) and len(ahead) == 12
