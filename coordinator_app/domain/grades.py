"""Course results on the Dutch 1.0-10.0 scale, No Show, best attempt and automatic resits.

The pass mark is programme data (`pass_mark` in resources/programmes/*.toml): every verdict
here takes it from the caller's Programme, so there is no pass mark in code.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import Programme

MIN_GRADE = 1.0
MAX_GRADE = 10.0
NO_SHOW = "NS"
_NUMBER = re.compile(r"^[0-9]+([.,][0-9]+)?$")


@dataclass(frozen=True)
class Grade:
    """One exam result: a mark, or a No Show (registered but did not take the exam)."""

    value: float | None
    no_show: bool = False

    def __post_init__(self) -> None:
        if self.no_show != (self.value is None):
            raise ValueError("a Grade is either a value or a No Show")

    def passed(self, pass_mark: float) -> bool:
        return self.value is not None and self.value >= pass_mark

    def __str__(self) -> str:
        return NO_SHOW if self.no_show else format_mark(self.value)


def _half_up(value: float, places: int) -> Decimal:
    # A mean or weighted sum of one-decimal marks carries float dust (7.1499999999999995 for
    # 7.15): drop it, eight places past the one kept, before deciding which way the half goes.
    exact = Decimal(repr(round(value, places + 8)))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_half_up(value: float, places: int = 1) -> float:
    """Round 7.25 to 7.3 (half up, as the Examination Board does), not to 7.2 like round()."""
    return float(_half_up(value, places))


def format_mark(value: float | None) -> str:
    """Every mark as the app shows or exports it: one decimal, rounded half up (7.25 -> "7.3")."""
    if value is None:
        return ""
    shown = _MARK_TEXT.get(value)
    return str(_half_up(value, 1)) if shown is None else shown


def parse_grade(text: str, field: str = "grade") -> Grade:
    """Parse what a coordinator types: "7,5", "7.5", "8", "ns". One decimal at most.

    Raises DomainError with a message that says what is wrong and what is allowed.
    """
    cleaned = (text or "").strip()
    known = _GRADES.get(cleaned)
    return _parse_grade(cleaned, field) if known is None else known


def _parse_grade(cleaned: str, field: str) -> Grade:
    if not cleaned:
        raise DomainError("Enter a grade from 1.0 to 10.0, or NS for a No Show.", field)
    if cleaned.upper() == NO_SHOW:
        return Grade(None, no_show=True)
    if not _NUMBER.match(cleaned):
        raise DomainError(
            f"'{cleaned}' is not a grade. Enter a number from 1.0 to 10.0 (for example 7,5), or NS.", field
        )
    try:
        number = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise DomainError(f"'{cleaned}' is not a grade.", field) from exc
    if number < Decimal("1") or number > Decimal("10"):
        raise DomainError(f"A grade must be between 1.0 and 10.0; {cleaned} is outside that range.", field)
    if number != number.quantize(Decimal("0.1")):
        raise DomainError(f"A grade has at most one decimal; {cleaned} has more.", field)
    return Grade(float(number))


# Every mark there is (1.0 to 10.0, one decimal), shown and parsed once by the rules above: a grade
# is the edit made most often, and the Decimal arithmetic was ~6 us of its Python (issue 12).
_MARKS = [tenths / 10 for tenths in range(10, 101)]
_MARK_TEXT = {mark: str(_half_up(mark, 1)) for mark in _MARKS}
_GRADE_OF = {mark: Grade(mark) for mark in _MARKS}
_NO_SHOW = Grade(None, no_show=True)
_GRADES = {
    text: _parse_grade(text, "grade")
    for mark in _MARKS
    for text in {_MARK_TEXT[mark], _MARK_TEXT[mark].replace(".", ","), _MARK_TEXT[mark].removesuffix(".0")}
}


def validate_mark(value: float | None, field: str) -> float | None:
    """A mark entered as a number (internship, literature study): None or 1.0-10.0, one decimal."""
    if value is None:
        return None
    if not MIN_GRADE <= value <= MAX_GRADE:
        raise DomainError(f"A mark must be between 1.0 and 10.0; {value:g} is outside that range.", field)
    if round(value, 1) != round(value, 6):
        raise DomainError(f"A mark has at most one decimal; {value:g} has more.", field)
    return round(value, 1)


def best_attempt(grades: list[Grade]) -> Grade | None:
    """A course's result is the best attempt; a No Show only when nothing else was taken."""
    marks = [g for g in grades if g.value is not None]
    if marks:
        return max(marks, key=lambda g: g.value or 0.0)
    return grades[0] if grades else None


def best_attempt_passes(attempts: Iterable[tuple[float | None, bool]], pass_mark: float) -> bool:
    """Whether the best of a course's stored attempts, (mark, no show) each, is a pass: what `best_attempt`
    and `Grade.passed` decide, read straight from the stored pairs (a No Show or an open registration
    has no mark). A grade asks it twice, and making the Grades first was most of that (issue 12)."""
    best = max((value for value, no_show in attempts if value is not None and not no_show), default=None)
    return best is not None and best >= pass_mark


def grade_from(no_show: bool, value: float | None) -> Grade | None:
    """A stored result as a Grade; None for a registration (a resit waiting) with no result yet."""
    if no_show:
        return _NO_SHOW
    if value is None:
        return None
    kept = _GRADE_OF.get(value)  # a Grade is frozen: one per mark serves every result
    return Grade(value) if kept is None else kept


def grade_text(no_show: bool, value: float | None) -> str | None:
    """A stored result as the app shows it ("7.5", "NS"); None for a registration without a result."""
    grade = grade_from(no_show, value)
    return None if grade is None else str(grade)


def needs_resit(grade: Grade, pass_mark: float) -> bool:
    """Not passed (below the pass mark, or No Show): registered for the resit automatically."""
    return not grade.passed(pass_mark)


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def exam_date(cohort_year: int, course_month: int, course_year: int = 1) -> date:
    """The exam is on the last day of the course; courses run in the cohort's academic year.

    Months September-December fall in the cohort's start year, January-August in the next.
    """
    calendar_year = cohort_year + (course_year - 1) + (0 if course_month >= 9 else 1)
    return last_day_of_month(calendar_year, course_month)


def resit_date(first_exam: date, resit_month: int | None) -> date:
    """The resit: in `resit_month` after the exam (compulsory courses: January after the
    Christmas holidays), else one month after the exam, at the end of that month."""
    if resit_month is None:
        month = first_exam.month % 12 + 1
        year = first_exam.year + (1 if first_exam.month == 12 else 0)
        return last_day_of_month(year, month)
    year = first_exam.year if resit_month > first_exam.month else first_exam.year + 1
    return last_day_of_month(year, resit_month)


def first_exam_date(programme: Programme, course_code: str, cohort_year: int) -> date | None:
    """The first attempt's exam date as the programme schedules the course (None: not scheduled)."""
    definition = programme.course(course_code)
    if definition is None or definition.month is None:
        return None
    return exam_date(cohort_year, definition.month, definition.year)


def check_exam_date(when: date | None, today: date, typed: bool = True) -> date | None:
    """A result exists only once its exam has been taken: an exam date after today is refused.

    `typed` False: no date was given and `when` is the date the programme schedules (the course's
    exam, or the resit's), which says nothing about when the exam was really taken. Returns `when`."""
    if when is None or when <= today:
        return when
    if typed:
        raise DomainError(
            f"The exam date {when:%d-%m-%Y} is after today ({today:%d-%m-%Y}): a result can be recorded "
            "only once the exam has been taken. Check the date (the year especially).",
            "exam_date",
        )
    raise DomainError(
        f"No exam date was given, and this exam is scheduled for {when:%d-%m-%Y}, after today "
        f"({today:%d-%m-%Y}). Give the date the exam was taken.",
        "exam_date",
    )


def check_attempt_order(attempt: int, when: date | None, others: Iterable[tuple[int, date | None]]) -> None:
    """A resit is taken after the exam it resits: an attempt's exam date falls after every earlier
    attempt's and before every later one's (`others`: the course's other attempts, number and date;
    an unknown date is not compared)."""
    if when is None:
        return
    for number, day in others:
        if day is None or number == attempt:
            continue
        if number < attempt and day >= when:
            raise DomainError(
                f"The exam date {when:%d-%m-%Y} of attempt {attempt} is not after attempt {number}'s "
                f"({day:%d-%m-%Y}): a resit is taken after the exam it resits. Check the date.",
                "exam_date",
            )
        if number > attempt and day <= when:
            raise DomainError(
                f"The exam date {when:%d-%m-%Y} of attempt {attempt} is not before attempt {number}'s "
                f"({day:%d-%m-%Y}): a resit is taken after the exam it resits. Check the date.",
                "exam_date",
            )


@dataclass(frozen=True)
class ResitRegistration:
    attempt: int
    exam_date: date | None  # None when the failed attempt's own date is not known


def resit_registration(
    programme: Programme, course_code: str, grade: Grade, attempt: int, exam_date: date | None, last_attempt: int
) -> ResitRegistration | None:
    """A fail or No Show registers the student for the resit (the next attempt, in the course's
    resit month), unless a later attempt exists already (`last_attempt` > `attempt`)."""
    if not needs_resit(grade, programme.pass_mark) or last_attempt > attempt:
        return None
    definition = programme.course(course_code)
    when = resit_date(exam_date, definition.resit_month if definition else None) if exam_date else None
    return ResitRegistration(attempt + 1, when)
