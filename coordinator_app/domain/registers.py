"""The host and people registers: what a valid entry is, when two entries are the same, and the
assessor-rank rule as a property of the person (checked once here, wherever they are chosen)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from coordinator_app.domain.errors import DomainError
from coordinator_app.domain.people import validate_email, validate_notes
from coordinator_app.domain.ranks import RANKS, rank_at_least

UMC_CHOICES: dict[str, str] = {"VUmc": "Amsterdam UMC, VUmc", "AMC": "Amsterdam UMC, AMC", "other": "another UMC"}
UMC_ASSESSORS = "Amsterdam UMC"  # the organisation an Amsterdam UMC assessor is entered with


def clean_text(value: object, field: str, label: str, limit: int, required: bool = False) -> str:
    """One line of text, spaces collapsed; refused when too long, or empty where required."""
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DomainError(f"Give the {label}.", field)
    if len(text) > limit:
        raise DomainError(f"The {label} is longer than {limit} characters.", field)
    return text


def same_entry_key(name: str, organisation: str) -> tuple[str, str]:
    """Two entries are duplicates when name and organisation (or department) match, ignoring case and spacing."""
    return " ".join(name.split()).casefold(), " ".join(organisation.split()).casefold()


def validate_umc(value: object) -> str | None:
    if value in (None, "", "no", False):
        return None
    if value is True or value == "yes":
        return "other"
    if value not in UMC_CHOICES:
        raise DomainError(f"A university medical center is VUmc, AMC or other, not '{value}'.", "umc")
    return str(value)


def validate_person_rank(value: object) -> str | None:
    if value in (None, ""):
        return None
    if value not in RANKS:
        raise DomainError(f"Unknown rank '{value}'. Choose one of: {', '.join(RANKS.values())}.", "rank")
    return str(value)


# How each field of an entry is checked: the value as typed or read in, to the value stored.
FieldCheck = Callable[[Any], object]
HOST_FIELDS: dict[str, FieldCheck] = {
    "name": lambda v: clean_text(v, "name", "organisation's name", 200, required=True),
    "department": lambda v: clean_text(v, "department", "department", 200),
    "city": lambda v: clean_text(v, "city", "city", 100),
    "country": lambda v: clean_text(v, "country", "country", 100) or "Netherlands",
    "umc": validate_umc,
    "notes": lambda v: validate_notes(str(v or ""), "notes"),
}
PERSON_FIELDS: dict[str, FieldCheck] = {
    "name": lambda v: clean_text(v, "name", "person's name", 200, required=True),
    "rank": validate_person_rank,
    "organisation": lambda v: clean_text(v, "organisation", "organisation", 200),
    "email": validate_email,
    "notes": lambda v: validate_notes(str(v or ""), "notes"),
}


def validate_fields(fields: Mapping[str, FieldCheck], changes: Mapping[str, object], what: str) -> dict[str, object]:
    clean: dict[str, object] = {}
    for field, raw in changes.items():
        check = fields.get(field)
        if check is None:
            raise DomainError(f"'{field}' is not a field of {what}.", field)
        clean[field] = check(raw)
    return clean


@dataclass(frozen=True)
class AssessorVerdict:
    """Whether a person may be an Amsterdam UMC assessor (at least the programme's minimum rank)."""

    allowed: bool
    sentence: str


def may_assess(rank: str | None, min_rank: str) -> AssessorVerdict:
    """The assessor-rank rule on the person: the one place it is worked out."""
    if rank is None:
        return AssessorVerdict(False, f"rank not recorded (an assessor must be at least {RANKS[min_rank]})")
    if rank_at_least(rank, min_rank):
        return AssessorVerdict(True, f"{RANKS[rank]}: may assess")
    return AssessorVerdict(False, f"{RANKS[rank]}: below {RANKS[min_rank]}, may not be the Amsterdam UMC assessor")
