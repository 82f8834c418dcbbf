"""Internship length, planned end, halfway point, portfolio due dates and the approval checks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.programme import InternshipKind, PortfolioRule
from coordinator_app.domain.ranks import RANKS, rank_at_least

# The travel advice codes a coordinator can record; which of them void an approval or need the
# study coordinator is programme data (invalid_travel_codes, consult_travel_codes).
TRAVEL_CODES = ("green", "yellow", "orange", "red")
HOME_COUNTRY = ("netherlands", "nederland", "nl")


@dataclass(frozen=True)
class Period:
    """A period in days, both ends inclusive (an interruption: holiday, optional course, ...)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError(
                f"An interruption cannot end ({self.end:%d-%m-%Y}) before it starts ({self.start:%d-%m-%Y}).",
                "interruption",
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def validate_part_time(percent: int) -> int:
    if not 10 <= percent <= 100:
        raise DomainError(f"Part-time must be between 10% and 100% of a full-time week, not {percent}%.", "part_time")
    return percent


def full_time_weeks(ec: float, ec_per_week: float) -> float:
    """One full-time week (40 h) is 1.5 EC: a 24 EC minor is 16 weeks, a 36 EC major 24."""
    if ec <= 0:
        raise DomainError(f"An internship needs a positive number of EC, not {ec:g}.", "ec")
    return ec / ec_per_week


def working_days_length(ec: float, ec_per_week: float, part_time_percent: int = 100) -> int:
    """Calendar days needed without interruptions; part-time stretches it (rounded up to a day)."""
    validate_part_time(part_time_percent)
    weeks = full_time_weeks(ec, ec_per_week) * 100 / part_time_percent
    return math.ceil(round(7 * weeks, 9))


def interruption_days(periods: list[Period], start: date) -> int:
    """Days of interruption after the start, overlapping periods counted once."""
    days = 0
    last_counted = start - timedelta(days=1)
    for period in sorted(periods, key=lambda p: p.start):
        if period.start < start:
            raise DomainError(
                f"An interruption ({period.start:%d-%m-%Y}) cannot start before the internship starts ({start:%d-%m-%Y}).",
                "interruption",
            )
        begin = max(period.start, last_counted + timedelta(days=1))
        if begin <= period.end:
            days += (period.end - begin).days + 1
            last_counted = period.end
    return days


@dataclass(frozen=True)
class Schedule:
    start: date
    planned_end: date  # inclusive
    halfway: date
    length_days: int  # start..planned_end inclusive, interruptions included
    weeks: float  # weeks of work, part-time included


def schedule(
    start: date, ec: float, ec_per_week: float, part_time_percent: int = 100, interruptions: list[Period] | None = None
) -> Schedule:
    """Planned end = start + 7 x weeks - 1 day + interruption days; halfway = start + length // 2."""
    base = working_days_length(ec, ec_per_week, part_time_percent)
    extra = interruption_days(interruptions or [], start)
    length = base + extra
    planned_end = start + timedelta(days=length - 1)
    halfway = start + timedelta(days=length // 2)
    weeks = full_time_weeks(ec, ec_per_week) * 100 / part_time_percent
    return Schedule(start, planned_end, halfway, length, weeks)


_DUE = re.compile(r"^(start|end)([+-]\d+)?$")


def due_date(rule: PortfolioRule | str, plan: Schedule) -> date:
    """The due date of a portfolio item from its rule: start+14, start+42, halfway, end, end+14."""
    text = rule.due if isinstance(rule, PortfolioRule) else rule
    if text == "halfway":
        return plan.halfway
    m = _DUE.match(text)
    if not m:
        raise ValueError(f"unknown due rule {text!r}")
    anchor = plan.start if m[1] == "start" else plan.planned_end
    return anchor + timedelta(days=int(m[2] or 0))


def portfolio_due_dates(rules: tuple[PortfolioRule, ...], plan: Schedule) -> dict[str, date]:
    return {rule.kind: due_date(rule, plan) for rule in rules}


def validate_rank(rank: str | None, field: str) -> str | None:
    if rank in (None, ""):
        return None
    if rank not in RANKS:
        raise DomainError(f"Unknown rank '{rank}'. Choose one of: {', '.join(RANKS.values())}.", field)
    return rank


def parse_rank(text: str | None, field: str) -> str | None:
    """A rank as typed or as a workbook shows it: its key ('UHD') or its name ('Associate professor (UHD)')."""
    cleaned = " ".join(str(text or "").split())
    by_name = {name.casefold(): key for key, name in RANKS.items()}
    return validate_rank(by_name.get(cleaned.casefold(), cleaned), field)


def validate_travel_code(code: str | None) -> str | None:
    if code in (None, ""):
        return None
    lowered = code.strip().lower()
    if lowered not in TRAVEL_CODES:
        raise DomainError(f"Travel advice code must be green, yellow, orange or red, not '{code}'.", "travel_code")
    return lowered


def minor_eligible(compulsory_passed: int, kind: InternshipKind) -> bool:
    """The minor internship may be requested after passing the compulsory courses its kind asks for
    (`min_compulsory_courses_passed`, passed at the programme's pass mark)."""
    return compulsory_passed >= kind.min_compulsory_courses_passed


@dataclass(frozen=True)
class InternshipFacts:
    """What the checks need to know about one internship."""

    kind: str  # "minor" or "major"
    country: str | None
    travel_code: str | None
    is_umc: bool
    approval_status: str
    assessor_rank: str | None
    start: date | None


def approval_warnings(
    facts: InternshipFacts,
    kind: InternshipKind,
    invalid_codes: tuple[str, ...],
    consult_codes: tuple[str, ...],
    assessor_min_rank: str,
    compulsory_passed: int,
) -> list[str]:
    """Everything that makes an internship's approval invalid or needs the coordinator's eye."""
    warnings: list[str] = []
    code = (facts.travel_code or "").lower() or None
    if kind.netherlands_only and is_abroad(facts.country):
        warnings.append(f"The {kind.name.lower()} must be in the Netherlands, not in {facts.country}.")
    if voids_approval(code, invalid_codes):
        warnings.append(f"Travel advice for {facts.country or 'the country'} is {code}: the approval is not valid.")
    elif code in consult_codes:
        warnings.append(f"Travel advice for {facts.country or 'the country'} is {code}: consult the study coordinator.")
    if facts.assessor_rank is not None and not rank_at_least(facts.assessor_rank, assessor_min_rank):
        warnings.append(
            f"The Amsterdam UMC assessor is {RANKS[facts.assessor_rank]}; at least {RANKS[assessor_min_rank]} is required."
        )
    if kind.min_compulsory_courses_passed and not minor_eligible(compulsory_passed, kind):
        warnings.append(
            f"Not eligible for the {kind.name.lower()}: {compulsory_passed} of the "
            f"{kind.min_compulsory_courses_passed} required compulsory courses passed."
        )
    return warnings


def is_abroad(country: str | None) -> bool:
    """A country other than the Netherlands (an empty one is not known to be abroad)."""
    return bool(country) and (country or "").strip().lower() not in HOME_COUNTRY


def voids_approval(travel_code: str | None, invalid_codes: tuple[str, ...]) -> bool:
    """Travel advice that makes an approval invalid (orange or red: the programme's invalid_travel_codes)."""
    return bool(travel_code) and (travel_code or "").lower() in invalid_codes


def approval_valid(facts: InternshipFacts, invalid_codes: tuple[str, ...]) -> bool:
    """Approved by the Examination Board, and not voided by the travel advice."""
    return facts.approval_status == "approved" and not voids_approval(facts.travel_code, invalid_codes)


def umc_rule_violated(internships: list[InternshipFacts]) -> bool:
    """At least one of the two internships must be at a university medical center.

    Only decidable once both are planned; until then nothing is violated.
    """
    kinds = {i.kind for i in internships}
    if not {"minor", "major"} <= kinds:
        return False
    return not any(i.is_umc for i in internships)
