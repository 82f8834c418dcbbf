"""What needs the coordinator's attention: overdue and soon-due items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum


class Urgency(str, Enum):
    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    LATER = "later"
    DONE = "done"

    @property
    def label(self) -> str:
        """How the window, the export and the command line say it."""
        return URGENCY_LABELS[self]


URGENCY_LABELS = {
    Urgency.OVERDUE: "overdue",
    Urgency.DUE_SOON: "due soon",
    Urgency.LATER: "not due yet",
    Urgency.DONE: "done",
}


def urgency(due: date | None, received: date | None, as_of: date, within_days: int) -> Urgency:
    """Overdue after the due date; due soon within `within_days` days (the due day included)."""
    if received is not None:
        return Urgency.DONE
    if due is None:
        return Urgency.LATER
    days = (due - as_of).days
    if days < 0:
        return Urgency.OVERDUE
    if days <= within_days:
        return Urgency.DUE_SOON
    return Urgency.LATER


@dataclass(frozen=True)
class AttentionItem:
    due: date
    student_id: int
    student_number: str
    student_name: str
    programme: str
    cohort: int
    component: str  # "Minor internship", "Literature Study", "Academic Core", ...
    what: str  # "List of Agreements (A)", "2 mentor meetings", ...
    urgency: Urgency
    tab: str  # which tab of the student record shows it
    part: str = ""  # which part of that tab: "minor" or "major" on the Internships tab
    # What the item is, stable from day to day (reminders are recorded against it):
    # "minor_internship:list_of_agreements", "literature_study:approval", "imim::fees", ...
    key: str = ""

    @property
    def kind(self) -> str:
        """The kind of item (the key's last part): a portfolio item's kind, "approval", a flag's kind."""
        return self.key.rsplit(":", 1)[-1]

    def days_from(self, as_of: date) -> int:
        return (self.due - as_of).days


def sort_key(item: AttentionItem) -> tuple[date, str, str, str]:
    return (item.due, item.student_number, item.component, item.what)
