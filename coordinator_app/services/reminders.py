"""Reminders: the drafts for attention items, and when each item was last reminded about.

A reminder is recorded in the audit trail (action "reminder", one entry per item and recipient,
the item's key in `field`, the recipient in `new_value`), so the student's History shows it and
the attention list can say "reminded 3 days ago" (the partial index ix_audit_reminder finds them).
The app sends nothing itself: services/outbox.py writes the drafts as .eml files or a mailto: link.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from coordinator_app.domain.attention import AttentionItem
from coordinator_app.domain.reminder_file import DEFAULT_LANGUAGE, languages, load_templates
from coordinator_app.domain.reminders import INTERNSHIP_ROLES, ROLES, Draft, Drafts, Person, Templates, draft_reminders
from coordinator_app.paths import reminders_dir
from coordinator_app.services.recipients import ROLES as REGISTER_ROLE_NAMES
from coordinator_app.services.recipients import Role, recipients
from coordinator_app.services.workspace import Workspace
from coordinator_app.store import models as m

# The templates say "daily supervisor"; the register's roles are "daily_supervisor".
REGISTER_ROLES: dict[str, Role] = {role.replace("_", " "): role for role in REGISTER_ROLE_NAMES}

ACTION = "reminder"
ENTITY = "attention item"


@dataclass(frozen=True)
class Reminded:
    """The last reminder about one item: when (UTC, as the audit trail keeps it) and to whom."""

    at: datetime
    to: str

    def days_ago(self, today: date) -> int:
        return (today - local_day(self.at)).days


def local_day(at: datetime) -> date:
    """The coordinator's calendar day of a moment the audit trail keeps in UTC."""
    return at.replace(tzinfo=UTC).astimezone().date()


class People:
    """The people of many students for the drafts, from services/recipients.py (the people register):
    one read per role (and internship), whatever the number of students."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, str, str], Person] = {}

    @classmethod
    def read(cls, ws: Workspace, student_ids: Iterable[int]) -> People:
        people, ids = cls(), sorted(set(student_ids))
        for role in ROLES:
            register_role = REGISTER_ROLES[role]
            for part in ("minor", "major") if role in INTERNSHIP_ROLES else ("",):
                found = recipients(ws, ids, register_role, part or None)
                for sid, who in found.items():
                    name = " ".join(who.name.split()) if who else ""
                    if who and name:
                        people._known[(sid, role, part)] = Person(role, name, who.email)
        return people

    def get(self, student_id: int, role: str, part: str = "") -> Person | None:
        if role not in ROLES:
            raise ValueError(f"not a role: {role}")
        return self._known.get((student_id, role, part if role in INTERNSHIP_ROLES else ""))


def reminder_languages() -> dict[str, str]:
    """The languages with templates: "en" -> "English" (a Dutch set adds "nl")."""
    return languages(reminders_dir())


def templates(ws: Workspace, language: str = DEFAULT_LANGUAGE) -> dict[str, Templates]:
    """Every programme's templates in `language` (English where a programme has none in it)."""
    return {code: load_templates(reminders_dir(), code, language) for code in ws.programmes}


def draft(
    ws: Workspace,
    items: Iterable[AttentionItem],
    signature: str = "",
    language: str = DEFAULT_LANGUAGE,
    as_of: date | None = None,
) -> Drafts:
    """The drafts for these attention items, grouped per recipient (students, then supervisors and
    assessors; those without an address listed last, never sent)."""
    chosen = list(items)
    people = People.read(ws, {i.student_id for i in chosen})
    return draft_reminders(
        chosen,
        templates(ws, language),
        people.get,
        as_of or ws.as_of(),
        signature,
        {code: p.name for code, p in ws.programmes.items()},
    )


def items_of_students(
    ws: Workspace, student_ids: Sequence[int], within: int = 14, as_of: date | None = None
) -> list[AttentionItem]:
    """The attention list's overdue and due-soon items of these students (Remind… on the student list)."""
    from coordinator_app.services.attention import attention_items

    wanted = set(student_ids)
    return [i for i in attention_items(ws, as_of or ws.as_of(), within) if i.student_id in wanted]


def recipient_text(draft: Draft) -> str:
    """How the audit trail names a reminder's recipient: "Dr. J. Jansen <j.jansen@umc.nl> (daily supervisor)"."""
    return f"{draft.to.name} <{draft.to.email}> ({draft.to.role})"


def record_reminders(ws: Workspace, drafts: Iterable[Draft]) -> int:
    """Record that these drafts went out (opened in the mail program, written, or their addresses
    copied): one audit entry per item and recipient, in one transaction. Drafts without an address
    are not recorded. Returns how many items were recorded."""
    done = 0
    with ws.write() as s:
        for d in drafts:
            if not d.has_address:
                continue
            to = recipient_text(d)
            for item in d.items:
                ws.audit(s, ACTION, ENTITY, None, item.student_id, item.key, None, to)
                done += 1
    return done


def last_reminders(ws: Workspace, student_ids: Iterable[int] | None = None) -> dict[tuple[int, str], Reminded]:
    """The last reminder per (student id, item key), for every student or the ones given."""
    A = m.AuditEntry
    query = select(A.student_id, A.field, A.at, A.new_value).where(A.action == ACTION).order_by(A.at, A.id)
    out: dict[tuple[int, str], Reminded] = {}
    with ws.read() as s:
        if student_ids is None:
            rows = list(s.execute(query))
        else:
            ids = sorted(set(student_ids))
            rows = []
            for start in range(0, len(ids), 900):
                rows += s.execute(query.where(A.student_id.in_(ids[start : start + 900])))
            rows.sort(key=lambda r: r[2])
    for sid, key, at, to in rows:
        if sid is not None:
            out[(sid, key)] = Reminded(at, to or "")
    return out


def not_reminded_since(
    items: Iterable[AttentionItem], reminded: dict[tuple[int, str], Reminded], days: int, today: date
) -> list[AttentionItem]:
    """The items nobody was reminded about in the last `days` days (never, or longer ago)."""
    since = today - timedelta(days=days)
    out = []
    for item in items:
        last = reminded.get((item.student_id, item.key))
        if last is None or local_day(last.at) <= since:
            out.append(item)
    return out
