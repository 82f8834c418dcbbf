"""IMIM specifics: the universities of year 1 and 2, and the English test at admission."""

from __future__ import annotations

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import ImimRules


def university_problems(year1: str | None, year2: str | None, rules: ImimRules) -> list[str]:
    """Year 1 at Uppsala, Heidelberg or Groningen; year 2 at Groningen or Uppsala, elsewhere."""
    problems = []
    if not year1:
        problems.append("university of year 1 not recorded")
    elif year1 not in rules.year1_universities:
        problems.append(f"{year1} is not a year-1 university ({', '.join(rules.year1_universities)})")
    if not year2:
        problems.append("university of year 2 not recorded")
    elif year2 not in rules.year2_universities:
        problems.append(f"{year2} is not a year-2 university ({', '.join(rules.year2_universities)})")
    elif rules.year2_must_differ and year1 and year1 == year2:
        problems.append(f"year 2 must be at a different university from year 1 (both {year1})")
    return problems


def english_test_problems(kind: str | None, overall: float | None, lowest_section: float | None,
                          rules: ImimRules) -> list[str]:
    """IELTS 6.5 (sections >= 6.0), TOEFL iBT 92 (>= 21), CBT 237 (>= 21), PBT 580 (>= 55), CPE/CAE."""
    if not kind:
        return ["English test not recorded"]
    test = rules.english_tests.get(kind)
    if test is None:
        raise DomainError(f"Unknown English test '{kind}'. Choose one of: {', '.join(rules.english_tests)}.", "english_test")
    problems = []
    if test.overall is not None:
        if overall is None:
            problems.append(f"{test.name} overall score not recorded")
        elif overall < test.overall:
            problems.append(f"{test.name} overall {overall:g} is below {test.overall:g}")
    if test.section is not None:
        if lowest_section is None:
            problems.append(f"{test.name} section scores not recorded")
        elif lowest_section < test.section:
            problems.append(f"{test.name} lowest section {lowest_section:g} is below {test.section:g}")
    return problems
