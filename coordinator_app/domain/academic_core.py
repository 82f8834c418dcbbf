"""Academic Core: mentor meetings, first-year assignments and the final portfolio meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coordinator_app.domain.programme import AcademicCoreRules


def first_year_assignments_due(cohort_year: int, rules: AcademicCoreRules) -> date:
    """The last day for the first-year work: due before 1 September at the end of the first year,
    so cohort 2024 -> 31 August 2025, and overdue on 1 September."""
    month, day = rules.first_year_assignments_due
    return date(cohort_year + 1, month, day)


@dataclass(frozen=True)
class AcademicCoreStatus:
    meetings_held: int
    meetings_required: int
    first_year_received: bool
    final_meeting_held: bool

    @property
    def enough_meetings(self) -> bool:
        return self.meetings_held >= self.meetings_required

    @property
    def complete(self) -> bool:
        """Complete after the final portfolio meeting, with two mentor meetings and year-1 work in."""
        return self.enough_meetings and self.first_year_received and self.final_meeting_held

    def missing(self) -> list[str]:
        reasons = []
        if not self.enough_meetings:
            reasons.append(f"{self.meetings_held} of {self.meetings_required} mentor meetings held")
        if not self.first_year_received:
            reasons.append("first-year assignments not received")
        if not self.final_meeting_held:
            reasons.append("final portfolio meeting not held")
        return reasons

    @property
    def label(self) -> str:
        if self.complete:
            return "Complete"
        return "; ".join(self.missing()).capitalize()


def academic_core_status(
    meetings: list[date],
    as_of: date | None,
    rules: AcademicCoreRules,
    first_year_received: bool,
    final_meeting_held: bool,
) -> AcademicCoreStatus:
    """Meetings count once they have happened (a planned future meeting does not count yet)."""
    held = sum(1 for d in meetings if as_of is None or d <= as_of)
    return AcademicCoreStatus(held, rules.min_mentor_meetings, first_year_received, final_meeting_held)
