"""Examination Board approvals: of internships, the Literature Study and optional courses."""

from __future__ import annotations

from datetime import date

from coordinator_app.domain.errors import DomainError

APPROVAL_STATUSES = ("not requested", "requested", "approved", "rejected")
# An optional course is on the student's list once it is requested: it has no "not requested".
OPTIONAL_COURSE_STATUSES = APPROVAL_STATUSES[1:]
# The Board has decided: the decision has a date.
DECISIONS = ("approved", "rejected")


def is_decision(status: str | None) -> bool:
    """Approved or rejected: the status the Board's decision sets, which needs its date."""
    return status in DECISIONS


def check_decision_date(status: str | None, decided_on: date | None, field: str) -> None:
    """An approval or a rejection needs the date of the Examination Board's decision."""
    if is_decision(status) and decided_on is None:
        raise DomainError("Give the date of the Examination Board's decision.", field)
