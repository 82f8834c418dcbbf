"""The deadline schedule: per graduation month, the deadline for submitting all final products.

The programme sets a deadline per graduation month and the coordinator keeps that schedule.
Three sources, the first that has the month wins:
1. the deadline the coordinator entered (kept in the database, changed in the app);
2. the programme's published schedule (`[graduation.deadlines]` in resources/programmes/*.toml);
3. the computed default (graduation.default_deadline: 4 weeks before the graduation date,
   5 in July, November and December).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.graduation import MONTHS, default_deadline, graduation_date, month_name
from coordinator_app.domain.programme import GraduationRules

MONTH_NAMES = tuple(name.casefold() for name in MONTHS)  # as typed: "jan 2025", "January 2025"
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A deadline lies on or before the graduation date and at most this long before it (the
# published ones lie 2-5 weeks before; the attention list relies on this bound to find them).
MAX_DAYS_BEFORE = 62


class DeadlineSource(Enum):
    ENTERED = "entered"
    SCHEDULE = "programme schedule"
    DEFAULT = "computed default"


@dataclass(frozen=True)
class MonthDeadline:
    """One graduation month of a programme's schedule, and where its deadline comes from."""

    year: int
    month: int
    graduation_date: date
    deadline: date
    source: DeadlineSource
    published: date | None  # the programme's schedule, if it lists the month
    default: date  # what the rule computes

    @property
    def fallback(self) -> date:
        """What applies once an entered deadline is cleared."""
        return self.published or self.default


def month_deadline(year: int, month: int, rules: GraduationRules, entered: date | None = None) -> MonthDeadline:
    published = rules.deadlines.get((year, month))
    default = default_deadline(year, month, rules)
    if entered is not None:
        deadline, source = entered, DeadlineSource.ENTERED
    elif published is not None:
        deadline, source = published, DeadlineSource.SCHEDULE
    else:
        deadline, source = default, DeadlineSource.DEFAULT
    return MonthDeadline(year, month, graduation_date(year, month), deadline, source, published, default)


def check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise DomainError(f"A month is 1-12, not {month}.", "month")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(f"A graduation month lies between {FIRST_YEAR} and {LAST_YEAR}, not in {year}.", "month")


def deadline_problem(year: int, month: int, deadline: date) -> str | None:
    """Why `deadline` cannot be the deadline for graduating in (year, month); None if it can."""
    last = graduation_date(year, month)
    first = last - timedelta(days=MAX_DAYS_BEFORE)
    if first <= deadline <= last:
        return None
    return (
        f"the deadline for graduating in {month_name(year, month)} lies between {first:%d-%m-%Y} and the "
        f"graduation date {last:%d-%m-%Y}, not on {deadline:%d-%m-%Y}"
    )


def check_deadline(year: int, month: int, deadline: date) -> None:
    check_month(year, month)
    problem = deadline_problem(year, month, deadline)
    if problem:
        raise DomainError(problem[0].upper() + problem[1:] + ".", "deadline")


_NUMERIC = (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), re.compile(r"^(\d{1,2})[-/.](\d{4})$"))


def parse_month(text: str) -> tuple[int, int]:
    """A graduation month as typed: 2025-01, 01-2025, 1/2025, January 2025 or jan 2025."""
    cleaned = " ".join(str(text or "").split()).casefold()
    year = month = None
    first = _NUMERIC[0].match(cleaned)
    second = _NUMERIC[1].match(cleaned)
    if first:
        year, month = int(first[1]), int(first[2])
    elif second:
        month, year = int(second[1]), int(second[2])
    else:
        words = cleaned.replace(",", " ").split()
        if len(words) == 2 and words[1].isdigit() and len(words[1]) == 4 and len(words[0]) >= 3:
            found = [n for n, name in enumerate(MONTH_NAMES, start=1) if name.startswith(words[0])]
            if len(found) == 1:
                month, year = found[0], int(words[1])
    if year is None or month is None:
        raise DomainError(f"'{str(text).strip()}' is not a month; write it like 2025-01 or January 2025.", "month")
    check_month(year, month)
    return year, month


def academic_year_months(start_year: int) -> list[tuple[int, int]]:
    """September of `start_year` to August of the next: the months one schedule covers."""
    return [(start_year, m) for m in range(9, 13)] + [(start_year + 1, m) for m in range(1, 9)]


def academic_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1
