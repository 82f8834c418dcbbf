"""Reminder drafts: who an item's reminder goes to, and the message each recipient gets.

The rules and the words are data (resources/reminders/, read by domain/reminder_file.py): per
programme who a kind of item is chased with, per language and programme the templates. Here
the attention items are grouped per recipient (a student gets one message listing all of
their items; a supervisor or assessor one about the items that are theirs, across students)
and the templates are filled. Nothing here sends anything: the window shows the drafts, then
opens one in the mail program or writes them as .eml files (services/outbox.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from coordinator_app.domain.attention import AttentionItem
from coordinator_app.domain.errors import DomainError

STUDENT = "student"
NOBODY = "nobody"
# Who can be reminded, as resources/reminders/<programme>.toml names them (services/recipients.py).
ROLES = (
    STUDENT,
    "daily supervisor",
    "second supervisor",
    "assessor",
    "literature supervisor",
    "literature assessor",
    "mentor",
)
# The people of an internship are that internship's: the item's part ("minor", "major") says which.
INTERNSHIP_ROLES = ("daily supervisor", "second supervisor", "assessor")

MESSAGE_PLACEHOLDERS = frozenset(
    {
        "recipient_name",
        "programme",
        "programme_name",
        "count",
        "item",
        "component",
        "student_name",
        "student_first_name",
        "items",
        "signature",
    }
)
SUBJECT_PLACEHOLDERS = MESSAGE_PLACEHOLDERS - {"items", "signature"}
LINE_PLACEHOLDERS = frozenset(
    {
        "student_name",
        "student_first_name",
        "student_number",
        "item",
        "component",
        "due_date",
        "days_late",
        "when",
        "programme",
    }
)
WORDS = ("late_one", "late_many", "today", "soon_one", "soon_many", "your_students")


@dataclass(frozen=True)
class MessageTemplate:
    """What one kind of recipient (the student, or a supervisor/assessor) gets."""

    subject_one: str
    subject_many: str
    body: str
    lines: Mapping[str, str]  # kind of item -> its line; "default" for the rest

    def line_for(self, kind: str) -> str:
        return self.lines.get(kind) or self.lines["default"]


@dataclass(frozen=True)
class Templates:
    """One programme's reminders in one language."""

    programme: str
    language: str  # "en", "nl": the folder
    language_name: str  # "English": as the settings list it
    student: MessageTemplate
    supervisor: MessageTemplate
    words: Mapping[str, str]
    to: Mapping[str, str]  # kind of item -> role (not listed: the student)

    def role_for(self, kind: str) -> str:
        return self.to.get(kind, STUDENT)

    def when(self, days_late: int) -> str:
        """ "9 days late", "due today", "due in 3 days", in this language."""
        w = self.words
        if days_late > 0:
            return w["late_one"] if days_late == 1 else w["late_many"].format(days=days_late)
        if days_late == 0:
            return w["today"]
        return w["soon_one"] if days_late == -1 else w["soon_many"].format(days=-days_late)


@dataclass(frozen=True)
class Person:
    """Someone a reminder can go to. `email` None: no address recorded (the draft is not sent)."""

    role: str
    name: str
    email: str | None


@dataclass
class Draft:
    """One message to one person about one or more attention items."""

    to: Person
    items: list[AttentionItem]
    subject: str = ""
    body: str = ""
    students: list[int] = field(default_factory=list)  # whose items, in order

    @property
    def has_address(self) -> bool:
        return bool(self.to.email)


@dataclass(frozen=True)
class Unsent:
    """Attention items no reminder is drafted for, and why (in the coordinator's words)."""

    item: AttentionItem
    reason: str


@dataclass
class Drafts:
    """The drafts of one "Remind…", in the order the review lists them, and what is left out."""

    drafts: list[Draft]
    unsent: list[Unsent]

    @property
    def with_address(self) -> list[Draft]:
        return [d for d in self.drafts if d.has_address]

    @property
    def without_address(self) -> list[Draft]:
        return [d for d in self.drafts if not d.has_address]


# Who is around a student: (student id, role, part) -> the person, or None when nobody is recorded.
PeopleOf = Callable[[int, str, str], Person | None]


def draft_reminders(
    items: Iterable[AttentionItem],
    templates: Mapping[str, Templates],
    people: PeopleOf,
    as_of: date,
    signature: str,
    programme_names: Mapping[str, str],
) -> Drafts:
    """Group the items per recipient and fill the templates. `templates` by programme code;
    `people(student_id, role, part)` says who that is (services/recipients.py)."""
    groups: dict[tuple[str, ...], Draft] = {}
    unsent: list[Unsent] = []
    for item in items:
        t = templates[item.programme]
        role = t.role_for(item.kind)
        if role == NOBODY:
            unsent.append(Unsent(item, "yours to do: nobody to remind"))
            continue
        person = people(item.student_id, role, item.part if role in INTERNSHIP_ROLES else "")
        if person is None:
            unsent.append(Unsent(item, f"no {role} recorded"))
            continue
        key = _group_key(item, person)
        draft = groups.get(key)
        if draft is None:
            draft = groups[key] = Draft(person, [])
        draft.items.append(item)
        if item.student_id not in draft.students:
            draft.students.append(item.student_id)
    drafts = list(groups.values())
    for draft in drafts:
        draft.items.sort(key=lambda i: (i.due, i.student_number, i.component, i.what))
        _fill(draft, templates[draft.items[0].programme], as_of, signature, programme_names)
    # Students first (by name), then the supervisors and assessors; those without an address last.
    drafts.sort(key=lambda d: (not d.has_address, d.to.role != STUDENT, d.to.name.casefold(), d.to.role))
    return Drafts(drafts, unsent)


def _group_key(item: AttentionItem, person: Person) -> tuple[str, ...]:
    if person.role == STUDENT:
        return (STUDENT, str(item.student_id))
    if person.email:  # one message per address, whatever their role for each student
        return ("address", person.email.casefold(), item.programme)
    return ("no address", person.role, " ".join(person.name.split()).casefold(), item.programme)


def _fill(draft: Draft, t: Templates, as_of: date, signature: str, programme_names: Mapping[str, str]) -> None:
    first = draft.items[0]
    template = t.student if draft.to.role == STUDENT else t.supervisor
    one_student = len(draft.students) == 1
    values = {
        "recipient_name": draft.to.name,
        "programme": first.programme,
        "programme_name": programme_names.get(first.programme, first.programme),
        "count": str(len(draft.items)),
        "item": first.what,
        "component": first.component,
        "student_name": first.student_name if one_student else t.words["your_students"],
        "student_first_name": first.student_name.split(" ")[0] if one_student else t.words["your_students"],
    }
    lines = [_line(template, t, item, as_of) for item in draft.items]
    subject = template.subject_one if len(draft.items) == 1 else template.subject_many
    draft.subject = " ".join(subject.format_map(values).split())  # one line, whatever the names hold
    draft.body = template.body.format_map({**values, "items": "\n".join(lines), "signature": signature.strip()})


def _line(template: MessageTemplate, t: Templates, item: AttentionItem, as_of: date) -> str:
    days_late = -item.days_from(as_of)
    return template.line_for(item.kind).format_map(
        {
            "student_name": item.student_name,
            "student_first_name": item.student_name.split(" ")[0],
            "student_number": item.student_number,
            "item": item.what,
            "component": item.component,
            "due_date": f"{item.due:%d-%m-%Y}",
            "days_late": str(max(days_late, 0)),
            "when": t.when(days_late),
            "programme": item.programme,
        }
    )


def check_role(role: str, where: str) -> str:
    if role not in (*ROLES, NOBODY):
        raise DomainError(f"{where}: '{role}' is not a role; use one of: {', '.join((*ROLES, NOBODY))}.", "to")
    return role
