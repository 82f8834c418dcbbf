"""Internship length, planned end, halfway point, portfolio due dates and the approval checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.internships import (
    RANKS,
    InternshipFacts,
    Period,
    approval_valid,
    approval_warnings,
    due_date,
    full_time_weeks,
    interruption_days,
    minor_eligible,
    portfolio_due_dates,
    rank_at_least,
    schedule,
    umc_rule_violated,
    validate_part_time,
    validate_rank,
    validate_travel_code,
    working_days_length,
)
from coordinator_app.domain.programme import PortfolioRule

START = date(2025, 2, 3)  # a Monday


# --- length -------------------------------------------------------------------------------------


def test_full_time_weeks() -> None:
    assert full_time_weeks(24, 1.5) == 16
    assert full_time_weeks(36, 1.5) == 24
    assert full_time_weeks(9, 1.5) == 6


@pytest.mark.parametrize("ec", [0, -6])
def test_full_time_weeks_needs_positive_ec(ec: int) -> None:
    with pytest.raises(DomainError) as info:
        full_time_weeks(ec, 1.5)
    assert info.value.field == "ec"


def test_pm_ec_per_week_gives_16_and_24_weeks(pm) -> None:
    rules = pm.internships
    assert rules.ec_per_full_time_week == 1.5
    assert full_time_weeks(rules.kinds["minor"].ec, rules.ec_per_full_time_week) == 16
    assert full_time_weeks(rules.kinds["major"].ec, rules.ec_per_full_time_week) == 24


def test_working_days_length() -> None:
    assert working_days_length(24, 1.5) == 112
    assert working_days_length(36, 1.5) == 168
    assert working_days_length(24, 1.5, 80) == 140  # 16 / 0.8 = 20 weeks
    assert working_days_length(24, 1.5, 50) == 224  # 32 weeks
    assert working_days_length(24, 1.5, 70) == 160  # 112 / 0.7 exactly
    assert working_days_length(24, 1.5, 90) == 125  # 124.4 days, rounded up to a whole day


# --- schedule -----------------------------------------------------------------------------------


def test_minor_full_time_schedule() -> None:
    plan = schedule(START, 24, 1.5)
    assert plan.start == START
    assert plan.planned_end == date(2025, 5, 25)
    assert plan.planned_end == START + timedelta(days=7 * 16 - 1)
    assert plan.halfway == START + timedelta(days=56) == date(2025, 3, 31)
    assert plan.length_days == 112
    assert plan.weeks == 16


def test_major_full_time_schedule() -> None:
    plan = schedule(START, 36, 1.5)
    assert plan.planned_end == date(2025, 7, 20)
    assert plan.halfway == date(2025, 4, 28)
    assert plan.length_days == 168
    assert plan.weeks == 24


def test_part_time_lengthens() -> None:
    plan = schedule(START, 24, 1.5, 80)
    assert plan.weeks == 20
    assert plan.length_days == 140
    assert plan.planned_end == START + timedelta(days=139) == date(2025, 6, 22)
    assert plan.halfway == START + timedelta(days=70) == date(2025, 4, 14)


def test_halfway_rounds_down() -> None:
    plan = schedule(START, 24, 1.5, 90)  # 125 days
    assert plan.length_days == 125
    assert plan.halfway == START + timedelta(days=62)
    assert plan.planned_end == START + timedelta(days=124)


def test_one_interruption_adds_its_days() -> None:
    easter = Period(date(2025, 4, 14), date(2025, 4, 18))  # 5 days
    assert easter.days == 5
    plan = schedule(START, 24, 1.5, interruptions=[easter])
    assert plan.length_days == 117
    assert plan.planned_end == date(2025, 5, 30)
    assert plan.halfway == START + timedelta(days=58)


def test_interruption_of_one_day() -> None:
    day = Period(date(2025, 3, 3), date(2025, 3, 3))
    assert day.days == 1
    assert schedule(START, 24, 1.5, interruptions=[day]).planned_end == date(2025, 5, 26)


def test_interruption_on_start_day_allowed() -> None:
    assert interruption_days([Period(START, START + timedelta(days=2))], START) == 3


def test_disjoint_interruptions_add_up() -> None:
    periods = [Period(date(2025, 4, 14), date(2025, 4, 18)), Period(date(2025, 3, 1), date(2025, 3, 2))]
    assert interruption_days(periods, START) == 7


def test_overlapping_interruptions_counted_once() -> None:
    periods = [Period(date(2025, 4, 14), date(2025, 4, 18)), Period(date(2025, 4, 16), date(2025, 4, 22))]
    assert interruption_days(periods, START) == 9  # 14..22 April
    plan = schedule(START, 24, 1.5, interruptions=periods)
    assert plan.planned_end == date(2025, 5, 25) + timedelta(days=9)


def test_nested_and_identical_interruptions_counted_once() -> None:
    outer = Period(date(2025, 4, 14), date(2025, 4, 25))  # 12 days
    inner = Period(date(2025, 4, 16), date(2025, 4, 18))
    later = Period(date(2025, 4, 20), date(2025, 4, 28))  # adds 26..28 April
    assert interruption_days([outer, inner], START) == 12
    assert interruption_days([outer, outer], START) == 12
    assert interruption_days([inner, later, outer], START) == 15


def test_no_interruptions() -> None:
    assert interruption_days([], START) == 0
    assert schedule(START, 24, 1.5, interruptions=None) == schedule(START, 24, 1.5, interruptions=[])


def test_interruption_before_start_raises() -> None:
    with pytest.raises(DomainError) as info:
        interruption_days([Period(date(2025, 2, 1), date(2025, 2, 10))], START)
    assert info.value.field == "interruption"
    assert "before the internship starts" in str(info.value)
    with pytest.raises(DomainError):
        schedule(START, 24, 1.5, interruptions=[Period(date(2025, 2, 2), date(2025, 2, 2))])


def test_period_end_before_start_raises() -> None:
    with pytest.raises(DomainError) as info:
        Period(date(2025, 4, 18), date(2025, 4, 14))
    assert info.value.field == "interruption"
    assert "18-04-2025" in str(info.value) and "14-04-2025" in str(info.value)


def test_validate_part_time() -> None:
    assert validate_part_time(10) == 10
    assert validate_part_time(100) == 100
    assert validate_part_time(80) == 80
    for bad in (5, 9, 0, 101, 150):
        with pytest.raises(DomainError) as info:
            validate_part_time(bad)
        assert info.value.field == "part_time"
        assert f"{bad}%" in str(info.value)


def test_schedule_rejects_bad_part_time() -> None:
    with pytest.raises(DomainError):
        schedule(START, 24, 1.5, 5)


# --- portfolio due dates ------------------------------------------------------------------------


def test_pm_portfolio_due_dates(pm) -> None:
    plan = schedule(START, 24, 1.5)
    due = portfolio_due_dates(pm.internships.portfolio, plan)
    assert due == {
        "list_of_agreements": date(2025, 2, 17),  # start + 14
        "research_proposal": date(2025, 3, 17),  # start + 42
        "interim_assessment": date(2025, 3, 31),  # halfway
        "halfway_presentation": date(2025, 3, 31),  # halfway
        "final_assessment": date(2025, 5, 25),  # end
        "written_report": date(2025, 5, 25),  # end
        "second_assessor_assessment": date(2025, 6, 8),  # end + 14
        "evaluation_form": date(2025, 5, 25),  # end
    }


def test_portfolio_due_dates_move_with_interruptions(pm) -> None:
    plan = schedule(START, 36, 1.5, 100, [Period(date(2025, 3, 24), date(2025, 3, 30))])  # 7 days
    due = portfolio_due_dates(pm.internships.portfolio, plan)
    assert due["list_of_agreements"] == date(2025, 2, 17)  # start-based: unchanged
    assert due["final_assessment"] == date(2025, 7, 27)
    assert due["second_assessor_assessment"] == date(2025, 8, 10)
    assert due["interim_assessment"] == START + timedelta(days=175 // 2)


def test_due_date_rules() -> None:
    plan = schedule(START, 24, 1.5)
    assert due_date("start", plan) == START
    assert due_date("start+14", plan) == date(2025, 2, 17)
    assert due_date("end", plan) == date(2025, 5, 25)
    assert due_date("end-7", plan) == date(2025, 5, 18)
    assert due_date("halfway", plan) == date(2025, 3, 31)
    assert due_date(PortfolioRule("x", "X", "end+14"), plan) == date(2025, 6, 8)
    with pytest.raises(ValueError):
        due_date("after_report", plan)


# --- ranks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "ok"),
    [
        ("UD", True),
        ("UHD", True),
        ("HL", True),
        ("postdoc", False),
        ("phd", False),
        (None, False),
        ("professor", False),
    ],
)
def test_rank_at_least_ud(rank: str | None, ok: bool) -> None:
    assert rank_at_least(rank, "UD") is ok


def test_rank_at_least_other_minimum() -> None:
    assert rank_at_least("HL", "UHD")
    assert not rank_at_least("UD", "UHD")
    assert rank_at_least("postdoc", "postdoc")


def test_validate_rank() -> None:
    assert validate_rank("UHD", "assessor_rank") == "UHD"
    assert validate_rank("", "assessor_rank") is None
    assert validate_rank(None, "assessor_rank") is None
    with pytest.raises(DomainError) as info:
        validate_rank("prof", "assessor_rank")
    assert info.value.field == "assessor_rank"
    assert "Assistant professor (UD)" in str(info.value)


# --- travel codes -------------------------------------------------------------------------------


def test_validate_travel_code() -> None:
    assert validate_travel_code("Orange") == "orange"
    assert validate_travel_code(" RED ") == "red"
    assert validate_travel_code("green") == "green"
    assert validate_travel_code("") is None
    assert validate_travel_code(None) is None
    with pytest.raises(DomainError) as info:
        validate_travel_code("purple")
    assert info.value.field == "travel_code"
    assert "purple" in str(info.value)


# --- approval checks ----------------------------------------------------------------------------


def facts(
    kind: str = "major",
    country: str | None = "Netherlands",
    travel_code: str | None = None,
    is_umc: bool = True,
    approval_status: str = "approved",
    assessor_rank: str | None = "UD",
) -> InternshipFacts:
    return InternshipFacts(kind, country, travel_code, is_umc, approval_status, assessor_rank, START)


def warnings_for(pm, f: InternshipFacts, compulsory_passed: int = 4) -> list[str]:
    rules = pm.internships
    return approval_warnings(
        f,
        rules.kinds[f.kind],
        rules.invalid_travel_codes,
        rules.consult_travel_codes,
        rules.assessor_min_rank,
        compulsory_passed,
    )


def test_no_warnings_for_a_clean_internship(pm) -> None:
    assert warnings_for(pm, facts("minor")) == []
    assert warnings_for(pm, facts("major", country="Germany", travel_code="green")) == []


def test_minor_abroad_warns(pm) -> None:
    w = warnings_for(pm, facts("minor", country="Germany"))
    assert len(w) == 1
    assert "Netherlands" in w[0] and "Germany" in w[0]


@pytest.mark.parametrize("country", ["Netherlands", "nederland", "NL", " netherlands ", None, ""])
def test_minor_in_the_netherlands_does_not_warn(pm, country: str | None) -> None:
    assert warnings_for(pm, facts("minor", country=country)) == []


def test_major_abroad_is_fine(pm) -> None:
    assert warnings_for(pm, facts("major", country="Sweden")) == []


@pytest.mark.parametrize("code", ["orange", "red"])
def test_orange_or_red_makes_approval_not_valid(pm, code: str) -> None:
    w = warnings_for(pm, facts("major", country="Sudan", travel_code=code))
    assert len(w) == 1
    assert "not valid" in w[0] and code in w[0] and "Sudan" in w[0]


def test_yellow_needs_consultation(pm) -> None:
    w = warnings_for(pm, facts("major", country="India", travel_code="yellow"))
    assert len(w) == 1
    assert "consult" in w[0]
    assert "not valid" not in w[0]


def test_green_no_warning(pm) -> None:
    assert warnings_for(pm, facts("major", country="Norway", travel_code="green")) == []


@pytest.mark.parametrize("rank", ["postdoc", "phd"])
def test_assessor_below_ud_warns(pm, rank: str) -> None:
    w = warnings_for(pm, facts("major", assessor_rank=rank))
    assert len(w) == 1
    assert RANKS[rank] in w[0] and "Assistant professor (UD)" in w[0]


def test_assessor_not_yet_known_does_not_warn(pm) -> None:
    assert warnings_for(pm, facts("major", assessor_rank=None)) == []


def test_minor_with_3_compulsory_passed_not_eligible(pm) -> None:
    w = warnings_for(pm, facts("minor"), compulsory_passed=3)
    assert len(w) == 1
    assert w[0].startswith("Not eligible")
    assert "3 of the 4" in w[0]


def test_minor_with_4_compulsory_passed_eligible(pm) -> None:
    assert not any("Not eligible" in w for w in warnings_for(pm, facts("minor"), compulsory_passed=4))


def test_major_needs_no_compulsory_courses(pm) -> None:
    assert warnings_for(pm, facts("major"), compulsory_passed=0) == []


def test_minor_eligible(pm) -> None:
    minor = pm.internships.kinds["minor"]
    assert minor.min_compulsory_courses_passed == 4
    assert not minor_eligible(3, minor)
    assert minor_eligible(4, minor)


def test_all_warnings_together(pm) -> None:
    w = warnings_for(pm, facts("minor", country="Belgium", travel_code="red", assessor_rank="phd"), compulsory_passed=2)
    assert len(w) == 4


def test_approval_valid(pm) -> None:
    invalid = pm.internships.invalid_travel_codes
    assert invalid == ("orange", "red")
    assert approval_valid(facts(approval_status="approved"), invalid)
    assert approval_valid(facts(approval_status="approved", travel_code="yellow"), invalid)
    assert not approval_valid(facts(approval_status="approved", travel_code="red"), invalid)
    assert not approval_valid(facts(approval_status="approved", travel_code="orange"), invalid)
    assert not approval_valid(facts(approval_status="requested"), invalid)
    assert not approval_valid(facts(approval_status="rejected"), invalid)
    assert not approval_valid(facts(approval_status="not requested"), invalid)


def test_umc_rule() -> None:
    minor_umc = facts("minor", is_umc=True)
    minor_other = facts("minor", is_umc=False)
    major_umc = facts("major", is_umc=True)
    major_other = facts("major", is_umc=False)
    assert umc_rule_violated([minor_other, major_other])
    assert not umc_rule_violated([minor_umc, major_other])
    assert not umc_rule_violated([minor_other, major_umc])
    assert not umc_rule_violated([minor_umc, major_umc])
    # only one planned: not decidable yet
    assert not umc_rule_violated([minor_other])
    assert not umc_rule_violated([major_other])
    assert not umc_rule_violated([])


# --- properties ---------------------------------------------------------------------------------

starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@st.composite
def plans(draw):
    start = draw(starts)
    ec = draw(st.integers(min_value=1, max_value=60))
    part_time = draw(st.integers(min_value=10, max_value=100))
    periods = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        offset = draw(st.integers(min_value=0, max_value=400))
        length = draw(st.integers(min_value=0, max_value=60))
        begin = start + timedelta(days=offset)
        periods.append(Period(begin, begin + timedelta(days=length)))
    return start, ec, part_time, periods


@given(plans())
@settings(max_examples=200, deadline=None)
def test_schedule_properties(case) -> None:
    start, ec, part_time, periods = case
    plan = schedule(start, ec, 1.5, part_time, periods)
    assert plan.planned_end >= start
    assert start <= plan.halfway <= plan.planned_end
    assert plan.length_days == (plan.planned_end - start).days + 1
    # work days plus the union of the interruption days
    covered = set()
    for p in periods:
        covered.update(p.start + timedelta(days=i) for i in range(p.days))
    assert plan.length_days == working_days_length(ec, 1.5, part_time) + len(covered)
    assert plan.halfway == start + timedelta(days=plan.length_days // 2)


@given(starts, st.integers(min_value=1, max_value=60), st.integers(min_value=10, max_value=100))
@settings(max_examples=200, deadline=None)
def test_less_part_time_never_shortens(start: date, ec: int, part_time: int) -> None:
    assume(part_time < 100)
    assert schedule(start, ec, 1.5, part_time).planned_end >= schedule(start, ec, 1.5, part_time + 1).planned_end
