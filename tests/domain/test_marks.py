"""Weighted final marks for internships (0.4/0.4/0.2) and the Literature Study (0.1/0.7/0.2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.marks import (
    MarkResult,
    internship_mark,
    literature_mark,
    report_mean,
    weighted_mark,
)

INTERNSHIP = {"practical": 0.4, "report": 0.4, "presentation": 0.2}
LITERATURE = {"outline": 0.1, "report": 0.7, "presentation": 0.2}
PASS_MARK = 5.5  # PM's pass_mark (resources/programmes/pm.toml)

one_decimal_mark = st.integers(min_value=10, max_value=100).map(lambda n: n / 10)


def test_weights_in_the_pm_definition(pm) -> None:
    assert pm.internships.mark == INTERNSHIP
    assert pm.literature_study.mark == LITERATURE


# --- report mean --------------------------------------------------------------------------------


def test_report_mean() -> None:
    assert report_mean(7.0, 8.0) == 7.5
    assert report_mean(6.5, 6.0) == 6.25
    assert report_mean(None, 8.0) is None
    assert report_mean(7.0, None) is None


# --- internship ---------------------------------------------------------------------------------


def test_internship_mark_worked_example() -> None:
    # 0.4 x 8.0 + 0.4 x mean(7.0, 8.0) + 0.2 x 6.5 = 3.2 + 3.0 + 1.3 = 7.5
    result = internship_mark(INTERNSHIP, PASS_MARK, 8.0, 7.0, 8.0, 6.5)
    assert result.report == 7.5
    assert result.final == 7.5
    assert result.missing == ()
    assert result.passed()


def test_internship_mark_keeps_report_unrounded_and_rounds_final() -> None:
    # report = mean(6.0, 6.1) = 6.05 (kept as is); 0.4 x 7.1 + 0.4 x 6.05 + 0.2 x 7.0 = 6.66 -> 6.7
    result = internship_mark(INTERNSHIP, PASS_MARK, 7.1, 6.0, 6.1, 7.0)
    assert result.report == pytest.approx(6.05)
    assert result.final == 6.7


def test_internship_mark_rounding_lifts_to_a_pass() -> None:
    # 0.4 x 5.0 + 0.4 x mean(5.6, 5.7) + 0.2 x 6.0 = 2.0 + 2.26 + 1.2 = 5.46 -> 5.5 (pass)
    result = internship_mark(INTERNSHIP, PASS_MARK, 5.0, 5.6, 5.7, 6.0)
    assert result.final == 5.5
    assert result.passed()


def test_internship_mark_just_below_pass() -> None:
    # 0.4 x 5.0 + 0.4 x mean(5.5, 5.6) + 0.2 x 5.5 = 2.0 + 2.22 + 1.1 = 5.32 -> 5.3 (fail)
    result = internship_mark(INTERNSHIP, PASS_MARK, 5.0, 5.5, 5.6, 5.5)
    assert result.final == 5.3
    assert not result.passed()


def test_internship_mark_extremes() -> None:
    assert internship_mark(INTERNSHIP, PASS_MARK, 10.0, 10.0, 10.0, 10.0).final == 10.0
    assert internship_mark(INTERNSHIP, PASS_MARK, 1.0, 1.0, 1.0, 1.0).final == 1.0


@given(one_decimal_mark, one_decimal_mark, one_decimal_mark, one_decimal_mark)
@settings(max_examples=200, deadline=None)
def test_internship_weighted_sum_is_never_an_exact_half(p: float, s: float, a: float, o: float) -> None:
    # With one-decimal marks 0.4p + 0.4 mean(s, a) + 0.2o is a multiple of 0.02, so the
    # internship mark never needs a half-up decision; the literature mark can (see below).
    exact = (
        Decimal(str(p)) * Decimal("0.4")
        + (Decimal(str(s)) + Decimal(str(a))) / 2 * Decimal("0.4")
        + Decimal(str(o)) * Decimal("0.2")
    )
    assert (exact * 50) % 1 == 0
    expected = float(exact.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))
    assert internship_mark(INTERNSHIP, PASS_MARK, p, s, a, o).final == expected


def test_internship_missing_parts_are_named() -> None:
    result = internship_mark(INTERNSHIP, PASS_MARK, 8.0, None, 7.0, None)
    assert result.final is None
    assert result.report is None
    assert set(result.missing) == {"presentation", "supervisor_report"}
    assert not result.passed()


def test_internship_only_assessor_report_missing() -> None:
    result = internship_mark(INTERNSHIP, PASS_MARK, 8.0, 7.0, None, 6.5)
    assert result.final is None
    assert result.missing == ("assessor_report",)


def test_internship_all_missing() -> None:
    result = internship_mark(INTERNSHIP, PASS_MARK, None, None, None, None)
    assert result.final is None
    assert set(result.missing) == {"practical", "presentation", "supervisor_report", "assessor_report"}


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((10.5, 7.0, 7.0, 7.0), "practical"),
        ((7.0, 10.5, 7.0, 7.0), "supervisor_report"),
        ((7.0, 7.0, 0.5, 7.0), "assessor_report"),
        ((7.0, 7.0, 7.0, 11.0), "presentation"),
        ((7.25, 7.0, 7.0, 7.0), "practical"),
    ],
)
def test_internship_invalid_mark_raises(args: tuple, field: str) -> None:
    with pytest.raises(DomainError) as info:
        internship_mark(INTERNSHIP, PASS_MARK, *args)
    assert info.value.field == field


def test_invalid_mark_raises_even_when_others_missing() -> None:
    with pytest.raises(DomainError) as info:
        internship_mark(INTERNSHIP, PASS_MARK, 10.5, None, None, None)
    assert "between 1.0 and 10.0" in str(info.value)


# --- literature study ---------------------------------------------------------------------------


def test_literature_mark_worked_example() -> None:
    # 0.1 x 8.0 + 0.7 x mean(7.0, 7.0) + 0.2 x 9.0 = 0.8 + 4.9 + 1.8 = 7.5
    result = literature_mark(LITERATURE, PASS_MARK, 8.0, 7.0, 7.0, 9.0)
    assert result.report == 7.0
    assert result.final == 7.5
    assert result.passed()


def test_literature_mark_second_example() -> None:
    # 0.1 x 6.0 + 0.7 x mean(8.0, 9.0) + 0.2 x 7.0 = 0.6 + 5.95 + 1.4 = 7.95 -> 8.0 (half up)
    result = literature_mark(LITERATURE, PASS_MARK, 6.0, 8.0, 9.0, 7.0)
    assert result.report == 8.5
    assert result.final == 8.0


def test_literature_mark_exact_half_rounds_up() -> None:
    # 0.1 x 7.0 + 0.7 x mean(5.0, 6.0) + 0.2 x 6.5 = 0.7 + 3.85 + 1.3 = 5.85 -> 5.9
    # (the builtin round gives 5.8)
    result = literature_mark(LITERATURE, PASS_MARK, 7.0, 5.0, 6.0, 6.5)
    assert result.final == 5.9
    assert round(0.1 * 7.0 + 0.7 * 5.5 + 0.2 * 6.5, 1) == 5.8


def test_literature_mark_half_up_decides_pass() -> None:
    # 0.1 x 5.0 + 0.7 x mean(4.5, 6.5) + 0.2 x 5.5 = 0.5 + 3.85 + 1.1 = 5.45 -> 5.5: a pass
    # (in floating point the sum is 5.4499999..., which naive rounding would make 5.4: a fail)
    result = literature_mark(LITERATURE, PASS_MARK, 5.0, 4.5, 6.5, 5.5)
    assert result.final == 5.5
    assert result.passed()


def test_literature_mark_missing_outline() -> None:
    result = literature_mark(LITERATURE, PASS_MARK, None, 7.0, 7.0, 7.0)
    assert result.final is None
    assert result.missing == ("outline",)
    assert result.report == 7.0


def test_literature_invalid_mark() -> None:
    with pytest.raises(DomainError) as info:
        literature_mark(LITERATURE, PASS_MARK, 10.5, 7.0, 7.0, 7.0)
    assert info.value.field == "outline"


# --- weighted_mark ------------------------------------------------------------------------------


def test_weighted_mark_weight_without_a_part_raises() -> None:
    with pytest.raises(DomainError) as info:
        weighted_mark({"practical": 0.5, "report": 0.3, "poster": 0.2}, PASS_MARK, {"practical": 7.0}, 7.0, 7.0)
    assert "poster" in str(info.value)


def test_mark_result_passed_with_pass_mark() -> None:
    assert MarkResult(6.0, 6.0, (), 6.0).passed()
    assert not MarkResult(6.0, 5.9, (), 6.0).passed()
    assert not MarkResult(None, None, ("practical",), PASS_MARK).passed()


# --- properties ---------------------------------------------------------------------------------


@given(one_decimal_mark, one_decimal_mark, one_decimal_mark, one_decimal_mark)
@settings(max_examples=200, deadline=None)
def test_internship_final_between_min_and_max_of_inputs(p: float, s: float, a: float, o: float) -> None:
    final = internship_mark(INTERNSHIP, PASS_MARK, p, s, a, o).final
    assert final is not None
    assert 1.0 <= final <= 10.0
    assert min(p, s, a, o) - 0.05 <= final <= max(p, s, a, o) + 0.05
    assert round(final, 1) == final


@given(one_decimal_mark, one_decimal_mark, one_decimal_mark, one_decimal_mark)
@settings(max_examples=200, deadline=None)
def test_literature_final_between_min_and_max_of_inputs(o: float, s: float, a: float, pr: float) -> None:
    final = literature_mark(LITERATURE, PASS_MARK, o, s, a, pr).final
    assert final is not None
    assert 1.0 <= final <= 10.0
    assert min(o, s, a, pr) - 0.05 <= final <= max(o, s, a, pr) + 0.05
    exact = (
        Decimal(str(o)) * Decimal("0.1")
        + (Decimal(str(s)) + Decimal(str(a))) / 2 * Decimal("0.7")
        + Decimal(str(pr)) * Decimal("0.2")
    )
    assert final == float(exact.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))
