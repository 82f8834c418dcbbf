"""IMIM: universities of year 1 and 2, and the English test at admission."""

from __future__ import annotations

import pytest

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.imim import english_test_problems, university_problems


@pytest.fixture()
def rules(imim):
    return imim.imim


# --- universities -------------------------------------------------------------------------------


def test_imim_university_rules(rules) -> None:
    assert set(rules.year1_universities) == {"Uppsala", "Heidelberg", "Groningen"}
    assert set(rules.year2_universities) == {"Groningen", "Uppsala"}
    assert rules.year2_must_differ
    assert rules.participation_fee_required


@pytest.mark.parametrize(
    ("year1", "year2"),
    [("Heidelberg", "Groningen"), ("Heidelberg", "Uppsala"), ("Uppsala", "Groningen"), ("Groningen", "Uppsala")],
)
def test_valid_university_pairs(rules, year1: str, year2: str) -> None:
    assert university_problems(year1, year2, rules) == []


@pytest.mark.parametrize("same", ["Groningen", "Uppsala"])
def test_same_university_twice(rules, same: str) -> None:
    problems = university_problems(same, same, rules)
    assert len(problems) == 1
    assert "different university" in problems[0]
    assert same in problems[0]


def test_heidelberg_is_not_a_year2_university(rules) -> None:
    problems = university_problems("Groningen", "Heidelberg", rules)
    assert len(problems) == 1
    assert "Heidelberg is not a year-2 university" in problems[0]


def test_unknown_year1_university(rules) -> None:
    problems = university_problems("Leiden", "Groningen", rules)
    assert len(problems) == 1
    assert "Leiden is not a year-1 university" in problems[0]


def test_missing_universities_named(rules) -> None:
    assert university_problems(None, None, rules) == [
        "university of year 1 not recorded",
        "university of year 2 not recorded",
    ]
    assert university_problems("Heidelberg", None, rules) == ["university of year 2 not recorded"]
    assert university_problems("", "Uppsala", rules) == ["university of year 1 not recorded"]


# --- English test -------------------------------------------------------------------------------


def test_english_tests_defined(rules) -> None:
    assert set(rules.english_tests) == {"IELTS", "TOEFL_IBT", "TOEFL_CBT", "TOEFL_PBT", "CPE", "CAE"}
    assert rules.english_tests["IELTS"].overall == 6.5
    assert rules.english_tests["IELTS"].section == 6.0


@pytest.mark.parametrize(
    ("kind", "overall", "section", "ok"),
    [
        ("IELTS", 6.5, 6.0, True),
        ("IELTS", 7.5, 7.0, True),
        ("IELTS", 6.0, 6.0, False),
        ("IELTS", 6.5, 5.5, False),
        ("TOEFL_IBT", 92, 21, True),
        ("TOEFL_IBT", 91, 21, False),
        ("TOEFL_IBT", 92, 20, False),
        ("TOEFL_CBT", 237, 21, True),
        ("TOEFL_CBT", 236, 21, False),
        ("TOEFL_CBT", 237, 20, False),
        ("TOEFL_PBT", 580, 55, True),
        ("TOEFL_PBT", 579, 55, False),
        ("TOEFL_PBT", 580, 54, False),
        ("CPE", None, None, True),
        ("CAE", None, None, True),
    ],
)
def test_english_thresholds(rules, kind: str, overall, section, ok: bool) -> None:
    assert (english_test_problems(kind, overall, section, rules) == []) is ok


def test_ielts_overall_too_low_named(rules) -> None:
    assert english_test_problems("IELTS", 6.0, 6.0, rules) == ["IELTS Academic overall 6 is below 6.5"]


def test_ielts_section_too_low_named(rules) -> None:
    assert english_test_problems("IELTS", 6.5, 5.5, rules) == ["IELTS Academic lowest section 5.5 is below 6"]


def test_both_too_low_named(rules) -> None:
    problems = english_test_problems("TOEFL_PBT", 579, 54, rules)
    assert len(problems) == 2
    assert "579" in problems[0] and "580" in problems[0]
    assert "54" in problems[1] and "55" in problems[1]


def test_scores_not_recorded(rules) -> None:
    assert english_test_problems("TOEFL_IBT", None, None, rules) == [
        "TOEFL iBT overall score not recorded",
        "TOEFL iBT section scores not recorded",
    ]


def test_cambridge_ignores_scores(rules) -> None:
    assert english_test_problems("CAE", 10, 1, rules) == []


def test_no_test_recorded(rules) -> None:
    assert english_test_problems(None, None, None, rules) == ["English test not recorded"]
    assert english_test_problems("", 7.0, 6.5, rules) == ["English test not recorded"]


def test_unknown_test_raises(rules) -> None:
    with pytest.raises(DomainError) as info:
        english_test_problems("DUOLINGO", 120, None, rules)
    assert info.value.field == "english_test"
    assert "DUOLINGO" in str(info.value)
    assert "IELTS" in str(info.value)


def test_english_scores_are_checked_against_the_tests_own_scale(programmes) -> None:  # type: ignore[no-untyped-def]
    from coordinator_app.domain.imim import check_english_scores

    rules = programmes["IMIM"].imim
    check_english_scores("IELTS", 9.0, 0.0, rules)  # the ends of the scale
    check_english_scores("TOEFL_PBT", 580, 55, rules)
    check_english_scores("CPE", None, None, rules)  # a certificate: no scores, no scale
    check_english_scores(None, 92, 30, rules)  # no test chosen yet: nothing to check against
    with pytest.raises(
        DomainError, match=r"300 is not an overall score of the TOEFL PBT: its scores run from 310 to 677"
    ):
        check_english_scores("TOEFL_PBT", 300, None, rules)
    with pytest.raises(DomainError, match="31 is not a section score of the TOEFL iBT") as refused:
        check_english_scores("TOEFL_IBT", 100, 31, rules)
    assert refused.value.field == "english_lowest_section"
