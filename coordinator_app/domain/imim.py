"""IMIM specifics: the universities of year 1 and 2, the English test at admission, the fee."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import ImimRules

UNIVERSITIES = "Universities"
ENGLISH = "English requirement"
FEE = "Fees"


@dataclass(frozen=True)
class ImimProblem:
    """One thing not in order for an IMIM student."""

    topic: str  # UNIVERSITIES, ENGLISH or FEE
    text: str  # "university of year 2 not recorded"
    year: int  # the programme year whose start it must be in order by
    violation: bool  # recorded against the rule (not merely not recorded yet)


def _university_checks(year1: str | None, year2: str | None, rules: ImimRules) -> list[ImimProblem]:
    """Year 1 at Uppsala, Heidelberg or Groningen; year 2 at Groningen or Uppsala, elsewhere."""
    problems = []
    if not year1:
        problems.append(ImimProblem(UNIVERSITIES, "university of year 1 not recorded", 1, False))
    elif year1 not in rules.year1_universities:
        problems.append(
            ImimProblem(
                UNIVERSITIES, f"{year1} is not a year-1 university ({', '.join(rules.year1_universities)})", 1, True
            )
        )
    if not year2:
        problems.append(ImimProblem(UNIVERSITIES, "university of year 2 not recorded", 2, False))
    elif year2 not in rules.year2_universities:
        problems.append(
            ImimProblem(
                UNIVERSITIES, f"{year2} is not a year-2 university ({', '.join(rules.year2_universities)})", 2, True
            )
        )
    elif rules.year2_must_differ and year1 and year1 == year2:
        problems.append(
            ImimProblem(UNIVERSITIES, f"year 2 must be at a different university from year 1 (both {year1})", 2, True)
        )
    return problems


def check_english_scores(
    kind: str | None, overall: float | None, lowest_section: float | None, rules: ImimRules
) -> None:
    """Refuse scores outside the test's own scale (programme data): a TOEFL 92 typed for an IELTS test
    would otherwise meet the requirement. No test, or a test without a scale: nothing to check."""
    test = rules.english_tests.get(kind) if kind else None
    if test is None:
        return
    for value, scale, what, field in (
        (overall, test.scores, "an overall score", "english_overall"),
        (lowest_section, test.section_scores, "a section score", "english_lowest_section"),
    ):
        if value is not None and scale is not None and not scale[0] <= value <= scale[1]:
            raise DomainError(
                f"{value:g} is not {what} of the {test.name}: its scores run from {scale[0]:g} to {scale[1]:g}. "
                "Check the score, or the test chosen.",
                field,
            )


def _english_checks(
    kind: str | None, overall: float | None, lowest_section: float | None, rules: ImimRules
) -> list[ImimProblem]:
    """IELTS 6.5 (sections >= 6.0), TOEFL iBT 92 (>= 21), CBT 237 (>= 21), PBT 580 (>= 55), CPE/CAE."""
    if not kind:
        return [ImimProblem(ENGLISH, "English test not recorded", 1, False)]
    test = rules.english_tests.get(kind)
    if test is None:
        raise DomainError(
            f"Unknown English test '{kind}'. Choose one of: {', '.join(rules.english_tests)}.", "english_test"
        )
    problems = []
    if test.overall is not None:
        if overall is None:
            problems.append(ImimProblem(ENGLISH, f"{test.name} overall score not recorded", 1, False))
        elif overall < test.overall:
            problems.append(ImimProblem(ENGLISH, f"{test.name} overall {overall:g} is below {test.overall:g}", 1, True))
    if test.section is not None:
        if lowest_section is None:
            problems.append(ImimProblem(ENGLISH, f"{test.name} section scores not recorded", 1, False))
        elif lowest_section < test.section:
            problems.append(
                ImimProblem(
                    ENGLISH, f"{test.name} lowest section {lowest_section:g} is below {test.section:g}", 1, True
                )
            )
    return problems


def imim_problems(
    year1: str | None,
    year2: str | None,
    english_test: str | None,
    english_overall: float | None,
    english_lowest_section: float | None,
    fee_paid: bool,
    rules: ImimRules,
) -> list[ImimProblem]:
    """Everything that blocks an IMIM student's progress or graduation, in the record's order."""
    problems = _university_checks(year1, year2, rules)
    problems += _english_checks(english_test, english_overall, english_lowest_section, rules)
    if rules.participation_fee_required and not fee_paid:
        problems.append(ImimProblem(FEE, "participation fee not paid", 1, False))
    return problems


def university_problems(year1: str | None, year2: str | None, rules: ImimRules) -> list[str]:
    return [p.text for p in _university_checks(year1, year2, rules)]


def english_test_problems(
    kind: str | None, overall: float | None, lowest_section: float | None, rules: ImimRules
) -> list[str]:
    return [p.text for p in _english_checks(kind, overall, lowest_section, rules)]
