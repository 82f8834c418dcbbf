"""Course results: parsing what a coordinator types, pass mark, best attempt, resits, exam dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.grades import (
    Grade,
    best_attempt,
    check_exam_date,
    exam_date,
    format_mark,
    last_day_of_month,
    needs_resit,
    parse_grade,
    resit_date,
    round_half_up,
    validate_mark,
)

# --- parse_grade: accepted input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7,5", 7.5),
        ("7.5", 7.5),
        (" 8 ", 8.0),
        ("10", 10.0),
        ("10,0", 10.0),
        ("1,0", 1.0),
        ("1", 1.0),
        ("5.4", 5.4),
        ("5,5", 5.5),
    ],
)
def test_parse_grade_accepts_comma_point_and_whole_numbers(text: str, value: float) -> None:
    grade = parse_grade(text)
    assert grade.value == value
    assert grade.no_show is False


@pytest.mark.parametrize("text", ["ns", "NS", "Ns", " ns "])
def test_parse_grade_accepts_no_show_in_any_case(text: str) -> None:
    grade = parse_grade(text)
    assert grade.no_show is True
    assert grade.value is None
    assert str(grade) == "NS"


# --- parse_grade: rejected input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "from 1.0 to 10.0"),
        ("   ", "from 1.0 to 10.0"),
        ("abc", "not a grade"),
        ("7.75.1", "not a grade"),
        ("7,5,1", "not a grade"),
        ("-3", "not a grade"),
        ("7,", "not a grade"),
        (",5", "not a grade"),
        ("7.75", "at most one decimal"),
        ("5,45", "at most one decimal"),
        ("11", "between 1.0 and 10.0"),
        ("0.5", "between 1.0 and 10.0"),
        ("0", "between 1.0 and 10.0"),
        ("10.1", "between 1.0 and 10.0"),
        ("10,05", "between 1.0 and 10.0"),
    ],
)
def test_parse_grade_rejects_with_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_grade(text)
    assert words in str(info.value)
    assert info.value.field == "grade"


def test_parse_grade_rejection_message_for_garbage_says_what_is_allowed() -> None:
    with pytest.raises(DomainError) as info:
        parse_grade("abc")
    message = str(info.value)
    assert "'abc'" in message
    assert "1.0 to 10.0" in message
    assert "NS" in message


def test_parse_grade_out_of_range_message_repeats_the_input() -> None:
    with pytest.raises(DomainError) as info:
        parse_grade("11")
    assert "11 is outside that range" in str(info.value)


def test_parse_grade_uses_the_given_field_name() -> None:
    with pytest.raises(DomainError) as info:
        parse_grade("abc", field="resit_grade")
    assert info.value.field == "resit_grade"


def test_domain_error_is_a_value_error_with_message() -> None:
    err = DomainError("something wrong", "grade")
    assert isinstance(err, ValueError)
    assert err.message == "something wrong"
    assert str(err) == "something wrong"


# --- Grade --------------------------------------------------------------------------------------

PASS_MARK = 5.5  # both programmes' pass_mark (resources/programmes/*.toml; test_pass_mark_is_data)


def test_pass_mark_is_data(programmes) -> None:
    assert {p.pass_mark for p in programmes.values()} == {PASS_MARK}


def test_passed_at_the_pass_mark() -> None:
    assert not parse_grade("5,4").passed(PASS_MARK)
    assert parse_grade("5,5").passed(PASS_MARK)
    assert parse_grade("10").passed(PASS_MARK)
    assert not parse_grade("1").passed(PASS_MARK)
    assert not parse_grade("NS").passed(PASS_MARK)


def test_grade_passed_with_other_pass_mark() -> None:
    assert Grade(6.0).passed(6.0)
    assert not Grade(5.9).passed(6.0)


def test_grade_is_either_value_or_no_show() -> None:
    with pytest.raises(ValueError):
        Grade(7.0, no_show=True)
    with pytest.raises(ValueError):
        Grade(None)


def test_grade_str_shows_one_decimal() -> None:
    assert str(Grade(8.0)) == "8.0"
    assert str(Grade(7.5)) == "7.5"
    assert format_mark(None) == ""
    assert format_mark(6.0) == "6.0"


# --- best attempt and resits --------------------------------------------------------------------


def test_best_attempt_picks_highest_mark() -> None:
    attempts = [Grade(4.0), Grade(6.5), Grade(5.9)]
    assert best_attempt(attempts) == Grade(6.5)


def test_best_attempt_ignores_no_show_when_a_mark_exists() -> None:
    assert best_attempt([Grade(None, no_show=True), Grade(3.0)]) == Grade(3.0)
    assert best_attempt([Grade(5.0), Grade(None, no_show=True)]) == Grade(5.0)


def test_best_attempt_no_show_only_when_nothing_else() -> None:
    best = best_attempt([Grade(None, no_show=True), Grade(None, no_show=True)])
    assert best is not None and best.no_show


def test_best_attempt_of_nothing_is_none() -> None:
    assert best_attempt([]) is None


def test_best_attempt_failed_then_passed_resit() -> None:
    best = best_attempt([parse_grade("4,8"), parse_grade("6,1")])
    assert best is not None and best.value == 6.1 and best.passed(PASS_MARK)


def test_needs_resit() -> None:
    assert needs_resit(parse_grade("5,4"), PASS_MARK)
    assert needs_resit(parse_grade("NS"), PASS_MARK)
    assert needs_resit(parse_grade("1"), PASS_MARK)
    assert not needs_resit(parse_grade("5,5"), PASS_MARK)
    assert not needs_resit(parse_grade("9"), PASS_MARK)


# --- exam and resit dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cohort", "month", "year", "expected"),
    [
        (2024, 9, 1, date(2024, 9, 30)),
        (2024, 10, 1, date(2024, 10, 31)),
        (2024, 11, 1, date(2024, 11, 30)),
        (2024, 12, 1, date(2024, 12, 31)),
        (2024, 1, 1, date(2025, 1, 31)),
        (2024, 2, 1, date(2025, 2, 28)),
        (2024, 8, 1, date(2025, 8, 31)),
        (2024, 2, 2, date(2026, 2, 28)),
        (2024, 12, 2, date(2025, 12, 31)),
        (2027, 2, 1, date(2028, 2, 29)),  # leap year
    ],
)
def test_exam_date_is_last_day_of_course_month(cohort: int, month: int, year: int, expected: date) -> None:
    assert exam_date(cohort, month, year) == expected


def test_exam_date_default_is_year_one() -> None:
    assert exam_date(2024, 1) == date(2025, 1, 31)


@pytest.mark.parametrize(
    ("exam", "resit_month", "expected"),
    [
        (date(2024, 10, 31), 1, date(2025, 1, 31)),
        (date(2024, 9, 30), 1, date(2025, 1, 31)),
        (date(2024, 12, 31), 1, date(2025, 1, 31)),
        (date(2025, 1, 31), None, date(2025, 2, 28)),
        (date(2024, 12, 31), None, date(2025, 1, 31)),
        (date(2024, 1, 31), None, date(2024, 2, 29)),
        (date(2025, 1, 31), 3, date(2025, 3, 31)),
        (date(2025, 1, 31), 1, date(2026, 1, 31)),  # same month: the next year's
    ],
)
def test_resit_date(exam: date, resit_month: int | None, expected: date) -> None:
    assert resit_date(exam, resit_month) == expected


def test_last_day_of_month() -> None:
    assert last_day_of_month(2024, 2) == date(2024, 2, 29)
    assert last_day_of_month(2025, 2) == date(2025, 2, 28)
    assert last_day_of_month(2025, 4) == date(2025, 4, 30)
    assert last_day_of_month(2025, 12) == date(2025, 12, 31)


# --- rounding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7.25, 7.3),
        (7.35, 7.4),
        (6.45, 6.5),
        (5.45, 5.5),
        (5.44, 5.4),
        (7.0, 7.0),
        (9.95, 10.0),
    ],
)
def test_round_half_up(value: float, expected: float) -> None:
    assert round_half_up(value) == expected


def test_round_half_up_differs_from_builtin_round() -> None:
    # the builtin rounds 7.25 to 7.2 (half to even); the Examination Board rounds every half up.
    assert round(7.25, 1) == 7.2
    assert round_half_up(7.25) == 7.3
    # a sum that should be 5.45 but is 5.449999... in floating point
    total = 0.1 * 5.0 + 0.7 * 5.5 + 0.2 * 5.5
    assert round(total, 1) == 5.4
    assert round_half_up(round(total, 9)) == 5.5


def test_round_half_up_other_places() -> None:
    assert round_half_up(7.245, 2) == 7.25
    assert round_half_up(7.5, 0) == 8.0


# --- validate_mark ------------------------------------------------------------------------------


def test_validate_mark_accepts_none_and_one_decimal() -> None:
    assert validate_mark(None, "practical") is None
    assert validate_mark(7.5, "practical") == 7.5
    assert validate_mark(1.0, "practical") == 1.0
    assert validate_mark(10.0, "practical") == 10.0


@pytest.mark.parametrize(
    ("value", "words"), [(10.5, "between 1.0 and 10.0"), (0.9, "between 1.0 and 10.0"), (7.25, "at most one decimal")]
)
def test_validate_mark_rejects(value: float, words: str) -> None:
    with pytest.raises(DomainError) as info:
        validate_mark(value, "presentation")
    assert words in str(info.value)
    assert info.value.field == "presentation"


# --- every mark shown or exported: one decimal, half up (issue 16 item 3) -------------------------


def test_a_report_mean_of_7_and_7_5_is_shown_7_3() -> None:
    from coordinator_app.domain.marks import report_mean

    assert report_mean(7.0, 7.5) == 7.25
    assert format_mark(report_mean(7.0, 7.5)) == "7.3"  # f"{7.25:.1f}" gives "7.2"
    assert format_mark(7.15) == "7.2" and format_mark(6.05) == "6.1" and format_mark(9.95) == "10.0"


def test_float_dust_does_not_turn_a_half_down() -> None:
    # 0.1 + 0.2 style dust: the float just below x.x5 still means x.x5 to the Examination Board.
    assert round_half_up(7.1499999999999995) == 7.2
    assert format_mark(7.1499999999999995) == "7.2"
    assert format_mark(5.449999999999999) == "5.5"


@given(st.integers(10, 100), st.integers(10, 100))
def test_a_report_mean_is_shown_as_its_exact_decimal_rounded_half_up(a: int, b: int) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    from coordinator_app.domain.marks import report_mean

    exact = ((Decimal(a) + Decimal(b)) / 20).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert format_mark(report_mean(a / 10, b / 10)) == str(exact)


def test_no_mark_is_formatted_outside_the_domain() -> None:
    """`f"{x:.1f}"` rounds 7.25 to 7.2; marks go through `format_mark`. What may still use
    `:.1f` is not a mark: a file size in MB or seconds taken."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "coordinator_app"
    offenders = []
    for path in root.rglob("*.py"):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            for expression in re.findall(r"\{([^{}]*?):[^{}]*\.1f\}", line):
                if "took" not in expression and "1_000_000" not in expression:
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


# --- check_exam_date: a result exists only once its exam was taken --------------------------------


def test_an_exam_date_up_to_today_is_accepted() -> None:
    today = date(2026, 12, 2)
    assert check_exam_date(today, today) == today
    assert check_exam_date(date(2026, 6, 15), today) == date(2026, 6, 15)
    assert check_exam_date(None, today) is None  # no date known: nothing to check


def test_an_exam_date_after_today_is_refused_naming_both_dates() -> None:
    with pytest.raises(DomainError) as refused:
        check_exam_date(date(2027, 6, 15), date(2026, 12, 2))
    assert refused.value.field == "exam_date"
    assert "15-06-2027 is after today (02-12-2026)" in refused.value.message
    assert "the year" in refused.value.message


def test_a_scheduled_exam_after_today_asks_for_the_date_it_was_taken() -> None:
    with pytest.raises(DomainError) as refused:
        check_exam_date(date(2026, 12, 31), date(2026, 12, 2), typed=False)
    assert refused.value.field == "exam_date"
    assert "No exam date was given" in refused.value.message
    assert "scheduled for 31-12-2026" in refused.value.message
    assert "Give the date the exam was taken" in refused.value.message


def _parsed(text: str) -> Grade | str:
    try:
        return parse_grade(text)
    except DomainError as exc:
        return str(exc)


@given(st.integers(0, 1100), st.sampled_from([".", ","]), st.sampled_from(["", " ", "0", "00"]))
def test_a_grade_typed_is_read_the_same_whether_or_not_it_is_one_of_the_marks_kept_read(
    tenths: int, point: str, padding: str
) -> None:
    # grades.py keeps every mark's usual texts parsed once; the rules themselves read any other text.
    from coordinator_app.domain.grades import _parse_grade

    for text in (f"{tenths // 10}{point}{tenths % 10}", f"{padding}{tenths // 10}", f"{tenths / 10:.1f}{padding}"):
        try:
            slow: Grade | str = _parse_grade(text.strip(), "grade")
        except DomainError as exc:
            slow = str(exc)
        assert _parsed(f" {text} ") == slow


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
    | st.integers(0, 110).map(lambda tenths: tenths / 10)
    | st.integers(0, 10)
)
def test_a_mark_is_shown_the_same_whether_or_not_it_is_one_of_the_marks_kept_shown(value: float) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    exact = Decimal(repr(round(value, 9))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert format_mark(value) == str(exact)


def test_every_mark_is_shown_and_read_back_as_itself() -> None:
    for tenths in range(10, 101):
        mark = tenths / 10
        assert parse_grade(format_mark(mark)) == Grade(mark)
        assert parse_grade(format_mark(mark).replace(".", ",")) == Grade(mark)


_ATTEMPT = st.tuples(st.none() | st.integers(10, 100).map(lambda tenths: tenths / 10), st.booleans())


@given(st.lists(_ATTEMPT, max_size=5), st.sampled_from([5.5, 6.0]))
def test_whether_the_best_attempt_passes_is_read_from_the_stored_pairs_as_from_the_grades(
    attempts: list[tuple[float | None, bool]], pass_mark: float
) -> None:
    from coordinator_app.domain.grades import best_attempt_passes, grade_from

    grades = [g for g in (grade_from(no_show, value) for value, no_show in attempts) if g is not None]
    best = best_attempt(grades)
    assert best_attempt_passes(attempts, pass_mark) == (best is not None and best.passed(pass_mark))


def test_a_no_show_with_a_mark_stored_is_no_pass_and_a_resit_after_a_fail_is() -> None:
    from coordinator_app.domain.grades import best_attempt_passes

    assert not best_attempt_passes([(8.0, True)], 5.5)
    assert not best_attempt_passes([(4.0, False), (None, False)], 5.5)  # the resit registered, not taken
    assert best_attempt_passes([(4.0, False), (6.5, False)], 5.5)
    assert best_attempt_passes([(5.5, False)], 5.5)  # at the pass mark


def test_an_attempt_is_dated_between_the_attempts_before_and_after_it() -> None:
    from coordinator_app.domain.grades import check_attempt_order

    others = [(1, date(2025, 10, 31)), (2, None), (3, date(2026, 6, 30))]
    check_attempt_order(2, date(2026, 1, 31), others)  # between 1 and 3; 2's own stored date not compared
    check_attempt_order(2, None, others)  # no date: nothing to compare
    check_attempt_order(4, date(2026, 7, 31), [(1, None), (2, None)])  # the others' dates unknown
    with pytest.raises(DomainError, match="not after attempt 1's") as refused:
        check_attempt_order(2, date(2025, 10, 31), others)
    assert refused.value.field == "exam_date"
    with pytest.raises(DomainError, match="not before attempt 3's"):
        check_attempt_order(2, date(2026, 6, 30), others)
